// The swarm routers' one builder and their shared inputs. A procedure on a cluster names any
// environment of it (`environmentId`); the permission is checked in the builder on the
// cluster's managers (a binding on a cluster's manager environment is a binding on the whole
// cluster), and the module's typed errors become the matching API codes here.
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import type { Fleet } from "../../docker/index";
import type { Permission } from "../../rbac/catalogue";
import type { Services } from "../../core/context";
import { permittedProcedure } from "../../trpc/init";
import { ENGINE_REF } from "../../core/refs";
import { bindingScopeOf, canOnCluster, clusterOf, swarmClusters, type Cluster } from "./cluster";
import { SwarmError, NoManagerError, type SwarmErrorCode } from "./errors";
import { swarmRuntime } from "./runtime";
import { viewHolds, viewOf, type ClusterView, type SwarmKind } from "./view";

const codes: Record<SwarmErrorCode, TRPCError["code"]> = {
  "not-in-swarm": "PRECONDITION_FAILED",
  "not-found": "NOT_FOUND",
  "no-manager": "BAD_GATEWAY",
  refused: "PRECONDITION_FAILED",
  conflict: "CONFLICT",
  "bad-input": "BAD_REQUEST",
  policy: "FORBIDDEN",
  unavailable: "PRECONDITION_FAILED",
};

export function trpcCodeOf(error: SwarmError): TRPCError["code"] {
  return error instanceof NoManagerError && error.timedOut ? "GATEWAY_TIMEOUT" : codes[error.code];
}

/** `permission` held on the cluster of the input's environment; swarm errors as API codes. */
export function clusterProcedure(permission: Permission) {
  return permittedProcedure(permission, {
    scopeOf: (services, environmentId) => bindingScopeOf(services.fleet, environmentId),
  }).use(async ({ next }) => {
    const result = await next();
    if (!result.ok && result.error.cause instanceof SwarmError) {
      const cause = result.error.cause;
      throw new TRPCError({ code: trpcCodeOf(cause), message: cause.message, cause });
    }
    return result;
  });
}

export const environmentId = z.string().min(1, "An environment id is required.").max(64);
export const engineRef = (what: string) => z.string().trim().regex(ENGINE_REF, `Not a ${what} id or name.`);
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
  const cluster = clusterOf(services.fleet, environmentId);
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
