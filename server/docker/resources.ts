// What Stevedore reads from an engine for its lists, and how each engine object is trimmed to
// what a list needs. Trimmed objects never carry secrets (no env, no volume driver options, no
// TLS roots; credentials in commands and labels masked: listed-masking.ts), and they are what
// the live picture stores and pages receive.
import type Docker from "dockerode";
import { listedContainerFields, listedLabels } from "./listed-masking";

export interface ContainerSummary {
  id: string;
  name: string;
  names: string[];
  image: string;
  imageId: string;
  command: string;
  /** created, running, paused, restarting, removing, exited, dead */
  state: string;
  /** "Up 3 minutes (healthy)" */
  status: string;
  health?: "healthy" | "unhealthy" | "starting";
  /** Unix seconds. */
  created: number;
  ports: Array<{ ip?: string; privatePort: number; publicPort?: number; type: string }>;
  labels: Record<string, string>;
  networks: Array<{ name: string; networkId: string; ip: string }>;
  /** names of the named volumes it mounts (never host paths) */
  volumes: string[];
  compose?: { project: string; service: string };
  stack?: { namespace: string; service?: string; taskId?: string };
}

export interface ImageSummary {
  id: string;
  tags: string[];
  digests: string[];
  /** Unix seconds. */
  created: number;
  size: number;
  /** Containers using it; -1 when the engine did not count. */
  containers: number;
  labels: Record<string, string>;
}

export interface VolumeSummary {
  name: string;
  driver: string;
  scope: string;
  createdAt?: string;
  labels: Record<string, string>;
  stack?: { namespace: string };
  compose?: { project: string };
}

export interface NetworkSummary {
  id: string;
  name: string;
  driver: string;
  scope: string;
  internal: boolean;
  attachable: boolean;
  ingress: boolean;
  subnets: string[];
  /** IPAM pools: subnet, gateway and the range containers get addresses from */
  ipam: Array<{ subnet: string; gateway?: string; ipRange?: string }>;
  ipv6: boolean;
  /** an overlay whose traffic is encrypted (the "encrypted" driver option) */
  encrypted: boolean;
  created: string;
  labels: Record<string, string>;
}

export interface NodeSummary {
  id: string;
  hostname: string;
  role: string;
  availability: string;
  state: string;
  addr: string;
  leader: boolean;
  reachability?: string;
  /** The manager's raft address (host:2377), on managers. */
  managerAddr?: string;
  /** Why a node is down or unknown, in the engine's words. */
  statusMessage?: string;
  engineVersion: string;
  os: string;
  architecture: string;
  cpus: number;
  memoryBytes: number;
  labels: Record<string, string>;
}

export interface ServiceSummary {
  id: string;
  name: string;
  image: string;
  mode: "replicated" | "global" | "replicated-job" | "global-job" | "other";
  /** Replicated: the tasks wanted; a replicated job: the completions wanted. */
  replicas?: number;
  /** A replicated job: how many run at once. */
  maxConcurrent?: number;
  ports: Array<{ protocol: string; targetPort: number; publishedPort?: number; publishMode: string }>;
  labels: Record<string, string>;
  stack?: { namespace: string };
  createdAt: string;
  updatedAt: string;
  updateState?: string;
  /** The rollout in the engine's words: state, message ("update paused due to failure of task …"), times. */
  updateStatus?: { state: string; message: string; startedAt?: string; completedAt?: string };
  /** The spec's version index (a write must name it). */
  version: number;
  /** A previous spec exists, so `docker service rollback` has something to go back to. */
  canRollback: boolean;
}

export interface TaskSummary {
  id: string;
  serviceId: string;
  nodeId: string;
  slot?: number;
  desiredState: string;
  state: string;
  message: string;
  error?: string;
  /** The container's exit code, once it exited. */
  exitCode?: number;
  containerId?: string;
  image: string;
  /** When the task reached its current state. */
  since?: string;
  createdAt: string;
  updatedAt: string;
}

