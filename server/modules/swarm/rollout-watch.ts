// Follows one service's rollout live, as `docker service update --detach=false` does: reads
// the service, its tasks and which of them run the current spec (the engine's own
// _up-to-date filter) from a manager that answers, whenever the live picture hears of a change
// to the service or its tasks (or every second), and yields the progress each time it
// changes, until the rollout converges, pauses or rolls back.
import type { Fleet } from "../../docker/index";
import { trimService, trimTask } from "../../docker/resources";
import { clusterById } from "./cluster";
import { engineRequest, filtersQuery, seg } from "./engine";
import { SwarmNotFoundError } from "./errors";
import { readFromManager } from "./managers";
import { isManualRollback, rolloutProgress, type RolloutProgress } from "./rollout";
import { viewOf } from "./view";

export interface RolloutWatchOptions {
  /** read at least this often while nothing is heard */
  intervalMs?: number;
  /** keep following after the rollout is done (a page that stays open) */
  untilDone?: boolean;
  /** whether the rollback that started at this time was asked for (what the tracker heard) */
  rollbackAsked?: (serviceId: string, startedAt: string) => boolean;
}

function waitForChange(fleet: Fleet, serviceId: string, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      off();
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    const off = fleet.subscribe((events) => {
      const touches = events.some(
        (e) =>
          "kind" in e &&
          ((e.kind === "services" && e.id === serviceId) ||
            (e.kind === "tasks" && e.type === "upsert" && e.item.serviceId === serviceId)),
      );
      // A burst of task changes lands as a few batches: gather them for a moment.
      if (touches) setTimeout(done, 50);
    });
    signal.addEventListener("abort", done, { once: true });
  });
}

export async function* watchRollout(
  fleet: Fleet,
  clusterId: string,
  serviceId: string,
  signal: AbortSignal,
  options: RolloutWatchOptions = {},
): AsyncGenerator<RolloutProgress> {
  const intervalMs = options.intervalMs ?? 1_000;
  let last = "";
  /** the start of a rollback seen asked for, while this watch runs */
  const asked = new Set<string>();
  while (!signal.aborted) {
    const cluster = clusterById(fleet, clusterId);
    if (!cluster) throw new SwarmNotFoundError("The swarm is no longer reachable through any environment.");
    const [served, view] = await Promise.all([
      readFromManager(
        fleet,
        cluster,
        "service rollout",
        async (docker) => {
          const [service, all, current] = await Promise.all([
            engineRequest<unknown>(docker, { method: "GET", path: `/services/${seg(serviceId)}` }),
            engineRequest<unknown[]>(docker, {
              method: "GET",
              path: "/tasks",
              query: filtersQuery({ service: [serviceId] }),
            }),
            engineRequest<unknown[]>(docker, {
              method: "GET",
              path: "/tasks",
              query: filtersQuery({ service: [serviceId], "_up-to-date": ["true"] }),
            }),
          ]);
          return { service, all, current };
        },
        { signal, key: `rollout:${serviceId}` },
      ).catch((error: unknown) => {
        if (error instanceof Error && "code" in error && error.code === "not-found") {
          throw new SwarmNotFoundError("The service was removed.");
        }
        throw error;
      }),
      viewOf(fleet, cluster, ["nodes"], { signal }),
    ]);
    const service = trimService(served.value.service);
    const tasks = served.value.all.map(trimTask).filter((t) => t.serviceId === service.id);
    const upToDate = new Set(served.value.current.map(trimTask).map((t) => t.id));
    const status = service.updateStatus;
    if (status?.state === "rollback_started" && isManualRollback(status.message) && status.startedAt)
      asked.add(status.startedAt);
    const rollbackAsked =
      status?.startedAt !== undefined &&
      (asked.has(status.startedAt) || (options.rollbackAsked?.(service.id, status.startedAt) ?? false));
    const progress = rolloutProgress({ service, tasks, upToDate, nodes: view.nodes, rollbackAsked });
    const json = JSON.stringify(progress);
    if (json !== last) {
      last = json;
      yield progress;
    }
    if (progress.done && !options.untilDone) return;
    // Once done, only a change (a new update, from here or a CLI) is worth reading again soon.
    await waitForChange(fleet, service.id, progress.done ? intervalMs * 5 : intervalMs, signal);
  }
}
