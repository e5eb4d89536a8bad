// The swarm routers' one builder and their shared inputs. A procedure on a cluster names any
// environment of it (`environmentId`); the permission is checked in the builder on the
// cluster's managers (a binding on a cluster's manager environment is a binding on the whole
// cluster); the module's typed errors are answered by the builder like every domain error.
import { z } from "zod";
import type { Fleet } from "../../docker/index";
import type { Permission } from "../../rbac/catalogue";
import type { Services } from "../../core/context";
import { permittedProcedure } from "../../transport/trpc/init";
import { engineRef, environmentId } from "../../core/refs";
import { bindingScopeOf, canOnCluster, clusterAnswered, swarmClusters, type Cluster } from "./cluster";
import { SwarmError } from "./errors";
import { swarmRuntime } from "./runtime";
import { viewHolds, viewOf, type ClusterView, type SwarmKind } from "./view";

/**
 * `permission` held on the cluster of the input's environment. The swarm's errors are domain
 * errors: the builder answers them by their kind from the one map (server/core/errors.ts).
 */
export function clusterProcedure(permission: Permission) {
  return permittedProcedure(permission, {
    scopeOf: (services, environmentId) => bindingScopeOf(services.fleet, environmentId),
  });
}

/** The one schema of an environment ref, and of an engine object (server/core/refs.ts). */
export { environmentId };
export { engineRef };
export const onCluster = z.object({ environmentId }).strict();
export const onNode = z.object({ environmentId, id: engineRef("node") }).strict();
export const onService = z.object({ environmentId, id: engineRef("service") }).strict();
export const listInput = z
  .object({
    /** only the clusters these environments belong to */
    environmentIds: z.array(environmentId).max(500).optional(),
  })
  .strict()
  .optional();

/**
 * The cluster an input names, its lists, and the runtime started (the tracker records rollouts
 * from then on). `ref`: the node or service the call acts on; when the live picture does not
 * hold it yet (created a moment ago, its event still on the way), the lists are read from a
 * manager instead, so an action right after a create finds what it created.
 */
export async function clusterView(
  services: Services,
  environmentId: string,
  kinds?: readonly SwarmKind[],
  ref?: string,
): Promise<ClusterView> {
  swarmRuntime(services);
  const cluster = await clusterAnswered(services.fleet, environmentId);
  const view = await viewOf(services.fleet, cluster, kinds);
  if (ref === undefined || view.source.from === "engine" || viewHolds(view, ref)) return view;
  return viewOf(services.fleet, cluster, kinds, { fresh: true });
}

export { canOnCluster };

/** The clusters a list answers for: those the caller may read, limited to the environments asked for. */
export function clustersInScope(fleet: Fleet, scope: "all" | Set<string>, asked: string[] | undefined): Cluster[] {
  return swarmClusters(fleet).filter((cluster) => {
    const readable = scope === "all" || cluster.managers.some((m) => scope.has(m.environmentId));
    const wanted = !asked || [...cluster.managers, ...cluster.workers].some((m) => asked.includes(m.environmentId));
    return readable && wanted;
  });
}

export interface ClusterListError {
  environmentId: string;
  clusterId: string;
  code: string;
  message: string;
}

/** Each cluster's view, or its error: one dead cluster never blanks the others. */
export async function clusterViews(services: Services, clusters: Cluster[], kinds: readonly SwarmKind[]) {
  swarmRuntime(services);
  const views: ClusterView[] = [];
  const errors: ClusterListError[] = [];
  await Promise.all(
    clusters.map(async (cluster) => {
      try {
        views.push(await viewOf(services.fleet, cluster, kinds));
      } catch (error) {
        errors.push({
          environmentId: cluster.managers[0]?.environmentId ?? "",
          clusterId: cluster.id,
          code: error instanceof SwarmError ? error.code : ((error as { code?: string }).code ?? "error"),
          message: error instanceof Error ? error.message : String(error),
        });
      }
    }),
  );
  return { views, errors };
}
