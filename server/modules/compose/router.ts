// composeProjects.*: compose projects on standalone engines. The list comes from the live
// picture; each action reads the project's containers from the engine, checks the same doors as
// the container actions (starting or restarting a container that reaches the host needs its
// host access, for every container of the project, before anything runs), does it, and answers
// the `docker compose` line that does the same.
import { z } from "zod";
import { ForbiddenError, TooManyRequestsError } from "../../core/errors";
import { KeyedLimit } from "../../docker/limits";
import { id } from "../../core/refs";
import type { Actor, Services } from "../../core/context";
import type { Permission } from "../../rbac/catalogue";
import { can, loadEffectivePermissions } from "../../rbac/permissions";
import { watchPermission } from "../../rbac/revocation";
import { createTRPCRouter, permittedProcedure } from "../../transport/trpc/init";
import type { WorkloadDoor } from "../../workloads/reach";
import { refuseHostReach } from "../containers/host-reach";
import { environmentsInScope, fleetListInput } from "../fleet/lists.procedure";
import { environmentName } from "../shared/environments";
import type { CallEngine } from "./dependencies";
import {
  composeLine,
  DEFAULT_WAIT_SECONDS,
  groupProjects,
  PROJECT_NAME,
  projectNetworks,
  readProjectContainers,
  requireFound,
  shownMembers,
  summarizeProject,
  runProjectAction,
  type ProjectAction,
  type ProjectContainer,
} from "./projects";

const projectName = z
  .string()
  .trim()
  .regex(
    PROJECT_NAME,
    "A compose project name is lower-case letters, digits, - and _, starting with a letter or digit.",
  );
const target = z.object({ environmentId: id, project: projectName });
const timeoutSeconds = z.number().int().min(0).max(3600).optional();
/** The bound on a start's or restart's waiting for depends_on conditions (healthy, completed). */
const waitTimeoutSeconds = z.number().int().min(1).max(1800).default(DEFAULT_WAIT_SECONDS);

/** One step's engine call: long enough for the grace period of every container it acts on. */
function deadlineMs(containers: number, timeout: number | undefined): number {
  return Math.min(15 * 60_000, 30_000 + containers * ((timeout ?? 10) + 10) * 1000);
}

/** The doors into existing containers an action goes through (server/workloads/reach.ts). */
async function refuseHostReachOfAny(
  ctx: { services: Services; actor: Actor },
  environmentId: string,
  containers: ProjectContainer[],
  door: WorkloadDoor | null,
) {
  if (!door) return;
  const judged = door === "start" ? containers.filter((c) => c.state !== "running") : containers;
  for (const c of judged) await refuseHostReach(ctx, environmentId, c.id, door);
}

const DOOR: Record<ProjectAction, WorkloadDoor | null> = {
  start: "start",
  restart: "restart",
  stop: null,
  remove: null,
};

/**
 * Starts and restarts that wait on dependencies (up to waitTimeoutSeconds): a few at a time per
 * environment. The wait itself holds no engine call slot (only its looks, briefly); the cap keeps
 * a burst of waiting starts from polling the engine without end all the same.
 */
const waitingActions = new KeyedLimit(2);

function holdWaitingSlot(environmentId: string): () => void {
  const release = waitingActions.tryTake(environmentId);
  if (!release) {
    throw new TooManyRequestsError(
      `${waitingActions.limit} compose starts or restarts are already waiting on their dependencies on this environment; ` +
        "try again when one has finished.",
    );
  }
  return release;
}

