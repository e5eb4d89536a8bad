// A cluster's nodes, services and tasks, each once: from the live picture of one of its
// managers (all managers hold the same swarm; the best answering one with a warm picture is
// read), or, when no manager's picture is warm, read live from a manager that answers.
import type { Fleet, NodeSummary, ServiceSummary, TaskSummary } from "../../docker/index";
import { fetchResources } from "../../docker/resources";
import type { Cluster, ClusterMember } from "./cluster";
import { candidatesOf, isSuspect, readFromManager } from "./managers";

export type SwarmKind = "nodes" | "services" | "tasks";

export interface ClusterView {
  cluster: Cluster;
  /** where the lists came from: a manager's live picture, or its engine just now */
  source: { environmentId: string; name: string; from: "picture" | "engine" };
  /**
   * Read from a picture: where that picture stood (its source and each kind's version). Two
   * views with the same stamp hold the same lists, so what is made from one serves the other.
   */
  stamp?: string;
  nodes: NodeSummary[];
  services: ServiceSummary[];
  tasks: TaskSummary[];
}

/**
 * Whether a view holds the node or service `ref` (id or name). A picture lags the engine by
 * the moment its event takes to arrive: what was just created may not be in it yet.
 */
export function viewHolds(view: ClusterView, ref: string): boolean {
  const named = (x: { id: string; name?: string; hostname?: string }) =>
    x.id === ref || x.name === ref || x.hostname === ref;
  return view.services.some(named) || view.nodes.some(named);
}

/** The manager whose picture serves the cluster's lists now, if any is warm and answering. */
export function pictureSource(fleet: Fleet, cluster: Cluster): ClusterMember | undefined {
  return candidatesOf(fleet, cluster).find(
    (m) =>
      fleet.picture.isWarm(m.environmentId) &&
      (m.state === "up" || m.state === "degraded") &&
      !isSuspect(fleet, m.environmentId),
  );
}

export async function viewOf(
  fleet: Fleet,
  cluster: Cluster,
  kinds: readonly SwarmKind[] = ["nodes", "services", "tasks"],
  options: { signal?: AbortSignal; deadlineMs?: number; fresh?: boolean } = {},
): Promise<ClusterView> {
  const empty = { nodes: [] as NodeSummary[], services: [] as ServiceSummary[], tasks: [] as TaskSummary[] };
  const { fresh, ...call } = options;
  const source = fresh ? undefined : pictureSource(fleet, cluster);
  if (source) {
    const lists = { ...empty };
    const versions: string[] = [];
    for (const kind of kinds) {
      const items = fleet.picture.list(source.environmentId, kind);
      if (items) (lists as Record<SwarmKind, unknown[]>)[kind] = items;
      versions.push(`${kind}@${fleet.picture.version(source.environmentId, kind)}`);
    }
    return {
      cluster,
      source: { environmentId: source.environmentId, name: source.name, from: "picture" },
      stamp: `${source.environmentId}:${versions.join(",")}`,
      ...lists,
    };
  }
  const served = await readFromManager(
    fleet,
    cluster,
    "swarm lists",
    async (docker) => {
      const lists = { ...empty };
      await Promise.all(
        kinds.map(async (kind) => {
          (lists as Record<SwarmKind, unknown[]>)[kind] = await fetchResources(docker, kind);
        }),
      );
      return lists;
    },
    // Fresh: asked right after a change (a create), so a read begun before it cannot answer.
    {
      key: `swarm-view:${[...kinds].sort().join(",")}`,
      ...(fresh ? { startedAfter: performance.now() } : {}),
      ...call,
    },
  );
  return {
    cluster,
    source: { environmentId: served.via.environmentId, name: served.via.name, from: "engine" },
    ...served.value,
  };
}
