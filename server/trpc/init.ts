// The only procedure builders routers use. Every procedure states what it needs in its
// meta, set here by the builder: public, authenticated, or one permission. The check
// happens in the builder, never by hand inside a handler.
import { initTRPC, TRPCError } from "@trpc/server";
import { z, ZodError } from "zod";
import { isEnvironmentScoped, type Permission } from "../rbac/catalogue";
import { can, canSomewhere, environmentsWith } from "../rbac/permissions";
import type { Actor, Context } from "./context";
import { entryFor, newAuditNote, outcomeOf } from "../audit/middleware-support";
import { AuditWriteError } from "../audit/writer";
import { forgetAuthenticatedActors } from "../auth/authenticate";
import { permissionRechecksFor } from "../rbac/revocation";
import { DockerError, type DockerErrorCode } from "../docker/index";
import { AccessRuleError, type AccessRuleCode } from "../modules/access/errors";
import { allowedHostsFor, originProblem } from "./origin";

export type Access =
  | { kind: "public" }
  | { kind: "authenticated" }
  | {
      kind: "permission";
      permission: Permission;
      everywhere: boolean;
      /** when set, inputs it names (e.g. a changed connection) need the permission everywhere */
      everywhereFor?: string;
    };

export interface Meta {
  access: Access;
}

const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
    errorFormatter({ shape, error }) {
      return {
        ...shape,
        data: {
          ...shape.data,
          stack: undefined,
          zodError: error.cause instanceof ZodError ? z.flattenError(error.cause) : null,
        },
      };
    },
  });

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

/**
 * The record, written here and nowhere else by hand: every mutation's event is written
 * before it runs (if it cannot be, the mutation does not run) and completed after; every
 * refused call, query or mutation, is recorded as denied.
 */
const audited = t.middleware(async ({ ctx, type, path, meta, getRawInput, next }) => {
  const started = performance.now();
  const permission = meta?.access.kind === "permission" ? meta.access.permission : null;
  const input = await getRawInput().catch(() => undefined);
  const entry = entryFor(ctx, path, permission, input);
  const note = newAuditNote();
  const writer = ctx.services.audit;
  let intentId: string | null = null;
  if (type === "mutation") {
    try {
      intentId = await writer.begin(entry);
    } catch (error) {
      if (error instanceof AuditWriteError) {
        console.error(`audit: cannot write the intent of ${path}:`, error.cause);
        throw new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: error.message, cause: error });
      }
      throw error;
    }
  }
  const result = await next({ ctx: { audit: note } });
  const error = result.ok ? null : result.error;
  const outcome = outcomeOf(error);
  const completion = {
    outcome,
    error: error?.message ?? null,
    durationMs: Math.round(performance.now() - started),
    patch: note.patch,
  };
  // Whatever a mutation changed (tokens, bindings, users, settings) applies to the next call,
  // and to what is open now: consoles and streams re-check at once.
  if (type === "mutation" && result.ok) {
    forgetAuthenticatedActors();
    permissionRechecksFor(ctx.services.prisma).nudge();
  }
  try {
    if (intentId) await writer.complete(intentId, completion);
    else if (outcome === "denied") await writer.record(entry, completion);
  } catch (cause) {
    // The action ran (or was refused); its event stays pending and is reconciled at start.
    console.error(`audit: cannot complete the event of ${path}:`, cause);
  }
  return result;
});

const dockerCodes: Record<DockerErrorCode, TRPCError["code"]> = {
  unreachable: "BAD_GATEWAY",
  timeout: "GATEWAY_TIMEOUT",
  "not-found": "NOT_FOUND",
  conflict: "CONFLICT",
  engine: "BAD_REQUEST",
  paused: "PRECONDITION_FAILED",
  "unknown-environment": "NOT_FOUND",
  busy: "TOO_MANY_REQUESTS",
};

const accessRuleCodes: Record<AccessRuleCode, TRPCError["code"]> = {
  forbidden: "FORBIDDEN",
  conflict: "CONFLICT",
  "not-found": "NOT_FOUND",
  "bad-request": "BAD_REQUEST",
  "too-many-requests": "TOO_MANY_REQUESTS",
};

/** server/docker's typed errors, and the access rules' refusals, become the matching API
 * codes, with their own messages. */
const dockerErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof DockerError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: dockerCodes[cause.code], message: cause.message, cause });
  }
  if (!result.ok && result.error.cause instanceof AccessRuleError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: accessRuleCodes[cause.code], message: cause.message, cause });
  }
  return result;
});