function action<S extends z.ZodRawShape>(permission: Permission, kind: ProjectAction, extra: S) {
  return permittedProcedure(permission)
    .input(target.extend(extra))
    .mutation(async ({ ctx, input: raw, signal }) => {
      const input = raw as unknown as z.infer<typeof target> & {
        timeoutSeconds?: number;
        networks?: boolean;
        waitTimeoutSeconds?: number;
      };
      const { environmentId, project } = input;
      ctx.audit.target("compose-project", project, project);
      const options = {
        timeoutSeconds: input.timeoutSeconds,
        networks: input.networks ?? false,
        waitTimeoutSeconds: input.waitTimeoutSeconds,
      };
      const containers = requireFound(
        await ctx.services.fleet.call(environmentId, "compose project read", (docker) =>
          readProjectContainers(docker, project),
        ),
        project,
      );
      await refuseHostReachOfAny(ctx, environmentId, containers, DOOR[kind]);
      if (kind === "remove" && options.networks && !can(ctx.actor.permissions, "network.delete", environmentId)) {
        const networks = await ctx.services.fleet.call(environmentId, "compose project networks", (docker) =>
          projectNetworks(docker, project),
        );
        if (networks.length) {
          throw new ForbiddenError(
            `Removing ${project}'s networks (${networks.map((n) => n.name).join(", ")}) needs network.delete; ` +
              "remove only its containers instead.",
          );
        }
      }
      const waits = (kind === "start" || kind === "restart") && containers.some((c) => c.dependsOn.length > 0);
      const release = waits ? holdWaitingSlot(environmentId) : () => undefined;
      // A wait can last up to waitTimeoutSeconds: what comes after it acts for a caller who may
      // have lost the permission or signed out meanwhile. Such an action is watched like a
      // stream (credential end, permission rechecks) and, before each step that acts, the
      // caller's permissions are read again: a revocation stops it before the next container is
      // touched. The looks at a dependency (every 500 ms) only read the engine: they cost no
      // database read.
      const watch = waits
        ? watchPermission(
            ctx.services.prisma,
            ctx.actor,
            ctx.actor.permissions,
            (now) => can(now, permission, environmentId),
            signal,
          )
        : undefined;
      const stepSignal = watch?.signal ?? signal;
      const stillAllowed = async () => {
        const now = await loadEffectivePermissions(ctx.services.prisma, ctx.actor.userId);
        if (!can(now, permission, environmentId)) {
          throw new ForbiddenError(
            `You no longer hold ${permission} on this environment: ${project}'s ${kind} stopped before its next step.`,
          );
        }
      };
      // Each step is its own engine call, bounded by the grace periods of its containers; the
      // waiting for dependencies between them holds no call slot and has its own bound. The
      // request's signal ends both: a client that goes away ends the wait (and frees its place).
      const stepMs = deadlineMs(containers.length, input.timeoutSeconds);
      const call: CallEngine = async (name, fn, kind) => {
        if (waits && kind !== "looks") await stillAllowed();
        return ctx.services.fleet.call(environmentId, name, fn, {
          deadlineMs: stepMs,
          ...(stepSignal ? { signal: stepSignal } : {}),
        });
      };
      const outcome = await runProjectAction(call, containers, project, kind, {
        ...options,
        ...(stepSignal ? { signal: stepSignal } : {}),
      })
        .catch((error: unknown) => {
          if (watch?.signal.aborted && !signal?.aborted) {
            throw new ForbiddenError(
              `Your sign-in ended or you lost ${permission} on this environment while ${project}'s ${kind} waited: it stopped there.`,
            );
          }
          throw error;
        })
        .finally(() => {
          watch?.stop();
          release();
        });
      return {
        ok: true as const,
        ...outcome,
        cli: composeLine(environmentName(ctx.services.fleet, environmentId), project, kind, options),
      };
    });
}

export const composeProjectsRouter = createTRPCRouter({
  /** Every compose project of the environments the caller may read containers on, from the live picture. */
  list: permittedProcedure("container.read")
    .input(fleetListInput)
    .query(async ({ ctx, input }) => {
      const ids = environmentsInScope(ctx.services, ctx.scope, input?.environmentIds);
      const { items, errors, paused } = await ctx.services.fleet.list("containers", ids);
      const named = groupProjects(items).map((p) => ({
        ...p,
        environmentName: environmentName(ctx.services.fleet, p.environmentId),
      }));
      return { items: named, errors, paused };
    }),

  /** One project: its containers as the engine has them now. */
  get: permittedProcedure("container.read")
    .input(target)
    .query(async ({ ctx, input }) => {
      const containers = requireFound(
        await ctx.services.fleet.call(input.environmentId, "compose project read", (docker) =>
          readProjectContainers(docker, input.project),
        ),
        input.project,
      );
      const networks = await ctx.services.fleet.call(input.environmentId, "compose project networks", (docker) =>
        projectNetworks(docker, input.project),
      );
      return {
        ...summarizeProject(input.environmentId, input.project, shownMembers(containers)),
        environmentName: environmentName(ctx.services.fleet, input.environmentId),
        containers: containers.map(({ id, name, service, image, state, status }) => ({
          id,
          name,
          service,
          image,
          state,
          status,
        })),
        networks: networks.map((n) => n.name),
      };
    }),

  /** In dependency order; a service waits (up to waitTimeoutSeconds) for what its depends_on says. */
  start: action("container.lifecycle", "start", { waitTimeoutSeconds }),
  /** Dependants first. */
  stop: action("container.lifecycle", "stop", { timeoutSeconds }),
  restart: action("container.lifecycle", "restart", { timeoutSeconds, waitTimeoutSeconds }),
  /** `down`: the containers, and with `networks` the project's networks (that needs network.delete too). */
  remove: action("container.delete", "remove", { timeoutSeconds, networks: z.boolean().default(true) }),
});
