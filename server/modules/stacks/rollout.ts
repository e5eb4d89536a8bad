// Rollout progress of a stack's services after a deploy, until each has converged, paused or
// rolled back (or keeps failing): the one small interface the deploy's progress stream uses.
// The swarm module (issue #13) follows a single service's rollout the same way
// (watchRollout); once that is on main, `followRollouts` is written on top of it, here, and
// nothing else changes.
import type Docker from "dockerode";
import { engineCall, filters } from "./engine-api";
import { trimTask } from "./inventory";
import {
  failureOf,
  isManualRollback,
  serviceHealth,
  type FailingTask,
  type StackTask,
  type UpdateStatus,
} from "./state";

export type RolloutPhase =
  "starting" | "updating" | "converged" | "completed" | "paused" | "rolling-back" | "rolled-back" | "failing";

export interface ServiceRollout {
  serviceId: string;
  /** the engine name, "shop_web" */
  name: string;
  phase: RolloutPhase;
  /** tasks meant to run that run the service's current spec */
  running: number;
  desired: number;
  /** nothing more will happen by itself */
  done: boolean;
  failed: boolean;
  failure?: FailingTask;
  message: string;
}

type Obj = Record<string, unknown>;
const rec = (v: unknown): Obj => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? v : 0);
const str = (v: unknown): string => (typeof v === "string" ? v : "");

/** Failures of new tasks after which a service that was being created is called failing. */
export const FAILURES_BEFORE_GIVING_UP = 3;

/**
 * One service's rollout from what the manager says: the service (with ServiceStatus), all its
 * tasks, and which of them run its current spec (the engine's `_up-to-date` filter).
 */
export function rolloutOf(input: {
  service: Obj;
  tasks: readonly StackTask[];
  upToDate: ReadonlySet<string>;
  /** when the deploy began (ms): an update that started before belongs to an earlier deploy */
  since: number;
}): ServiceRollout {
  const { service, since } = input;
  const spec = rec(service.Spec);
  const mode = rec(spec.Mode);
  const job = "ReplicatedJob" in mode || "GlobalJob" in mode;
  const raw = rec(service.UpdateStatus);
  const update: UpdateStatus | undefined = raw.State
    ? {
        state: str(raw.State),
        message: str(raw.Message),
        ...(raw.StartedAt ? { startedAt: str(raw.StartedAt) } : {}),
      }
    : undefined;
  const ours = update?.startedAt ? Date.parse(update.startedAt) >= since - 2_000 : false;
  const current = input.tasks.filter((t) => input.upToDate.has(t.id));
  const desired = num(rec(service.ServiceStatus).DesiredTasks);
  const health = serviceHealth({ desired, tasks: current, job });
  const base = { serviceId: String(service.ID), name: String(spec.Name), running: health.running, desired };
  const newFailures = current.filter(
    (t) => ["failed", "rejected"].includes(t.state) && Date.parse(t.createdAt) >= since - 2_000,
  );
  if (ours && update) {
    switch (update.state) {
      case "updating":
        return { ...base, phase: "updating", done: false, failed: false, message: update.message || "updating" };
      case "rollback_started":
        return { ...base, phase: "rolling-back", done: false, failed: false, message: update.message };
      case "paused":
      case "rollback_paused": {
        const failure = failureOf(input.tasks, update.message);
        return {
          ...base,
          phase: "paused",
          done: true,
          failed: true,
          ...(failure ? { failure } : {}),
          message: `${update.state === "paused" ? "update paused" : "rollback paused"}: ${update.message}`,
        };
      }
      case "rollback_completed": {
        const manual = isManualRollback(update.message);
        const failure = manual ? undefined : failureOf(input.tasks, update.message);
        return {
          ...base,
          phase: "rolled-back",
          done: true,
          failed: !manual,
          ...(failure ? { failure } : {}),
          message: `rolled back: ${update.message}`,
        };
      }
    }
  }
  const completed = current.filter((t) => t.state === "complete").length;
  const reached = job ? completed >= desired : health.running >= desired && allCurrent(input.tasks, input.upToDate);
  if (reached) {
    return { ...base, phase: job ? "completed" : "converged", done: true, failed: false, message: health.summary };
  }
  if (newFailures.length >= FAILURES_BEFORE_GIVING_UP) {
    const failure = failureOf(newFailures);
    return {
      ...base,
      phase: "failing",
      done: true,
      failed: true,
      ...(failure ? { failure } : {}),
      message: `${health.summary}; tasks keep failing${failure ? `: ${failure.error}` : ""}`,
    };
  }
  return {
    ...base,
    phase: ours && update?.state === "completed" ? "updating" : "starting",
    done: false,
    failed: false,
    message: health.summary,
  };
}

/** No task meant to run runs an older spec. */
function allCurrent(tasks: readonly StackTask[], upToDate: ReadonlySet<string>): boolean {
  return tasks.every((t) => upToDate.has(t.id) || t.desiredState !== "running" || t.state !== "running");
}

async function readRollouts(docker: Docker, serviceIds: string[], since: number, signal?: AbortSignal) {
  const get = <T>(path: string, query: Record<string, string>) =>
    engineCall<T>(docker, { method: "GET", path, query, signal }, `list ${path.slice(1)}`);
  const [services, tasks, current] = await Promise.all([
    get<Obj[]>("/services", { ...filters({ id: serviceIds }), status: "true" }),
    get<Obj[]>("/tasks", filters({ service: serviceIds })),
    get<Obj[]>("/tasks", filters({ service: serviceIds, "_up-to-date": ["true"] })),
  ]);
  const none = new Map<string, string>();
  const trimmed = tasks.map((t) => trimTask(t, none));
  const upToDate = new Set(current.map((t) => String(t.ID)));
  return serviceIds.map((id) => {
    const service = services.find((s) => s.ID === id);
    if (!service) {
      return {
        serviceId: id,
        name: id,
        phase: "failing",
        running: 0,
        desired: 0,
        done: true,
        failed: true,
        message: "the service was removed",
      } satisfies ServiceRollout;
    }
    return rolloutOf({ service, tasks: trimmed.filter((t) => t.serviceId === id), upToDate, since });
  });
}

export interface FollowOptions {
  /** when the deploy began (ms since epoch) */
  since: number;
  signal: AbortSignal;
  /** how often the manager is asked while something is under way */
  intervalMs?: number;
  /** the manager to ask (a fresh client per round: the cluster's best manager may change) */
  withManager: <T>(read: (docker: Docker, signal: AbortSignal) => Promise<T>) => Promise<T>;
}

/** Yields the services' rollouts each time one changes, until every one is done. */
export async function* followRollouts(serviceIds: string[], options: FollowOptions): AsyncGenerator<ServiceRollout[]> {
  const intervalMs = options.intervalMs ?? 250;
  let last = "";
  while (!options.signal.aborted) {
    const rollouts = await options.withManager((docker, signal) =>
      readRollouts(docker, serviceIds, options.since, signal),
    );
    const json = JSON.stringify(rollouts);
    if (json !== last) {
      last = json;
      yield rollouts;
    }
    if (rollouts.every((r) => r.done)) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, intervalMs);
      function done() {
        clearTimeout(timer);
        options.signal.removeEventListener("abort", done);
        resolve();
      }
      options.signal.addEventListener("abort", done, { once: true });
    });
  }
}
