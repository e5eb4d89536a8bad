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
import { DockerError, type DockerErrorCode } from "../docker/index";
import { originProblem } from "./origin";

export type Access =
  { kind: "public" } | { kind: "authenticated" } | { kind: "permission"; permission: Permission; everywhere: boolean };

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
  // Whatever a mutation changed (tokens, bindings, users, settings) applies to the next call.
  if (type === "mutation" && result.ok) forgetAuthenticatedActors();
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
};

/** server/docker's typed errors become the matching API codes, with their own messages. */
const dockerErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof DockerError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: dockerCodes[cause.code], message: cause.message, cause });
  }
  return result;
});

/** Mutations from a browser must come from Stevedore's own pages (no cross-site requests). */
const sameOrigin = t.middleware(({ ctx, type, next }) => {
  if (type === "mutation") {
    const problem = originProblem(ctx.request, ctx.actor?.via ?? null);
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
  /**
   * The environments whose bindings count for the input's environment: a swarm's managers for
   * any environment of that swarm (a binding on a cluster's manager is a binding on the cluster).
   * Without it, the environment alone.
   */
  scopeOf?: (services: Context["services"], environmentId: string) => readonly string[];
}

/** Signed in, two-factor enrolled where required, and holding `permission`: on the
 * input's `environmentId` when the permission is environment-scoped and the input names
 * one; otherwise on at least one environment, and `ctx.scope` says which (for lists).
 * `everywhere` demands it on all environments (adding a new environment, say). */
export function permittedProcedure(permission: Permission, options: PermittedOptions = {}) {
  const everywhere = options.everywhere ?? false;
  return t.procedure
    .meta({ access: { kind: "permission", permission, everywhere } })
    .use(audited)
    .use(dockerErrors)
    .use(sameOrigin)
    .use(async ({ ctx, getRawInput, next }) => {
      const actor = signedIn(ctx.actor);
      if (actor.mustEnrollTotp) {
        throw new TRPCError({ code: "FORBIDDEN", message: "Set up two-factor sign-in first (Profile)." });
      }
      let allowed: boolean;
      if (everywhere) {
        allowed = actor.permissions.everywhere.has(permission);
      } else if (isEnvironmentScoped(permission)) {
        const raw = (await getRawInput()) as { environmentId?: unknown } | undefined;
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