/** The kinds of object the live picture holds, and their summaries. */
export interface ResourceKinds {
  containers: ContainerSummary;
  images: ImageSummary;
  volumes: VolumeSummary;
  networks: NetworkSummary;
  nodes: NodeSummary;
  services: ServiceSummary;
  tasks: TaskSummary;
}

export type ResourceKind = keyof ResourceKinds;

export const LOCAL_KINDS = ["containers", "images", "volumes", "networks"] as const satisfies ResourceKind[];
export const SWARM_KINDS = ["nodes", "services", "tasks"] as const satisfies ResourceKind[];

/** The key an object is known by in its kind. */
export function keyOf<K extends ResourceKind>(kind: K, item: ResourceKinds[K]): string {
  return kind === "volumes" ? (item as VolumeSummary).name : (item as { id: string }).id;
}

/**
 * Reads one kind from an engine, trimmed. With `ids`, only those objects (by id; by name for
 * volumes); the engine's filters match prefixes and substrings, so results are checked exactly.
 */
export async function fetchResources<K extends ResourceKind>(
  docker: Docker,
  kind: K,
  ids?: readonly string[],
): Promise<ResourceKinds[K][]> {
  const wanted = ids ? new Set(ids) : undefined;
  const keep = <T>(items: T[], key: (item: T) => string) => (wanted ? items.filter((i) => wanted.has(key(i))) : items);
  const filterBy = (name: string) => (ids ? { filters: JSON.stringify({ [name]: ids }) } : {});
  let result: unknown[];
  switch (kind) {
    case "containers":
      result = keep(
        list(await docker.listContainers({ all: true, ...filterBy("id") })).map(trimContainer),
        (c) => c.id,
      );
      break;
    case "images":
      // /images/json cannot filter by id: read all and pick.
      result = keep(list(await docker.listImages()).map(trimImage), (i) => i.id);
      break;
    case "volumes": {
      const body = record(await docker.listVolumes(ids ? { filters: JSON.stringify({ name: ids }) } : {}));
      result = keep(list(body.Volumes).map(trimVolume), (v) => v.name);
      break;
    }
    case "networks":
      result = keep(list(await docker.listNetworks(filterBy("id"))).map(trimNetwork), (n) => n.id);
      break;
    case "nodes":
      result = keep(list(await docker.listNodes(filterBy("id"))).map(trimNode), (n) => n.id);
      break;
    case "services":
      result = keep(list(await docker.listServices(filterBy("id"))).map(trimService), (s) => s.id);
      break;
    case "tasks":
      result = keep(list(await docker.listTasks(filterBy("id"))).map(trimTask), (t) => t.id);
      break;
    default:
      throw new Error(`Unknown resource kind ${String(kind)}`);
  }
  return result as ResourceKinds[K][];
}

