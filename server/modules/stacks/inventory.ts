// Every stack on a swarm, whoever deployed it (Stevedore, `docker stack deploy` anywhere, another
// tool): what carries the com.docker.stack.namespace label, grouped by it, with each stack's
// services and their tasks, networks, volumes, secrets and configs, and its state. Read from a
// manager in one round of calls; trimmed here (a task's or service's raw spec holds its
// environment, which never leaves this file).
import type Docker from "dockerode";
import { LABEL_IMAGE, LABEL_NAMESPACE } from "./convert";
import { engineCall, filters } from "./engine-api";
import {
  serviceHealth,
  stackState,
  type ServiceHealth,
  type StackState,
  type StackTask,
  type UpdateStatus,
} from "./state";

type Obj = Record<string, unknown>;
const rec = (v: unknown): Obj => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === "string" ? v : typeof v === "number" ? String(v) : "");
const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? v : 0);

export interface StackServicePort {
  protocol: string;
  target: number;
  published?: number;
  mode: string;
}

export interface StackService {
  id: string;
  /** the engine's name, "shop_web" */
  name: string;
  /** the name in the compose file, "web" */
  service: string;
  /** the image as the file asked for it (without the digest the deploy pinned) */
  image: string;
  mode: "replicated" | "global" | "replicated-job" | "global-job" | "other";
  replicas?: number;
  ports: StackServicePort[];
  networks: string[];
  secrets: string[];
  configs: string[];
  volumes: string[];
  updateStatus?: UpdateStatus;
  health: ServiceHealth;
  createdAt: string;
  updatedAt: string;
}

export interface StackObjectRef {
  id: string;
  name: string;
  /** not created by the stack (declared external, or made elsewhere) */
  external: boolean;
}

export interface StackNetwork extends StackObjectRef {
  driver: string;
  scope: string;
}

export interface StackVolume {
  name: string;
  external: boolean;
}

export interface StackSummary {
  name: string;
  state: StackState;
  /** the first failing task's error, for a failing stack */
  failure?: { service: string } & NonNullable<ServiceHealth["failure"]>;
  running: number;
  desired: number;
  services: StackService[];
  networks: StackNetwork[];
  volumes: StackVolume[];
  secrets: StackObjectRef[];
  configs: StackObjectRef[];
  /** the most recent change to any of its services */
  updatedAt: string;
}

export interface StackDetail extends StackSummary {
  tasks: Array<StackTask & { service: string }>;
}

/** What one round of manager calls returns: everything labelled, trimmed. */
export interface ClusterStackData {
  services: Obj[];
  tasks: StackTask[];
  networks: Obj[];
  secrets: Obj[];
  configs: Obj[];
}

const HAS_NAMESPACE = filters({ label: [LABEL_NAMESPACE] });

/** Reads every labelled object from one manager; `stack` narrows it to one stack. */
export async function readStackData(docker: Docker, signal?: AbortSignal, stack?: string): Promise<ClusterStackData> {
  const label = stack ? filters({ label: [`${LABEL_NAMESPACE}=${stack}`] }) : HAS_NAMESPACE;
  const get = <T>(path: string, query: Record<string, string>) =>
    engineCall<T>(docker, { method: "GET", path, query, signal }, `list ${path.slice(1)}`);
  const [services, networks, secrets, configs, nodes] = await Promise.all([
    get<Obj[]>("/services", { ...label, status: "true" }),
    // every network: services name theirs by id, external ones carry no stack label
    get<Obj[]>("/networks", {}),
    get<Obj[]>("/secrets", {}),
    get<Obj[]>("/configs", {}),
    get<Obj[]>("/nodes", {}),
  ]);
  const serviceIds = services.map((s) => str(s.ID));
  const tasks = serviceIds.length ? await get<Obj[]>("/tasks", filters({ service: serviceIds })) : [];
  const hostnames = new Map(nodes.map((n) => [str(n.ID), str(rec(n.Description).Hostname)]));
  return {
    services,
    tasks: tasks.map((t) => trimTask(t, hostnames)).filter((t) => serviceIds.includes(t.serviceId)),
    networks,
    secrets: secrets.map(trimFileObject),
    configs: configs.map(trimFileObject),
  };
}

