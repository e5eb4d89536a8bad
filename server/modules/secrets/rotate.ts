// Rotation of a secret (or config): a new version under a new name, every service that mounts
// the old one updated to mount the new one at the same target (as `docker service update
// --secret-rm old --secret-add source=new,target=...` would), and the old one removed once no
// task of those services uses it any more. A service whose update fails, or tasks that do not
// go in time, leave the old version in place and say so: nothing is removed from under a task.
import type Docker from "dockerode";
import type { Fleet } from "../../docker/index";
import { ResourceConflictError } from "../shared/errors";
import { engineMessage } from "../stacks/engine-api";
import { clusterOfManager, readFromManager, writeToManager } from "../swarm/index";
import { nextVersionName, type SwarmObjectKind } from "./contract";
import { engineOf, findObject, type ObjectUser } from "./objects";

const { call, createOn, pathOf, refsOf, idKey, nameKey, rec, arr, str } = engineOf;

/** Task states after which a task holds nothing any more. */
const GONE = new Set(["complete", "shutdown", "failed", "rejected", "orphaned", "remove"]);
const POLL_MS = 500;

export interface RotationRequest {
  kind: SwarmObjectKind;
  name: string;
  newName?: string | undefined;
  data: Buffer;
  /** how long to wait for old tasks to go before leaving the old version in place */
  waitMs: number;
}

export interface RotatedService extends ObjectUser {
  updated: boolean;
  /** why it was not updated */
  error?: string;
}

export interface Rotation {
  old: { id: string; name: string };
  created: { id: string; name: string };
  services: RotatedService[];
  oldRemoved: boolean;
  /** why the old version stays, when it does */
  note: string | null;
}

/** Points a service's references from the old object to the new one, keeping everything else. */
async function updateService(
  docker: Docker,
  kind: SwarmObjectKind,
  serviceId: string,
  from: string,
  to: { id: string; name: string },
  signal: AbortSignal,
): Promise<void> {
  const service = rec(await call<unknown>(docker, { method: "GET", path: `/services/${serviceId}`, signal }, "read service"));
  const spec = rec(service.Spec);
  const task = rec(spec.TaskTemplate);
  const container = rec(task.ContainerSpec);
  const refs = arr(container[refsOf(kind)]).map((r) => {
    const ref = rec(r);
    return str(ref[idKey(kind)]) === from ? { ...ref, [idKey(kind)]: to.id, [nameKey(kind)]: to.name } : ref;
  });
  const updated = { ...spec, TaskTemplate: { ...task, ContainerSpec: { ...container, [refsOf(kind)]: refs } } };
  const version = rec(service.Version).Index;
  await call(
    docker,
    {
      method: "POST",
      path: `/services/${serviceId}/update`,
      query: { version: String(version) },
      body: updated,
      signal,
    },
    `update service ${str(spec.Name)}`,
  );
}

/** The tasks of `serviceIds` that still run (or are about to) with the object `id`. */
async function tasksHolding(
  docker: Docker,
  kind: SwarmObjectKind,
  serviceIds: string[],
  id: string,
  signal: AbortSignal,
): Promise<number> {
  const tasks = await call<unknown[]>(
    docker,
    { method: "GET", path: "/tasks", query: { filters: JSON.stringify({ service: serviceIds }) }, signal },
    "list tasks",
  );
  return arr(tasks).filter((raw) => {
    const task = rec(raw);
    if (GONE.has(str(rec(task.Status).State))) return false;
    const refs = arr(rec(rec(rec(task.Spec).ContainerSpec))[refsOf(kind)]);
    return refs.some((r) => str(rec(r)[idKey(kind)]) === id);
  }).length;
}

export async function rotateObject(fleet: Fleet, environmentId: string, request: RotationRequest): Promise<Rotation> {
  const { kind } = request;
  const old = await findObject(fleet, environmentId, kind, request.name);
  const newName = request.newName ?? nextVersionName(old.name);
  if (newName === old.name) throw new ResourceConflictError(`The new version needs another name than ${old.name}.`);
  const cluster = await clusterOfManager(fleet, environmentId);

  const { value: created } = await writeToManager(
    fleet,
    cluster,
    `${kind}s.rotate`,
    async (docker, signal) => {
      const existing = arr(await call<unknown[]>(docker, { method: "GET", path: pathOf(kind), signal }, `list ${kind}s`));
      if (existing.some((o) => str(rec(rec(o).Spec).Name) === newName)) {
        throw new ResourceConflictError(
          `A ${kind} named ${newName} exists already: name the new version yourself, or remove that one first.`,
        );
      }
      const answer = await createOn(
        docker,
        kind,
        { name: newName, labels: old.labels, data: request.data, driver: old.driver, templating: old.templating },
        signal,
      );
      return { id: answer.ID, name: newName };
    },
  );

  const services: RotatedService[] = [];
  for (const user of old.usedBy) {
    try {
      await writeToManager(fleet, cluster, `${kind}s.rotate`, (docker, signal) =>
        updateService(docker, kind, user.serviceId, old.id, created, signal),
      );
      services.push({ ...user, updated: true });
    } catch (error) {
      services.push({ ...user, updated: false, error: engineMessage(error) });
    }
  }

  const result = { old: { id: old.id, name: old.name }, created, services };
  const failed = services.filter((s) => !s.updated);
  if (failed.length > 0) {
    return {
      ...result,
      oldRemoved: false,
      note: `Not every service could be updated (${failed.map((s) => s.service).join(", ")}): ${old.name} stays.`,
    };
  }

  const serviceIds = services.map((s) => s.serviceId);
  const until = Date.now() + request.waitMs;
  const holdingNow = async () =>
    (
      await readFromManager(fleet, cluster, `${kind}s.rotate`, (docker, signal) =>
        tasksHolding(docker, kind, serviceIds, old.id, signal),
      )
    ).value;
  let holding = serviceIds.length ? await holdingNow() : 0;
  while (holding > 0 && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    holding = await holdingNow();
  }
  if (holding > 0) {
    return {
      ...result,
      oldRemoved: false,
      note: `${holding} task(s) still use ${old.name} after ${Math.round(request.waitMs / 1000)} s: it stays; remove it once the services have rolled out.`,
    };
  }
  try {
    await writeToManager(fleet, cluster, `${kind}s.rotate`, (docker, signal) =>
      call(docker, { method: "DELETE", path: `${pathOf(kind)}/${old.id}`, signal }, `remove ${kind} ${old.name}`),
    );
  } catch (error) {
    return { ...result, oldRemoved: false, note: `${old.name} could not be removed: ${engineMessage(error)}` };
  }
  return { ...result, oldRemoved: true, note: null };
}