/** Mutations from a browser must come from Stevedore's own pages (no cross-site requests),
 * addressed to one of its own host names (no DNS rebinding). */
const sameOrigin = t.middleware(async ({ ctx, type, next }) => {
  if (type === "mutation") {
    const problem =
      (await allowedHostsFor(ctx.services.prisma).problem(ctx.request.host)) ??
      originProblem(ctx.request, ctx.actor?.via ?? null);
    if (problem) throw new TRPCError({ code: "FORBIDDEN", message: problem });
  }
  return next();
});

export const publicProcedure = t.procedure
  .meta({ access: { kind: "public" } })
  .use(audited)
  .use(dockerErrors)
  .use(sameOrigin);

function signedIn(actor: Context["actor"]): Actor {
  if (!actor) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first." });
  return actor;
}

/** Signed in; nothing more. For one's own profile, sessions and tokens. */
export const authedProcedure = t.procedure
  .meta({ access: { kind: "authenticated" } })
  .use(audited)
  .use(dockerErrors)
  .use(sameOrigin)
  .use(({ ctx, next }) => next({ ctx: { actor: signedIn(ctx.actor) } }));

export interface PermittedOptions {
  /** Demands the permission on all environments (adding a new environment, say). */
  everywhere?: boolean;
  /** Demands it on all environments only when the input carries this field. */
  everywhereFor?: EverywhereFor;
  /**
   * The environments whose bindings count for the input's environment: a swarm's managers for
   * any environment of that swarm (a binding on a cluster's manager is a binding on the cluster).
   * Without it, the environment alone.
   */
  scopeOf?: (services: Context["services"], environmentId: string) => readonly string[];
}

/** An input field whose presence makes a scoped procedure as strong as its `everywhere` form:
 * changing an environment's connection is as strong as adding one. */
export interface EverywhereFor {
  field: string;
  /** says why, in the refusal */
  what: string;
}

/** Signed in and two-factor enrolled where an administrator requires it: for what would
 * otherwise be a way around the requirement (making API tokens, say). */
export const enrolledProcedure = authedProcedure.use(({ ctx, next }) => {
  if (ctx.actor.mustEnrollTotp) {
    throw new TRPCError({ code: "FORBIDDEN", message: "Set up two-factor sign-in first (Profile)." });
  }
  return next();
});

/** Signed in, two-factor enrolled where required, and holding `permission`: on the
 * input's `environmentId` when the permission is environment-scoped and the input names
 * one; otherwise on at least one environment, and `ctx.scope` says which (for lists).
 * `everywhere` demands it on all environments (adding a new environment, say);
 * `everywhereFor` demands that only when the input carries the named field. */
export function permittedProcedure(permission: Permission, options: PermittedOptions = {}) {
  const everywhere = options.everywhere ?? false;
  const elevated = options.everywhereFor;
  return t.procedure
    .meta({ access: { kind: "permission", permission, everywhere, everywhereFor: elevated?.field } })
    .use(audited)
    .use(dockerErrors)
    .use(sameOrigin)
    .use(async ({ ctx, getRawInput, next }) => {
      const actor = signedIn(ctx.actor);
      if (actor.mustEnrollTotp) {
        throw new TRPCError({ code: "FORBIDDEN", message: "Set up two-factor sign-in first (Profile)." });
      }
      let allowed: boolean;
      const raw = (await getRawInput().catch(() => undefined)) as Record<string, unknown> | undefined;
      if (elevated && raw !== null && typeof raw === "object" && raw[elevated.field] !== undefined) {
        if (!actor.permissions.everywhere.has(permission)) {
          throw new TRPCError({
            code: "FORBIDDEN",
            message: `${elevated.what} needs the ${permission} permission on every environment, as adding one does.`,
          });
        }
        allowed = true;
      } else if (everywhere) {
        allowed = actor.permissions.everywhere.has(permission);
      } else if (isEnvironmentScoped(permission)) {
        const environmentId = typeof raw?.environmentId === "string" ? raw.environmentId : null;
        const scope = environmentId ? (options.scopeOf?.(ctx.services, environmentId) ?? [environmentId]) : null;
        allowed = scope
          ? scope.some((id) => can(actor.permissions, permission, id))
          : canSomewhere(actor.permissions, permission);
      } else {
        allowed = can(actor.permissions, permission);
      }
      if (!allowed) {
        throw new TRPCError({ code: "FORBIDDEN", message: `You do not have the ${permission} permission here.` });
      }
      return next({ ctx: { actor, scope: environmentsWith(actor.permissions, permission) } });
    });
}
