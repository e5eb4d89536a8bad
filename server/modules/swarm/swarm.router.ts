// swarm.* (clusters at a glance, their live changes) and tasks.*: thin wiring.
import { z } from "zod";
import type { Permission } from "../../rbac/catalogue";
import type { Fleet } from "../../docker/index";
import type { PermissionWatch } from "../../rbac/revocation";
import { drained, whileAllowed } from "../../transport/trpc/streaming";
import { createTRPCRouter } from "../../transport/trpc/init";
import { clusterById } from "./cluster";
import { SwarmNotFoundError } from "./errors";
import { followCluster, type SwarmChange } from "./live";
import { clusterOverview } from "./overview";
import {
  canOnCluster,
  clusterProcedure,
  clusterView,
  clustersInScope,
  clusterViews,
  engineRef,
  environmentId,
  listInput,
  onCluster,
} from "./procedures";
import { swarmRuntime } from "./runtime";
import { taskRows } from "./services";

const readPermission: Record<string, Permission> = {
  nodes: "node.read",
  services: "service.read",
  tasks: "service.read",
};

export const swarmRouter = createTRPCRouter({
  /** Every cluster the caller may see: managers and quorum, nodes by state, services, recent failures. */
  clusters: clusterProcedure("node.read")
    .input(listInput)
    .query(async ({ ctx, input }) => {
      const clusters = clustersInScope(ctx.services.fleet, ctx.scope, input?.environmentIds);
      const { views, errors } = await clusterViews(ctx.services, clusters, ["nodes", "services", "tasks"]);
      const items = views.map((view) =>
        clusterOverview(view, canOnCluster(ctx.actor.permissions, "service.read", view.cluster)),
      );
      return { items, errors };
    }),

  /** One cluster at a glance, reached through any of its environments. */
  cluster: clusterProcedure("node.read")
    .input(onCluster)
    .query(async ({ ctx, input }) => {
      const view = await clusterView(ctx.services, input.environmentId);
      return clusterOverview(view, canOnCluster(ctx.actor.permissions, "service.read", view.cluster));
    }),

  /**
   * The cluster's node, service and task changes, each once (from the manager that serves its
   * lists), as they happen: tasks are read twice a second while this is open. A "resync" says
   * the lists must be read again (another manager serves them now).
   */
  changes: clusterProcedure("environment.read")
    .input(onCluster)
    .subscription(async function* ({ ctx, input, signal }) {
      const view = await clusterView(ctx.services, input.environmentId, ["nodes"]);
      const clusterId = view.cluster.id;
      const release = swarmRuntime(ctx.services).pulse.watch(clusterId);
      try {
        yield* whileAllowed(
          ctx,
          signal,
          (p) => {
            const cluster = clusterById(ctx.services.fleet, clusterId);
            return Boolean(cluster && canOnCluster(p, "environment.read", cluster));
          },
          (watch) => clusterChanges(ctx.services.fleet, clusterId, watch),
        );
      } finally {
        release();
      }
    }),
});

/**
 * The cluster's changes as they come, each filtered to what the caller may read now (`watch`
 * says what that is, and ends the stream when the page or the permission goes).
 */
function clusterChanges(fleet: Fleet, clusterId: string, watch: PermissionWatch): AsyncGenerator<SwarmChange> {
  const queue: SwarmChange[] = [];
  return drained(watch.signal, queue, (push) => {
    const off = followCluster(fleet, clusterId, (change) => {
      if (change.type === "changes") {
        const cluster = clusterById(fleet, clusterId);
        const perms = watch.current();
        const events = change.events.filter((e) => cluster && canOnCluster(perms, readPermission[e.kind]!, cluster));
        if (!events.length) return;
        change = { type: "changes", events };
      }
      // A page that stopped reading must not grow the server's memory without bound.
      if (queue.length > 5000) queue.splice(0, queue.length, { type: "resync", reason: "the page fell behind" });
      push(change);
    });
    push({ type: "resync", reason: "connected" });
    return off;
  });
}

export const tasksRouter = createTRPCRouter({
  /** Tasks of every cluster the caller may read (or one service's), each once, history included. */
  list: clusterProcedure("service.read")
    .input(
      z
        .object({
          environmentIds: z.array(environmentId).max(500).optional(),
          serviceId: engineRef("service").optional(),
        })
        .strict()
        .optional(),
    )
    .query(async ({ ctx, input }) => {
      const clusters = clustersInScope(ctx.services.fleet, ctx.scope, input?.environmentIds);
      const { views, errors } = await clusterViews(ctx.services, clusters, ["nodes", "services", "tasks"]);
      const items = views.flatMap((view) => {
        const service = input?.serviceId
          ? view.services.find((s) => s.id === input.serviceId || s.name === input.serviceId)
          : undefined;
        if (input?.serviceId && !service) return [];
        return taskRows(view, service?.id).map((row) => ({
          ...row,
          clusterId: view.cluster.id,
          environmentId: view.source.environmentId,
        }));
      });
      return { items, errors, paused: [] as string[] };
    }),

  get: clusterProcedure("service.read")
    .input(onCluster.extend({ id: engineRef("task") }))
    .query(async ({ ctx, input }) => {
      const view = await clusterView(ctx.services, input.environmentId);
      const task = taskRows(view).find((t) => t.id === input.id || t.id.startsWith(input.id));
      if (!task) throw new SwarmNotFoundError(`This swarm has no task ${input.id}.`);
      return { ...task, clusterId: view.cluster.id };
    }),
});
