// nodes.*: thin wiring of nodes.ts. Reads need node.read, changes node.manage, on the cluster.
import { z } from "zod";
import { createTRPCRouter } from "../../transport/trpc/init";
import {
  availabilityPreview,
  changeLabels,
  inspectNode,
  LABEL_KEY,
  nodeRows,
  removeNode,
  rolePreview,
  setAvailability,
  setRole,
  findNode,
} from "./nodes";
import { clusterProcedure, clusterView, clustersInScope, clusterViews, listInput, onNode } from "./procedures";

const availability = z.enum(["active", "pause", "drain"]);
const labelKey = z.string().trim().regex(LABEL_KEY, "A label key: up to 256 characters, without '='.");
const labelValue = z.string().max(4096);

export const nodesRouter = createTRPCRouter({
  /** Every node of every cluster the caller may read, each once. */
  list: clusterProcedure("node.read")
    .input(listInput)
    .query(async ({ ctx, input }) => {
      const clusters = clustersInScope(ctx.services.fleet, ctx.scope, input?.environmentIds);
      const { views, errors } = await clusterViews(ctx.services, clusters, ["nodes", "tasks"]);
      const items = views.flatMap((view) =>
        nodeRows(view).map((row) => ({ ...row, environmentId: view.source.environmentId })),
      );
      return { items, errors, paused: [] as string[] };
    }),

  get: clusterProcedure("node.read")
    .input(onNode)
    .query(async ({ ctx, input }) => {
      const view = await clusterView(ctx.services, input.environmentId, undefined, input.id);
      return inspectNode(ctx.services.fleet, view, input.id);
    }),

  /** Which tasks an availability change would move or stop, before it is made. */
  availabilityPreview: clusterProcedure("node.read")
    .input(onNode.extend({ availability }))
    .query(async ({ ctx, input }) => {
      const view = await clusterView(ctx.services, input.environmentId, undefined, input.id);
      return availabilityPreview(view, input.id, input.availability, view.source.name);
    }),

  setAvailability: clusterProcedure("node.manage")
    .input(onNode.extend({ availability }))
    .mutation(async ({ ctx, input }) => {
      const view = await clusterView(ctx.services, input.environmentId, undefined, input.id);
      const node = findNode(view, input.id);
      ctx.audit.target("node", node.id, node.hostname);
      return setAvailability(ctx.services.fleet, view, node.id, input.availability);
    }),

  /** The quorum before and after a promote or demote, its warnings, and whether it is refused. */
  rolePreview: clusterProcedure("node.read")
    .input(onNode.extend({ role: z.enum(["manager", "worker"]) }))
    .query(async ({ ctx, input }) => {
      const view = await clusterView(ctx.services, input.environmentId, ["nodes"], input.id);
      return rolePreview(view, input.id, input.role, view.source.name);
    }),

  promote: clusterProcedure("node.manage")
    .input(onNode)
    .mutation(async ({ ctx, input }) => {
      const view = await clusterView(ctx.services, input.environmentId, ["nodes"], input.id);
      const node = findNode(view, input.id);
      ctx.audit.target("node", node.id, node.hostname);
      return setRole(ctx.services.fleet, view, node.id, "manager");
    }),

  /** Refused for the last manager; warns when the count becomes even or the majority is lost. */
  demote: clusterProcedure("node.manage")
    .input(onNode)
    .mutation(async ({ ctx, input }) => {
      const view = await clusterView(ctx.services, input.environmentId, ["nodes"], input.id);
      const node = findNode(view, input.id);
      ctx.audit.target("node", node.id, node.hostname);
      return setRole(ctx.services.fleet, view, node.id, "worker");
    }),

  /** Adds or changes (`add`) and removes (`remove`) node labels in one update. */
  updateLabels: clusterProcedure("node.manage")
    .input(
      onNode
        .extend({
          add: z.record(labelKey, labelValue).default({}),
          remove: z.array(labelKey).max(256).default([]),
        })
        .refine((i) => Object.keys(i.add).length + i.remove.length > 0, "Add or remove at least one label.")
        .refine((i) => Object.keys(i.add).length <= 256, "At most 256 labels at once."),
    )
    .mutation(async ({ ctx, input }) => {
      const view = await clusterView(ctx.services, input.environmentId, ["nodes"], input.id);
      const node = findNode(view, input.id);
      ctx.audit.target("node", node.id, node.hostname);
      return changeLabels(ctx.services.fleet, view, node.id, { add: input.add, remove: input.remove });
    }),

  /** A down node (or, with force, any worker); a manager must be demoted first. */
  remove: clusterProcedure("node.manage")
    .input(onNode.extend({ force: z.boolean().default(false) }))
    .mutation(async ({ ctx, input }) => {
      const view = await clusterView(ctx.services, input.environmentId, ["nodes"], input.id);
      const node = findNode(view, input.id);
      ctx.audit.target("node", node.id, node.hostname);
      return removeNode(ctx.services.fleet, view, node.id, input.force);
    }),
});
