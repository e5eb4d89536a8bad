// Which environments form which swarm. Managers say their cluster's ID in /info; workers do
// not, so a worker belongs to the cluster whose node list holds its node ID. A cluster is one
// thing however many of its engines were added as environments: its managers serve it (any
// one that answers), its workers are places its tasks run.
import type { EnvironmentState, EnvironmentStatus, Fleet } from "../../docker/index";
import type { Permission } from "../../rbac/catalogue";
import { can, type EffectivePermissions } from "../../rbac/permissions";
import { NotAManagerError, NotInSwarmError } from "./errors";

export interface ClusterMember {
  environmentId: string;
  /** the environment's name, as `docker --context <name>` would say */
  name: string;
  role: "manager" | "worker";
  /** the swarm node this engine is */
  nodeId?: string;
  state: EnvironmentState;
}

export interface Cluster {
  /** the swarm's cluster ID */
  id: string;
  /** manager environments, the best one to ask first */
  managers: ClusterMember[];
  workers: ClusterMember[];
}

const STATE_RANK: Record<EnvironmentState, number> = { up: 0, degraded: 1, unknown: 2, down: 3, paused: 4 };

function memberOf(status: EnvironmentStatus, role: "manager" | "worker"): ClusterMember {
  return {
    environmentId: status.environmentId,
    name: status.name,
    role,
    ...(status.swarm?.nodeId ? { nodeId: status.swarm.nodeId } : {}),
    state: status.state,
  };
}

/**
 * Every cluster the fleet knows, from the environments' last probes. A manager that went down
 * keeps its place (its last probe said which cluster it serves); it is simply tried last.
 */
export function swarmClusters(fleet: Fleet): Cluster[] {
  const statuses = fleet.statuses();
  const clusters = new Map<string, Cluster>();
  for (const status of statuses) {
    const swarm = status.swarm;
    if (swarm?.role !== "manager" || !swarm.clusterId) continue;
    let cluster = clusters.get(swarm.clusterId);
    if (!cluster) clusters.set(swarm.clusterId, (cluster = { id: swarm.clusterId, managers: [], workers: [] }));
    cluster.managers.push(memberOf(status, "manager"));
  }
  for (const status of statuses) {
    const swarm = status.swarm;
    if (swarm?.role !== "worker" || !swarm.nodeId) continue;
    const nodeId = swarm.nodeId;
    const home = [...clusters.values()].find((c) =>
      c.managers.some((m) => fleet.picture.get(m.environmentId, "nodes", nodeId) !== undefined),
    );
    home?.workers.push(memberOf(status, "worker"));
  }
  for (const cluster of clusters.values()) {
    cluster.managers.sort((a, b) => managerRank(fleet, a) - managerRank(fleet, b) || a.name.localeCompare(b.name));
    cluster.workers.sort((a, b) => a.name.localeCompare(b.name));
  }
  return [...clusters.values()].sort((a, b) => (a.managers[0]?.name ?? "").localeCompare(b.managers[0]?.name ?? ""));
}

/** Lower is better: answering engines first, a warm picture next, the leader before followers. */
function managerRank(fleet: Fleet, member: ClusterMember): number {
  const warm = fleet.picture.isWarm(member.environmentId) ? 0 : 1;
  const node = member.nodeId ? fleet.picture.get(member.environmentId, "nodes", member.nodeId) : undefined;
  const leader = node?.leader ? 0 : 1;
  return STATE_RANK[member.state] * 4 + warm * 2 + leader;
}

/** The cluster `environmentId` belongs to (as a manager or a worker), or NotInSwarmError. */
export function clusterOf(fleet: Fleet, environmentId: string): Cluster {
  const cluster = findCluster(fleet, environmentId);
  if (cluster) return cluster;
  const swarm = fleet.status(environmentId)?.swarm;
  if (swarm?.role === "worker") {
    throw new NotInSwarmError(
      environmentId,
      "This environment is a swarm worker, and none of its swarm's managers is an environment here: add a manager's engine to manage the swarm.",
    );
  }
  throw new NotInSwarmError(environmentId);
}

