// Secrets and configs of a swarm: list them with the services that use them, create, remove
// (refused while a service uses it, naming the services), read a config's data. Transport-free:
// the caller names the manager environment it was allowed on; errors are the resource modules'
// typed ones. A secret's data goes to the engine and nowhere else: it is never read back (the
// engine cannot give it), never kept, never logged.
import type Docker from "dockerode";
import type { Fleet } from "../../docker/index";
import { BadResourceInputError, InUseError, ResourceConflictError, ResourceNotFoundError } from "../shared/errors";
import { engineCall, type EngineRequest } from "../stacks/engine-api";
import { clusterOfManager, readFromManager, writeToManager, type Cluster as SwarmCluster } from "../swarm/index";
import { StackConflictError, StackEngineError, StackNotFoundError } from "../stacks/errors";
import { MAX_DATA_BYTES, type SwarmObjectKind } from "./contract";

const NAMESPACE_LABEL = "com.docker.stack.namespace";

type Obj = Record<string, unknown>;
const rec = (v: unknown): Obj => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === "string" ? v : "");

/** A service that mounts the object, and where. */
export interface ObjectUser {
  serviceId: string;
  service: string;
  /** the stack the service belongs to, if any */
  stack: string | null;
  /** the file it is mounted at in the task (a config may be a runtime credential spec: "") */
  target: string;
}

export interface SwarmObject {
  kind: SwarmObjectKind;
  id: string;
  name: string;
  clusterId: string;
  /** the manager environment it was read through (and is changed through) */
  environmentId: string;
  createdAt: string;
  updatedAt: string;
  labels: Record<string, string>;
  /** the stack that created it (its namespace label) */
  stack: string | null;
  /** an external secret store's driver, when not swarm's own */
  driver: string | null;
  templating: string | null;
  usedBy: ObjectUser[];
}

/** The engine's refusal as the resource modules' typed errors (a 4xx the user can act on). */
async function call<T>(docker: Docker, request: EngineRequest, what: string): Promise<T> {
  try {
    return await engineCall<T>(docker, request, what);
  } catch (error) {
    if (error instanceof StackNotFoundError) throw new ResourceNotFoundError(error.message, { cause: error });
    if (error instanceof StackConflictError) throw new ResourceConflictError(error.message, { cause: error });
    if (error instanceof StackEngineError && error.statusCode !== undefined && error.statusCode < 500) {
      throw new BadResourceInputError(error.message, { cause: error });
    }
    throw error;
  }
}

const pathOf = (kind: SwarmObjectKind) => (kind === "secret" ? "/secrets" : "/configs");
const refsOf = (kind: SwarmObjectKind) => (kind === "secret" ? "Secrets" : "Configs");
const idKey = (kind: SwarmObjectKind) => (kind === "secret" ? "SecretID" : "ConfigID");
const nameKey = (kind: SwarmObjectKind) => (kind === "secret" ? "SecretName" : "ConfigName");
const Kind = (kind: SwarmObjectKind) => (kind === "secret" ? "Secret" : "Config");

/** The services' references to objects of `kind`, by object id. */
function usersById(kind: SwarmObjectKind, services: unknown[]): Map<string, ObjectUser[]> {
  const users = new Map<string, ObjectUser[]>();
  for (const raw of services) {
    const service = rec(raw);
    const spec = rec(service.Spec);
    const refs = arr(rec(rec(spec.TaskTemplate).ContainerSpec)[refsOf(kind)]);
    for (const ref of refs.map(rec)) {
      const id = str(ref[idKey(kind)]);
      if (!id) continue;
      const list = users.get(id) ?? [];
      // one line per service even when it mounts the object twice
      if (!list.some((u) => u.serviceId === str(service.ID))) {
        list.push({
          serviceId: str(service.ID),
          service: str(spec.Name),
          stack: str(rec(spec.Labels)[NAMESPACE_LABEL]) || null,
          target: str(rec(ref.File).Name),
        });
      }
      users.set(id, list);
    }
  }
  return users;
}

function trimmed(
  kind: SwarmObjectKind,
  raw: unknown,
  cluster: SwarmCluster,
  environmentId: string,
  users: Map<string, ObjectUser[]>,
): SwarmObject {
  const object = rec(raw);
  const spec = rec(object.Spec);
  const labels = Object.fromEntries(
    Object.entries(rec(spec.Labels)).filter((e): e is [string, string] => typeof e[1] === "string"),
  );
  const id = str(object.ID);
  return {
    kind,
    id,
    name: str(spec.Name),
    clusterId: cluster.id,
    environmentId,
    createdAt: str(object.CreatedAt),
    updatedAt: str(object.UpdatedAt),
    labels,
    stack: labels[NAMESPACE_LABEL] ?? null,
    driver: str(rec(spec.Driver).Name) || null,
    templating: str(rec(spec.Templating).Name) || null,
    usedBy: (users.get(id) ?? []).sort((a, b) => a.service.localeCompare(b.service)),
  };
}

async function readAll(
  docker: Docker,
  kind: SwarmObjectKind,
  signal: AbortSignal,
): Promise<{ objects: unknown[]; services: unknown[] }> {
  const [objects, services] = await Promise.all([
    call<unknown[]>(docker, { method: "GET", path: pathOf(kind), signal }, `list ${kind}s`),
    call<unknown[]>(docker, { method: "GET", path: "/services", signal }, "list services"),
  ]);
  return { objects: arr(objects), services: arr(services) };
}

