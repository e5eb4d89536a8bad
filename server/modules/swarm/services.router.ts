// services.*: thin wiring of services.ts, rollout-watch.ts and logs.ts. Every spec that is
// about to run is judged by the workload policy with the caller's holds on the cluster.
import { z } from "zod";
import { whileAllowed } from "../../transport/trpc/streaming";
import type { Actor, RequestInfo, Services } from "../../core/context";
import { createTRPCRouter } from "../../transport/trpc/init";
import { describeViolations } from "../../containers/policy";
import type { Cluster } from "./cluster";
import { serviceFacts } from "./facts";
import { judgeServiceSpec } from "./judge";
import { serviceLogs } from "./logs";
import {
  canOnCluster,
  clusterProcedure,
  clusterView,
  clustersInScope,
  clusterViews,
  listInput,
  onCluster,
  onService,
} from "./procedures";
import { watchRollout } from "./rollout-watch";
import { swarmRuntime } from "./runtime";
import { serviceSpecInput } from "./contract";
import {
  checkCreate,
  createService,
  findService,
  listedServiceRows,
  planUpdate,
  presentPlan,
  redeployService,
  removeService,
  rollbackService,
  scaleService,
  serviceDetail,
  updateService,
  type BeforeSend,
  type ServiceJudge,
} from "./services";
import type { Requester } from "./tracker";
import { serviceOptions } from "./options";

const PRIVILEGED = "container.create.privileged" as const;
const DOCKER_SOCKET = "container.create.docker-socket" as const;
const CONFIG_DATA = "config.data.read" as const;

/** The workload policy with what `actor` holds on `cluster`, and what the engines say. */
function judgeFor(services: Services, actor: Actor, cluster: Cluster): ServiceJudge {
  const grants = {
    privileged: canOnCluster(actor.permissions, PRIVILEGED, cluster),
    dockerSocket: canOnCluster(actor.permissions, DOCKER_SOCKET, cluster),
    configData: canOnCluster(actor.permissions, CONFIG_DATA, cluster),
  };
  return async (body) => {
    const facts = await serviceFacts(services.fleet, cluster, body, async (environmentId) => {
      const row = await services.prisma.environment.findUnique({ where: { id: environmentId }, select: { url: true } });
      return row?.url ?? null;
    });
    return judgeServiceSpec(body, grants, facts);
  };
}

function requester(actor: Actor, request: RequestInfo, action: string): Requester {
  return {
    actorUserId: actor.userId,
    actorUsername: actor.username,
    actorTokenId: actor.tokenId,
    ip: request.ip,
    userAgent: request.userAgent,
    action,
  };
}

/**
 * Runs a change that starts a rollout, with the tracker told just before it is sent which
 * rollout the engine had seen last, so the next one is put on the record as the caller's;
 * a change that is not made withdraws it.
 */
async function tracked<T>(
  services: Services,
  clusterId: string,
  serviceId: string,
  who: Requester,
  run: (beforeSend: BeforeSend) => Promise<T>,
): Promise<T> {
  const tracker = swarmRuntime(services).tracker;
  try {
    return await run((raw) => {
      const startedAt = (raw.UpdateStatus as { StartedAt?: unknown } | undefined)?.StartedAt;
      tracker.expect(clusterId, serviceId, who, typeof startedAt === "string" ? startedAt : undefined);
    });
  } catch (error) {
    tracker.withdraw(clusterId, serviceId, who);
    throw error;
  }
}

const specInput = onCluster.extend({ spec: serviceSpecInput });
const serviceSpecUpdate = onService.extend({ spec: serviceSpecInput });