/** A secret or config without its data (configs' data is read apart, with config.read). */
function trimFileObject(raw: Obj): Obj {
  const spec = rec(raw.Spec);
  return {
    ID: raw.ID,
    Spec: { Name: spec.Name, Labels: spec.Labels ?? {} },
    CreatedAt: raw.CreatedAt,
    UpdatedAt: raw.UpdatedAt,
  };
}

export function trimTask(raw: unknown, hostnames: ReadonlyMap<string, string>): StackTask {
  const t = rec(raw);
  const status = rec(t.Status);
  const container = rec(status.ContainerStatus);
  const node = hostnames.get(str(t.NodeID));
  return {
    id: str(t.ID),
    serviceId: str(t.ServiceID),
    ...(typeof t.Slot === "number" && t.Slot > 0 ? { slot: t.Slot } : {}),
    nodeId: str(t.NodeID),
    ...(node ? { node } : {}),
    desiredState: str(t.DesiredState),
    state: str(status.State),
    message: str(status.Message),
    ...(status.Err ? { error: str(status.Err) } : {}),
    ...(num(container.ExitCode) ? { exitCode: num(container.ExitCode) } : {}),
    image: str(rec(rec(t.Spec).ContainerSpec).Image).replace(/@sha256:[0-9a-f]{64}$/, ""),
    createdAt: str(t.CreatedAt),
    updatedAt: str(t.UpdatedAt),
  };
}

function modeOf(mode: Obj): StackService["mode"] {
  if ("Replicated" in mode) return "replicated";
  if ("Global" in mode) return "global";
  if ("ReplicatedJob" in mode) return "replicated-job";
  if ("GlobalJob" in mode) return "global-job";
  return "other";
}

function updateStatusOf(raw: Obj): UpdateStatus | undefined {
  const u = rec(raw.UpdateStatus);
  if (!u.State) return undefined;
  return {
    state: str(u.State),
    message: str(u.Message),
    ...(u.StartedAt ? { startedAt: str(u.StartedAt) } : {}),
    ...(u.CompletedAt ? { completedAt: str(u.CompletedAt) } : {}),
  };
}