/** Every secret (or config) of the swarm `environmentId` manages, with the services using each. */
export async function listObjects(fleet: Fleet, environmentId: string, kind: SwarmObjectKind): Promise<SwarmObject[]> {
  const cluster = await clusterOfManager(fleet, environmentId);
  const {
    value: { objects, services },
  } = await readFromManager(fleet, cluster, `${kind}s.list`, (docker, signal) => readAll(docker, kind, signal));
  const users = usersById(kind, services);
  return objects
    .map((o) => trimmed(kind, o, cluster, environmentId, users))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** One object by its exact name (the engine's name filter also matches prefixes). */
export async function findObject(
  fleet: Fleet,
  environmentId: string,
  kind: SwarmObjectKind,
  name: string,
): Promise<SwarmObject> {
  const found = (await listObjects(fleet, environmentId, kind)).find((o) => o.name === name);
  if (!found) throw new ResourceNotFoundError(`There is no ${kind} ${name} on this swarm.`);
  return found;
}

export interface NewObject {
  name: string;
  labels: Record<string, string>;
  data: Buffer;
  /** a rotation keeps the old version's driver and templating */
  driver?: string | null;
  templating?: string | null;
}

/** The bytes of the data as given, or a refusal the user can act on. */
export function decodeData(input: { data: string; encoding: "utf8" | "base64" }): Buffer {
  if (input.encoding === "base64" && !/^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(input.data)) {
    throw new BadResourceInputError("The data is not base64.");
  }
  const bytes = Buffer.from(input.data, input.encoding);
  if (bytes.length === 0) throw new BadResourceInputError("The data is empty.");
  if (bytes.length > MAX_DATA_BYTES) throw new BadResourceInputError("The data is over 500 KiB.");
  return bytes;
}

function createOn(docker: Docker, kind: SwarmObjectKind, object: NewObject, signal: AbortSignal) {
  return call<{ ID: string }>(
    docker,
    {
      method: "POST",
      path: `${pathOf(kind)}/create`,
      body: {
        Name: object.name,
        Labels: object.labels,
        Data: object.data.toString("base64"),
        ...(object.driver ? { Driver: { Name: object.driver } } : {}),
        ...(object.templating ? { Templating: { Name: object.templating } } : {}),
      },
      signal,
    },
    `create ${kind} ${object.name}`,
  );
}

/** Creates a secret or config; a name already taken is a conflict. */
export async function createObject(
  fleet: Fleet,
  environmentId: string,
  kind: SwarmObjectKind,
  object: NewObject,
): Promise<{ id: string; name: string }> {
  const cluster = await clusterOfManager(fleet, environmentId);
  const { value: created } = await writeToManager(
    fleet,
    cluster,
    `${kind}s.create`,
    async (docker, signal) => {
      const { objects } = await readAll(docker, kind, signal);
      if (objects.some((o) => str(rec(rec(o).Spec).Name) === object.name)) {
        throw new ResourceConflictError(`A ${kind} named ${object.name} exists on this swarm already.`);
      }
      return createOn(docker, kind, object, signal);
    },
  );
  return { id: created.ID, name: object.name };
}

/** Removes a secret or config; refused while a service uses it, naming the services. */
export async function removeObject(
  fleet: Fleet,
  environmentId: string,
  kind: SwarmObjectKind,
  name: string,
): Promise<{ id: string; name: string }> {
  const found = await findObject(fleet, environmentId, kind, name);
  if (found.usedBy.length > 0) {
    throw new InUseError(
      `${Kind(kind)} ${name}`,
      found.usedBy.map((u) => `service ${u.service}`),
      kind === "secret"
        ? "Remove it from those services first, or rotate it to replace it."
        : "Remove it from those services first, or rotate it to replace it.",
    );
  }
  const cluster = await clusterOfManager(fleet, environmentId);
  await writeToManager(fleet, cluster, `${kind}s.remove`, (docker, signal) =>
    call(docker, { method: "DELETE", path: `${pathOf(kind)}/${found.id}`, signal }, `remove ${kind} ${name}`),
  );
  return { id: found.id, name };
}

export interface ConfigData {
  config: SwarmObject;
  /** the data as text when it is UTF-8, else null (then `base64` holds it) */
  text: string | null;
  base64: string | null;
  bytes: number;
}

/** A config with its data (secrets have no such thing: the engine never gives their data back). */
export async function readConfig(fleet: Fleet, environmentId: string, name: string): Promise<ConfigData> {
  const config = await findObject(fleet, environmentId, "config", name);
  const cluster = await clusterOfManager(fleet, environmentId);
  const { value: raw } = await readFromManager(fleet, cluster, "configs.get", (docker, signal) =>
    call<unknown>(docker, { method: "GET", path: `/configs/${config.id}`, signal }, `read config ${name}`),
  );
  const data = Buffer.from(str(rec(rec(raw).Spec).Data), "base64");
  const text = new TextDecoder("utf-8", { fatal: false }).decode(data);
  const isText = !text.includes("\uFFFD") && !text.includes("\u0000");
  return {
    config,
    text: isText ? text : null,
    base64: isText ? null : data.toString("base64"),
    bytes: data.length,
  };
}

// ---- for rotation (rotate.ts) -----------------------------------------------------------------

export const engineOf = { call, createOn, pathOf, refsOf, idKey, nameKey, rec, arr, str };
