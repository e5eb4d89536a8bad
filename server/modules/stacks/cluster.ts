// Which environments form which swarm, and calls that go to one of a swarm's managers. Stacks,
// secrets and configs belong to a cluster, not to one engine: they are read and changed through
// whichever manager answers. A small stand-in for the swarm module's cluster and manager
// failover (server/modules/swarm, issue #13): once that is on main, this file becomes a
// re-export of it and nothing else changes.
import type { Classified, ErrorKind } from "../../core/errors";
import type Docker from "dockerode";
import {
  DockerPausedError,
  DockerTimeoutError,
  DockerUnreachableError,
  UnknownEnvironmentError,
  type EnvironmentState,
  type Fleet,
} from "../../docker/index";
import { SWARM_WRITE_DEADLINE_MS } from "../swarm/managers";

export interface ClusterMember {
  environmentId: string;
  /** the environment's name, for people */
  name: string;
  state: EnvironmentState;
}

export interface SwarmCluster {
  /** the swarm's cluster ID */
  id: string;
  /** manager environments, the best one to ask first */
  managers: ClusterMember[];
}

export type ClusterErrorCode = "not-a-manager" | "no-manager";

/** The environment named is not a swarm manager, or no manager of the swarm answers. */
export class ClusterError extends Error implements Classified {
  constructor(
    readonly code: ClusterErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "ClusterError";
  }
  get errorKind(): ErrorKind {
    return this.code === "not-a-manager" ? "precondition" : "bad-gateway";
  }
}

const STATE_RANK: Record<EnvironmentState, number> = { up: 0, degraded: 1, unknown: 2, down: 3, paused: 4 };

/** Every swarm the fleet knows, from its managers' last probes. */
export function swarmClusters(fleet: Fleet): SwarmCluster[] {
  const clusters = new Map<string, SwarmCluster>();
  for (const status of fleet.statuses()) {
    const swarm = status.swarm;
    if (swarm?.role !== "manager" || !swarm.clusterId) continue;
    let cluster = clusters.get(swarm.clusterId);
    if (!cluster) clusters.set(swarm.clusterId, (cluster = { id: swarm.clusterId, managers: [] }));
    cluster.managers.push({ environmentId: status.environmentId, name: status.name, state: status.state });
  }
  for (const cluster of clusters.values()) {
    cluster.managers.sort((a, b) => STATE_RANK[a.state] - STATE_RANK[b.state] || a.name.localeCompare(b.name));
  }
  return [...clusters.values()].sort((a, b) => (a.managers[0]?.name ?? "").localeCompare(b.managers[0]?.name ?? ""));
}

/** The swarm whose manager `environmentId` is; stacks are deployed through a manager's environment. */
export function clusterOfManager(fleet: Fleet, environmentId: string): SwarmCluster {
  const cluster = swarmClusters(fleet).find((c) => c.managers.some((m) => m.environmentId === environmentId));
  if (cluster) return cluster;
  const status = fleet.status(environmentId);
  const role = status?.swarm?.role;
  throw new ClusterError(
    "not-a-manager",
    role === "worker"
      ? `${status?.name ?? "This environment"} is a swarm worker: stacks, secrets and configs are managed through a manager's environment.`
      : status?.state === "down" && !role
        ? `${status.name} cannot be reached, so it is not known to be a swarm manager.`
        : `${status?.name ?? "This environment"} is not a swarm manager (docker swarm init, or join it as a manager).`,
  );
}

/** Failures after which another manager may answer (the call reached nobody, or nobody in time). */
function worthAnotherManager(error: unknown, write: boolean): boolean {
  if (error instanceof DockerPausedError || error instanceof UnknownEnvironmentError) return true;
  // A write is never sent twice: only when nothing was sent (the connection was refused).
  if (write) return error instanceof DockerUnreachableError && error.reason === "refused";
  return error instanceof DockerUnreachableError || error instanceof DockerTimeoutError;
}

export interface ManagerCallOptions {
  /** a change: sent once, moved to another manager only when nothing was sent */
  write?: boolean;
  signal?: AbortSignal;
  deadlineMs?: number;
}

/**
 * `fn` on the cluster's best manager, then the next while they fail in a way another might not.
 * The module's own typed errors (a stack error, a refusal) come back as they were thrown, not
 * reclassified as engine errors.
 */
export async function onManager<T>(
  fleet: Fleet,
  cluster: SwarmCluster,
  name: string,
  fn: (docker: Docker, signal: AbortSignal, manager: ClusterMember) => Promise<T>,
  options: ManagerCallOptions = {},
): Promise<T> {
  const candidates = cluster.managers.filter((m) => m.state !== "paused");
  let last: unknown = new ClusterError("no-manager", "No manager of this swarm is an environment that can be used.");
  for (const manager of candidates) {
    let thrown: { error: unknown } | undefined;
    try {
      return await fleet.call(
        manager.environmentId,
        name,
        async (docker, signal) => {
          try {
            return await fn(docker, signal, manager);
          } catch (error) {
            const raw = rawFailureOf(error);
            if (raw === undefined) thrown = { error };
            throw raw ?? error;
          }
        },
        {
          // A change gets a write's deadline (see SWARM_WRITE_DEADLINE_MS); a read the fleet's.
          ...(options.deadlineMs || options.write ? { deadlineMs: options.deadlineMs ?? SWARM_WRITE_DEADLINE_MS } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
        },
      );
    } catch (error) {
      if (thrown) throw thrown.error;
      if (!worthAnotherManager(error, options.write ?? false)) throw error;
      last = error;
    }
  }
  throw last instanceof ClusterError
    ? last
    : new ClusterError("no-manager", `No manager of this swarm answers: ${(last as Error).message}`, { cause: last });
}

/**
 * A failure of the engine or the network, for the fleet to classify (and for another manager
 * to be tried), rather than one of the modules' own typed errors. The stack engine wraps even a
 * refused connection in its StackEngineError: its cause is what counts then.
 */
function rawFailureOf(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  if (error.name === "AbortError" || error.name === "TimeoutError") return error;
  const e = error as { code?: unknown; statusCode?: unknown; cause?: unknown };
  if (isSystemError(error) || "json" in error) return error;
  if (typeof e.statusCode === "number" && error.constructor === Error) return error;
  if (e.statusCode === undefined && isSystemError(e.cause)) return e.cause;
  return undefined;
}

/** ECONNREFUSED, EPIPE, ERR_…, HPE_… (the modules' own codes are lower case words). */
function isSystemError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^(E[A-Z0-9_]+|HPE_[A-Z_]+)$/.test(code);
}