export const servicesRouter = createTRPCRouter({
  /** Every service of every cluster the caller may read, each once, with running / desired tasks. */
  list: clusterProcedure("service.read")
    .input(listInput)
    .query(async ({ ctx, input }) => {
      const clusters = clustersInScope(ctx.services.fleet, ctx.scope, input?.environmentIds);
      const { views, errors } = await clusterViews(ctx.services, clusters, ["services", "tasks"]);
      const items = views.flatMap((view) =>
        listedServiceRows(view, canOnCluster(ctx.actor.permissions, "container.inspect.secrets", view.cluster)),
      );
      return { items, errors, paused: [] as string[] };
    }),

  /** Details: the spec (as the form edits it, and raw), tasks with their history. */
  get: clusterProcedure("service.read")
    .input(onService)
    .query(async ({ ctx, input }) => {
      const view = await clusterView(ctx.services, input.environmentId, undefined, input.id);
      const reveal = canOnCluster(ctx.actor.permissions, "container.inspect.secrets", view.cluster);
      return { ...(await serviceDetail(ctx.services.fleet, view, input.id, reveal)), clusterId: view.cluster.id };
    }),

  /** What the create form offers: networks, secrets, configs, node labels and the images the nodes have. */
  createOptions: clusterProcedure("service.create")
    .input(onCluster)
    .query(async ({ ctx, input }) => {
      const view = await clusterView(ctx.services, input.environmentId, ["nodes"]);
      return serviceOptions(ctx.services.fleet, view);
    }),

  /** The create line and the policy's verdict for this caller, without creating anything. */
  check: clusterProcedure("service.create")
    .input(specInput)
    .query(async ({ ctx, input }) => {
      const view = await clusterView(ctx.services, input.environmentId, ["services"]);
      return checkCreate(ctx.services.fleet, view, input.spec, judgeFor(ctx.services, ctx.actor, view.cluster));
    }),

  create: clusterProcedure("service.create")
    .input(specInput)
    .mutation(async ({ ctx, input }) => {
      const view = await clusterView(ctx.services, input.environmentId, ["services"]);
      ctx.audit.target("service", null, input.spec.name);
      const created = await createService(
        ctx.services.fleet,
        view,
        input.spec,
        judgeFor(ctx.services, ctx.actor, view.cluster),
        describeViolations,
      );
      ctx.audit.target("service", created.id, created.name);
      return { ...created, clusterId: view.cluster.id };
    }),

  /** What an update would change, field by field, and its command line; sends nothing. */
  previewUpdate: clusterProcedure("service.update")
    .input(serviceSpecUpdate)
    .query(async ({ ctx, input }) => {
      const view = await clusterView(ctx.services, input.environmentId, ["services"], input.id);
      const plan = await planUpdate(ctx.services.fleet, view, input.id, input.spec);
      const reveal = canOnCluster(ctx.actor.permissions, "container.inspect.secrets", view.cluster);
      const violations = await judgeFor(ctx.services, ctx.actor, view.cluster)(plan.body, "service.update");
      return { ...presentPlan(plan, view.source.name, reveal), violations };
    }),

  update: clusterProcedure("service.update")
    .input(serviceSpecUpdate)
    .mutation(async ({ ctx, input }) => {
      const view = await clusterView(ctx.services, input.environmentId, ["services"], input.id);
      const service = findService(view, input.id);
      ctx.audit.target("service", service.id, service.name);
      const who = requester(ctx.actor, ctx.request, "services.update");
      return tracked(ctx.services, view.cluster.id, service.id, who, (beforeSend) =>
        updateService(
          ctx.services.fleet,
          view,
          service.id,
          input.spec,
          judgeFor(ctx.services, ctx.actor, view.cluster),
          describeViolations,
          beforeSend,
        ),
      );
    }),

  scale: clusterProcedure("service.update")
    .input(onService.extend({ replicas: z.number().int().min(0).max(10_000) }))
    .mutation(async ({ ctx, input }) => {
      const view = await clusterView(ctx.services, input.environmentId, ["services"], input.id);
      const service = findService(view, input.id);
      ctx.audit.target("service", service.id, service.name);
      return scaleService(ctx.services.fleet, view, service.id, input.replicas);
    }),

  /** `docker service update --force`: every task replaced, same spec. */
  redeploy: clusterProcedure("service.update")
    .input(onService)
    .mutation(async ({ ctx, input }) => {
      const view = await clusterView(ctx.services, input.environmentId, ["services"], input.id);
      const service = findService(view, input.id);
      ctx.audit.target("service", service.id, service.name);
      const who = requester(ctx.actor, ctx.request, "services.redeploy");
      return tracked(ctx.services, view.cluster.id, service.id, who, (beforeSend) =>
        redeployService(ctx.services.fleet, view, service.id, beforeSend),
      );
    }),

  rollback: clusterProcedure("service.update")
    .input(onService)
    .mutation(async ({ ctx, input }) => {
      const view = await clusterView(ctx.services, input.environmentId, ["services"], input.id);
      const service = findService(view, input.id);
      ctx.audit.target("service", service.id, service.name);
      const who = requester(ctx.actor, ctx.request, "services.rollback");
      return tracked(ctx.services, view.cluster.id, service.id, who, (beforeSend) =>
        rollbackService(
          ctx.services.fleet,
          view,
          service.id,
          judgeFor(ctx.services, ctx.actor, view.cluster),
          describeViolations,
          beforeSend,
        ),
      );
    }),

  remove: clusterProcedure("service.delete")
    .input(onService)
    .mutation(async ({ ctx, input }) => {
      const view = await clusterView(ctx.services, input.environmentId, ["services"], input.id);
      const service = findService(view, input.id);
      ctx.audit.target("service", service.id, service.name);
      return removeService(ctx.services.fleet, view, service.id);
    }),

  /**
   * The service's rollout as `docker service update --detach=false` shows it, a message per
   * change, until it converges, pauses or rolls back (`follow`: and on, for an open page).
   */
  rollout: clusterProcedure("service.read")
    .input(onService.extend({ follow: z.boolean().default(false) }))
    .subscription(async function* ({ ctx, input, signal }) {
      const view = await clusterView(ctx.services, input.environmentId, ["services"], input.id);
      const service = findService(view, input.id);
      const cluster = view.cluster;
      const runtime = swarmRuntime(ctx.services);
      const release = runtime.pulse.watch(cluster.id);
      try {
        yield* whileAllowed(
          ctx,
          signal,
          (p) => canOnCluster(p, "service.read", cluster),
          (watch) =>
            watchRollout(ctx.services.fleet, cluster.id, service.id, watch.signal, {
              untilDone: input.follow,
              rollbackAsked: (id, startedAt) => runtime.tracker.rollbackAsked(id, startedAt),
            }),
        );
      } finally {
        release();
      }
    }),

  /** Logs merged across the service's tasks, each line led by its task: as containers.logs. */
  logs: clusterProcedure("service.logs")
    .input(
      onService.extend({
        follow: z.boolean().default(true),
        tail: z.union([z.number().int().min(0).max(1_000_000), z.literal("all")]).default(500),
        since: z.number().int().min(0).optional(),
        until: z.number().int().min(0).optional(),
        timestamps: z.boolean().default(false),
      }),
    )
    .subscription(async function* ({ ctx, input, signal }) {
      const { environmentId, id, ...options } = input;
      const view = await clusterView(ctx.services, environmentId, undefined, id);
      const service = findService(view, id);
      const cluster = view.cluster;
      yield* whileAllowed(
        ctx,
        signal,
        (p) => canOnCluster(p, "service.logs", cluster),
        (watch) => serviceLogs(ctx.services.fleet, view, service.id, options, watch.signal),
      );
    }),
});