/**
 * Waits for the first answer of each environment named that has not answered yet and is in no
 * cluster: the fleet adds an environment as "unknown" and asks its engine in the background, so
 * a call right after adding one would otherwise be told it is not in a swarm. Each wait is that
 * probe's own (one probe, shared with the fleet's); an engine that does not answer ends "down".
 */
export async function firstAnswers(fleet: Fleet, environmentIds: Iterable<string>): Promise<void> {
  const waiting = [...new Set(environmentIds)].filter(
    (id) => fleet.status(id)?.state === "unknown" && !findCluster(fleet, id),
  );
  await Promise.all(waiting.map((id) => fleet.probe(id).catch(() => undefined)));
}

/** clusterOf, once the environment's engine has answered (see firstAnswers). */
export async function clusterAnswered(fleet: Fleet, environmentId: string): Promise<Cluster> {
  await firstAnswers(fleet, [environmentId]);
  return clusterOf(fleet, environmentId);
}

/**
 * The cluster whose manager `environmentId` is, once its engine has answered (see firstAnswers),
 * or NotAManagerError saying why not. What a whole swarm owns and a role on one environment
 * guards (stacks, secrets, configs) is reached through a manager's environment only: a role on
 * a worker's environment is a role on that engine, not on the swarm.
 */
export async function clusterOfManager(fleet: Fleet, environmentId: string): Promise<Cluster> {
  await firstAnswers(fleet, [environmentId]);
  const cluster = findCluster(fleet, environmentId);
  if (cluster?.managers.some((m) => m.environmentId === environmentId)) return cluster;
  const status = fleet.status(environmentId);
  const role = status?.swarm?.role;
  throw new NotAManagerError(
    environmentId,
    role === "worker"
      ? `${status?.name ?? "This environment"} is a swarm worker: stacks, secrets and configs are managed through a manager's environment.`
      : status?.state === "down" && !role
        ? `${status.name} cannot be reached, so it is not known to be a swarm manager.`
        : `${status?.name ?? "This environment"} is not a swarm manager (docker swarm init, or join it as a manager).`,
  );
}

export function findCluster(fleet: Fleet, environmentId: string): Cluster | undefined {
  return swarmClusters(fleet).find(
    (c) =>
      c.managers.some((m) => m.environmentId === environmentId) ||
      c.workers.some((w) => w.environmentId === environmentId),
  );
}

/** Finds a cluster by its swarm ID. */
export function clusterById(fleet: Fleet, clusterId: string): Cluster | undefined {
  return swarmClusters(fleet).find((c) => c.id === clusterId);
}

/**
 * The environments whose role bindings count for the whole cluster that `environmentId` is in:
 * its managers. A manager's engine can change the whole swarm, so a binding there is a binding
 * on the swarm; a worker's engine cannot, so a binding on a worker stays with that worker's
 * own engine (its containers), even when the worker's environment is the one named. Outside a
 * swarm: the environment alone.
 */
export function bindingScopeOf(fleet: Fleet, environmentId: string): string[] {
  const cluster = findCluster(fleet, environmentId);
  if (!cluster) return [environmentId];
  return cluster.managers.map((m) => m.environmentId);
}

/** The environment whose engine is swarm node `nodeId`, if one was added. */
export function environmentOfNode(cluster: Cluster, nodeId: string): ClusterMember | undefined {
  return [...cluster.managers, ...cluster.workers].find((m) => m.nodeId === nodeId);
}

/** May `permissions` do `permission` on this cluster (on any of its manager environments)? */
export function canOnCluster(permissions: EffectivePermissions, permission: Permission, cluster: Cluster): boolean {
  return cluster.managers.some((m) => can(permissions, permission, m.environmentId));
}