/** The stacks in `data`, by name. */
export function stacksOf(data: ClusterStackData, now = Date.now()): StackDetail[] {
  const networkById = new Map(data.networks.map((n) => [str(n.Id), n]));
  const networkByName = new Map(data.networks.map((n) => [str(n.Name), n]));
  const secretByName = new Map(data.secrets.map((s) => [str(rec(s.Spec).Name), s]));
  const configByName = new Map(data.configs.map((c) => [str(rec(c.Spec).Name), c]));
  const stacks = new Map<string, StackDetail>();
  const stackOf = (name: string): StackDetail => {
    let stack = stacks.get(name);
    if (!stack) {
      stack = {
        name,
        state: "empty",
        running: 0,
        desired: 0,
        services: [],
        networks: [],
        volumes: [],
        secrets: [],
        configs: [],
        updatedAt: "",
        tasks: [],
      };
      stacks.set(name, stack);
    }
    return stack;
  };
  const labelled = (labels: unknown) => str(rec(labels)[LABEL_NAMESPACE]);

  for (const raw of data.services) {
    const spec = rec(raw.Spec);
    const stackName = labelled(spec.Labels);
    if (!stackName) continue;
    const stack = stackOf(stackName);
    const id = str(raw.ID);
    const name = str(spec.Name);
    const template = rec(spec.TaskTemplate);
    const container = rec(template.ContainerSpec);
    const mode = modeOf(rec(spec.Mode));
    const status = rec(raw.ServiceStatus);
    const tasks = data.tasks.filter((t) => t.serviceId === id);
    const update = updateStatusOf(raw);
    const job = mode.endsWith("job");
    const desired = job
      ? num(rec(rec(spec.Mode).ReplicatedJob).TotalCompletions) || num(status.DesiredTasks)
      : num(status.DesiredTasks);
    const health = serviceHealth({ desired, tasks, update, job, now });
    const networks = arr(template.Networks).map((n) => {
      const target = str(rec(n).Target);
      return str(networkById.get(target)?.Name) || target;
    });
    const refs = (list: unknown, key: string) => arr(list).map((r) => str(rec(r)[key]));
    const volumes = arr(container.Mounts)
      .map(rec)
      .filter((m) => m.Type === "volume" && m.Source)
      .map((m) => str(m.Source));
    const service: StackService = {
      id,
      name,
      service: name.startsWith(`${stackName}_`) ? name.slice(stackName.length + 1) : name,
      image: str(rec(spec.Labels)[LABEL_IMAGE]) || str(container.Image).replace(/@sha256:[0-9a-f]{64}$/, ""),
      mode,
      ...(mode === "replicated" ? { replicas: num(rec(rec(spec.Mode).Replicated).Replicas) } : {}),
      ports: arr(rec(raw.Endpoint).Ports).map((p) => {
        const port = rec(p);
        return {
          protocol: str(port.Protocol),
          target: num(port.TargetPort),
          ...(port.PublishedPort ? { published: num(port.PublishedPort) } : {}),
          mode: str(port.PublishMode),
        };
      }),
      networks,
      secrets: refs(container.Secrets, "SecretName"),
      configs: refs(container.Configs, "ConfigName"),
      volumes,
      ...(update ? { updateStatus: update } : {}),
      health,
      createdAt: str(raw.CreatedAt),
      updatedAt: str(raw.UpdatedAt),
    };
    stack.services.push(service);
    stack.tasks.push(...tasks.map((t) => ({ ...t, service: service.service })));
    stack.running += health.running;
    stack.desired += health.desired;
    if (service.updatedAt > stack.updatedAt) stack.updatedAt = service.updatedAt;
    for (const network of networks) {
      const found = networkByName.get(network);
      if (found && !stack.networks.some((n) => n.name === network)) {
        stack.networks.push({
          id: str(found.Id),
          name: network,
          driver: str(found.Driver),
          scope: str(found.Scope),
          external: labelled(found.Labels) !== stackName,
        });
      }
    }
    for (const volume of volumes) {
      if (!stack.volumes.some((v) => v.name === volume)) {
        const mount = arr(container.Mounts)
          .map(rec)
          .find((m) => m.Source === volume);
        const volumeLabels = rec(rec(mount?.VolumeOptions).Labels);
        stack.volumes.push({ name: volume, external: labelled(volumeLabels) !== stackName });
      }
    }
    for (const [list, byName, into] of [
      [service.secrets, secretByName, stack.secrets],
      [service.configs, configByName, stack.configs],
    ] as const) {
      for (const name of list) {
        if (into.some((o) => o.name === name)) continue;
        const found = byName.get(name);
        into.push({ id: str(found?.ID), name, external: labelled(rec(found?.Spec).Labels) !== stackName });
      }
    }
  }
  // What the stack made that no service uses (any more): its networks, secrets and configs.
  for (const network of data.networks) {
    const stackName = labelled(network.Labels);
    if (!stackName) continue;
    const stack = stackOf(stackName);
    if (!stack.networks.some((n) => n.id === str(network.Id))) {
      stack.networks.push({
        id: str(network.Id),
        name: str(network.Name),
        driver: str(network.Driver),
        scope: str(network.Scope),
        external: false,
      });
    }
  }
  for (const [objects, key] of [
    [data.secrets, "secrets"],
    [data.configs, "configs"],
  ] as const) {
    for (const object of objects) {
      const spec = rec(object.Spec);
      const stackName = labelled(spec.Labels);
      if (!stackName) continue;
      const stack = stackOf(stackName);
      const into = stack[key];
      if (!into.some((o) => o.name === str(spec.Name)))
        into.push({ id: str(object.ID), name: str(spec.Name), external: false });
    }
  }
  for (const stack of stacks.values()) {
    stack.services.sort((a, b) => a.name.localeCompare(b.name));
    stack.state = stackState(stack.services);
    const failing = stack.services.find((s) => s.health.state === "failing" && s.health.failure);
    if (failing?.health.failure) stack.failure = { service: failing.service, ...failing.health.failure };
    stack.tasks.sort(
      (a, b) =>
        a.service.localeCompare(b.service) || (a.slot ?? 0) - (b.slot ?? 0) || (a.createdAt < b.createdAt ? 1 : -1),
    );
    for (const list of [stack.networks, stack.secrets, stack.configs, stack.volumes]) {
      list.sort((a, b) => a.name.localeCompare(b.name));
    }
  }
  return [...stacks.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** A list row: the detail without its tasks. */
export function summaryOf(detail: StackDetail): StackSummary {
  const { tasks: _tasks, ...summary } = detail;
  return summary;
}