export function trimContainer(raw: unknown): ContainerSummary {
  const c = record(raw);
  const labels = stringMap(c.Labels);
  const status = str(c.Status);
  const names = list(c.Names).map((n) => str(n).replace(/^\//, ""));
  const networks = Object.entries(record(record(c.NetworkSettings).Networks)).map(([name, value]) => {
    const n = record(value);
    return { name, networkId: str(n.NetworkID), ip: str(n.IPAddress) };
  });
  const health = /\((healthy|unhealthy|health: starting)\)/.exec(status)?.[1];
  const project = labels["com.docker.compose.project"];
  const namespace = labels["com.docker.stack.namespace"];
  // Memberships are read from the labels as the engine has them; what is listed is masked.
  const listed = listedContainerFields(str(c.Id), str(c.Command), labels);
  return {
    id: str(c.Id),
    name: names[0] ?? str(c.Id).slice(0, 12),
    names,
    image: str(c.Image),
    imageId: str(c.ImageID),
    command: listed.command,
    state: str(c.State),
    status,
    ...(health ? { health: health === "health: starting" ? "starting" : (health as "healthy" | "unhealthy") } : {}),
    created: num(c.Created),
    ports: list(c.Ports).map((raw) => {
      const p = record(raw);
      return {
        ...(p.IP ? { ip: str(p.IP) } : {}),
        privatePort: num(p.PrivatePort),
        ...(p.PublicPort ? { publicPort: num(p.PublicPort) } : {}),
        type: str(p.Type),
      };
    }),
    labels: listed.labels,
    networks,
    volumes: list(c.Mounts)
      .map(record)
      .filter((m) => m.Type === "volume" && typeof m.Name === "string" && m.Name)
      .map((m) => str(m.Name)),
    ...(project ? { compose: { project, service: labels["com.docker.compose.service"] ?? "" } } : {}),
    ...(namespace
      ? {
          stack: {
            namespace,
            ...(labels["com.docker.swarm.service.name"] ? { service: labels["com.docker.swarm.service.name"] } : {}),
            ...(labels["com.docker.swarm.task.id"] ? { taskId: labels["com.docker.swarm.task.id"] } : {}),
          },
        }
      : {}),
  };
}

export function trimImage(raw: unknown): ImageSummary {
  const i = record(raw);
  return {
    id: str(i.Id),
    tags: list(i.RepoTags)
      .map(str)
      .filter((t) => t && t !== "<none>:<none>"),
    digests: list(i.RepoDigests)
      .map(str)
      .filter((d) => d && d !== "<none>@<none>"),
    created: num(i.Created),
    size: num(i.Size),
    containers: typeof i.Containers === "number" ? i.Containers : -1,
    labels: listedLabels("image", str(i.Id), stringMap(i.Labels)),
  };
}

export function trimVolume(raw: unknown): VolumeSummary {
  const v = record(raw);
  const labels = stringMap(v.Labels);
  const namespace = labels["com.docker.stack.namespace"];
  const project = labels["com.docker.compose.project"];
  return {
    name: str(v.Name),
    driver: str(v.Driver),
    scope: str(v.Scope),
    ...(v.CreatedAt ? { createdAt: str(v.CreatedAt) } : {}),
    labels: listedLabels("volume", str(v.Name), labels),
    ...(namespace ? { stack: { namespace } } : {}),
    ...(project ? { compose: { project } } : {}),
  };
}

export function trimNetwork(raw: unknown): NetworkSummary {
  const n = record(raw);
  return {
    id: str(n.Id),
    name: str(n.Name),
    driver: str(n.Driver),
    scope: str(n.Scope),
    internal: n.Internal === true,
    attachable: n.Attachable === true,
    ingress: n.Ingress === true,
    subnets: list(record(n.IPAM).Config)
      .map((c) => str(record(c).Subnet))
      .filter(Boolean),
    ipam: list(record(n.IPAM).Config).map((raw) => {
      const c = record(raw);
      return {
        subnet: str(c.Subnet),
        ...(c.Gateway ? { gateway: str(c.Gateway) } : {}),
        ...(c.IPRange ? { ipRange: str(c.IPRange) } : {}),
      };
    }),
    ipv6: n.EnableIPv6 === true,
    encrypted: Object.hasOwn(record(n.Options), "encrypted"),
    created: str(n.Created),
    labels: listedLabels("network", str(n.Id), stringMap(n.Labels)),
  };
}

export function trimNode(raw: unknown): NodeSummary {
  const n = record(raw);
  const spec = record(n.Spec);
  const description = record(n.Description);
  const resources = record(description.Resources);
  const platform = record(description.Platform);
  const status = record(n.Status);
  const manager = record(n.ManagerStatus);
  return {
    id: str(n.ID),
    hostname: str(description.Hostname),
    role: str(spec.Role),
    availability: str(spec.Availability),
    state: str(status.State),
    addr: str(status.Addr),
    leader: manager.Leader === true,
    ...(manager.Reachability ? { reachability: str(manager.Reachability) } : {}),
    ...(manager.Addr ? { managerAddr: str(manager.Addr) } : {}),
    ...(status.Message ? { statusMessage: str(status.Message) } : {}),
    engineVersion: str(record(description.Engine).EngineVersion),
    os: str(platform.OS),
    architecture: str(platform.Architecture),
    cpus: num(resources.NanoCPUs) / 1e9,
    memoryBytes: num(resources.MemoryBytes),
    labels: stringMap(spec.Labels),
  };
}

export function trimService(raw: unknown): ServiceSummary {
  const s = record(raw);
  const spec = record(s.Spec);
  const mode = record(spec.Mode);
  const labels = stringMap(spec.Labels);
  const namespace = labels["com.docker.stack.namespace"];
  const replicated = record(mode.Replicated);
  const job = record(mode.ReplicatedJob);
  const update = record(s.UpdateStatus);
  return {
    id: str(s.ID),
    name: str(spec.Name),
    image: str(record(record(spec.TaskTemplate).ContainerSpec).Image),
    mode:
      "Replicated" in mode
        ? "replicated"
        : "Global" in mode
          ? "global"
          : "ReplicatedJob" in mode
            ? "replicated-job"
            : "GlobalJob" in mode
              ? "global-job"
              : "other",
    ...("Replicated" in mode ? { replicas: num(replicated.Replicas) } : {}),
    ...("ReplicatedJob" in mode
      ? {
          replicas: typeof job.TotalCompletions === "number" ? job.TotalCompletions : 1,
          maxConcurrent: num(job.MaxConcurrent) || 1,
        }
      : {}),
    ports: list(record(s.Endpoint).Ports).map((raw) => {
      const p = record(raw);
      return {
        protocol: str(p.Protocol),
        targetPort: num(p.TargetPort),
        ...(p.PublishedPort ? { publishedPort: num(p.PublishedPort) } : {}),
        publishMode: str(p.PublishMode),
      };
    }),
    labels,
    ...(namespace ? { stack: { namespace } } : {}),
    createdAt: str(s.CreatedAt),
    updatedAt: str(s.UpdatedAt),
    ...(update.State ? { updateState: str(update.State) } : {}),
    ...(update.State
      ? {
          updateStatus: {
            state: str(update.State),
            message: str(update.Message),
            ...(update.StartedAt ? { startedAt: str(update.StartedAt) } : {}),
            ...(update.CompletedAt ? { completedAt: str(update.CompletedAt) } : {}),
          },
        }
      : {}),
    version: num(record(s.Version).Index),
    canRollback: Object.keys(record(s.PreviousSpec)).length > 0,
  };
}

export function trimTask(raw: unknown): TaskSummary {
  const t = record(raw);
  const status = record(t.Status);
  const containerStatus = record(status.ContainerStatus);
  const containerId = str(containerStatus.ContainerID);
  return {
    id: str(t.ID),
    serviceId: str(t.ServiceID),
    nodeId: str(t.NodeID),
    ...(typeof t.Slot === "number" ? { slot: t.Slot } : {}),
    desiredState: str(t.DesiredState),
    state: str(status.State),
    message: str(status.Message),
    ...(status.Err ? { error: str(status.Err) } : {}),
    // The engine reports 0 before the container has exited too; it means something only then.
    ...(typeof containerStatus.ExitCode === "number" && (containerStatus.ExitCode !== 0 || isEnded(str(status.State)))
      ? { exitCode: containerStatus.ExitCode }
      : {}),
    ...(containerId ? { containerId } : {}),
    image: str(record(record(record(t.Spec).ContainerSpec)).Image),
    ...(status.Timestamp ? { since: str(status.Timestamp) } : {}),
    createdAt: str(t.CreatedAt),
    updatedAt: str(t.UpdatedAt),
  };
}

/** Task states after which the container is gone or done. */
function isEnded(state: string): boolean {
  return ["complete", "failed", "shutdown", "rejected", "orphaned", "remove"].includes(state);
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? (value as unknown[]) : [];
}

function str(value: unknown): string {
  return typeof value === "string" ? value : typeof value === "number" ? String(value) : "";
}

function num(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}

function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(record(value))) if (typeof v === "string") out[k] = v;
  return out;
}
