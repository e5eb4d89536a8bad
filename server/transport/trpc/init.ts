// The only procedure builders routers use. Every procedure states what it needs in its
// meta, set here by the builder: public, authenticated, or one permission. The check
// happens in the builder, never by hand inside a handler.
import { getTRPCErrorFromUnknown, initTRPC, TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import { isEnvironmentScoped, type Permission } from "../../rbac/catalogue";
import { can, canSomewhere, environmentsWith } from "../../rbac/permissions";
import { PASSWORD_CHANGE_DUE, type Actor, type Context } from "../../core/context";
import { entryFor, newAuditNote, outcomeOf } from "../../audit/middleware-support";
import { AuditWriteError } from "../../audit/writer";
import { describeDatabaseError, INTERNAL_MESSAGE, type DatabaseProblem } from "../../database/errors";
import { hostileInputProblem } from "./input-guards";
import { describeInputError } from "./input-errors";
import { createdIdOf } from "../../docker/create";
import { forgetAuthenticatedActors } from "../../auth/authenticate";
import { permissionRechecksFor } from "../../rbac/revocation";
import { ANSWERS, isClassified, type ErrorKind } from "../../core/errors";
import { allowedHostsFor, originProblem } from "../../core/origin";

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
      // An input that failed its schema: its issues, bounded, in words (./input-errors.ts). (A
      // ZodError a handler throws on its own data is an internal error, answered as one.)
      const input =
        error.code === "BAD_REQUEST" && error.cause instanceof ZodError ? describeInputError(error.cause) : null;
      return {
        ...shape,
        // Internal errors keep their text in the server's log: callers never see database,
        // engine-library or stack details. Messages written for callers stay as they are.
        message: input?.message ?? (exposesMessage(error) ? shape.message : INTERNAL_MESSAGE),
        data: {
          ...shape.data,
          stack: undefined,
          zodError: input?.zodError ?? null,
          // A create that made its container before a later step (the start) failed says which,
          // so the caller can start it again or remove it rather than believe nothing was made.
          createdId: createdIdOf(error.cause) ?? null,
        },
      };
    },
  });

/** Whether an error's message was written for the caller (every code but an unplanned 500). */
function exposesMessage(error: TRPCError): boolean {
  if (error.code !== "INTERNAL_SERVER_ERROR") return true;
  return error.cause === undefined || error.cause instanceof AuditWriteError;
}

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Refused mutations are recorded whatever the reason; refused queries when access was refused. */
function recordsRefusal(type: string, code: TRPCError["code"]): boolean {
  return type === "mutation" || ["UNAUTHORIZED", "FORBIDDEN", "TOO_MANY_REQUESTS"].includes(code);
}

/**
 * The record, written here and nowhere else by hand. A mutation's intent is written at the
 * last moment before its handler runs, after sign-in, two-factor, Origin, permission and
 * input have all been checked (the builders below arrange it), so a refused call never
 * writes an intent and nothing unchecked is stored; if the intent cannot be written, the
 * handler does not run. Its outcome is appended after. A call refused before that, query or
 * mutation, is recorded as a refusal (grouped when many alike arrive: server/audit/refusals.ts).
 */
const audited = t.middleware(async ({ ctx, type, path, meta, getRawInput, next }) => {
  const started = performance.now();
  const permission = meta?.access.kind === "permission" ? meta.access.permission : null;
  let input: unknown;
  let refused: TRPCError | null = null;
  try {
    input = await getRawInput();
  } catch (error) {
    // A body too large, or not JSON: refused before anything reads it. A POST without a body
    // is a call without input, as the HTTP door saw (server/transport/http/trpc.ts); a procedure that
    // needs input refuses its absence itself.
    if (ctx.request.noBody) input = undefined;
    else refused = getTRPCErrorFromUnknown(error);
  }
  const problem = refused ? null : hostileInputProblem(input);
  if (problem) refused = new TRPCError({ code: "BAD_REQUEST", message: problem });
  const entry = entryFor(ctx, path, permission, input);
  const writer = ctx.services.audit;
  const refuse = async (error: TRPCError) => {
    if (!recordsRefusal(type, error.code)) return;
    await writer
      .refuse(entry, {
        outcome: outcomeOf(error),
        error: error.message,
        durationMs: Math.round(performance.now() - started),
      })
      .catch((cause: unknown) => console.error(`audit: cannot record the refusal of ${path}:`, cause));
  };
  if (refused) {
    await refuse(refused);
    throw refused;
  }

  const note = newAuditNote();
  let intentId: string | null = null;
  const openIntent = async () => {
    if (type !== "mutation" || intentId) return;
    try {
      intentId = await writer.begin(entry);
    } catch (error) {
      if (error instanceof AuditWriteError) {
        console.error(`audit: cannot write the intent of ${path}:`, error.cause);
        throw new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: error.message, cause: error });
      }
      throw error;
    }
  };
  const result = await next({ ctx: { audit: note, openIntent } });
  const error = result.ok ? null : result.error;
  // Whatever a mutation changed (tokens, bindings, users, settings) applies to the next call,
  // and to what is open now: consoles and streams re-check at once.
  if (type === "mutation" && result.ok) {
    forgetAuthenticatedActors();
    permissionRechecksFor(ctx.services.prisma).nudge();
  }
  if (intentId) {
    await writer
      .complete(intentId, {
        outcome: outcomeOf(error),
        error: error
          ? exposesMessage(error)
            ? error.message
            : `${error.message} (answered: ${INTERNAL_MESSAGE})`
          : null,
        durationMs: Math.round(performance.now() - started),
        patch: note.patch,
      })
      .catch((cause: unknown) => console.error(`audit: cannot complete the event of ${path}:`, cause));
  } else if (error && !(error.cause instanceof AuditWriteError)) {
    await refuse(error);
  }
  return result;
});

/**
 * Builders whose mutations open their audit intent right before the handler: the wrapper sits
 * around the resolver, so it runs after every middleware and the input's own schema. Every
 * method that returns a builder returns a wrapped one.
 */
function intentBeforeHandler<B extends object>(builder: B): B {
  return new Proxy(builder, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== "function") return value;
      const method = value as (...args: unknown[]) => unknown;
      if (key === "mutation") {
        return (resolver: (opts: { ctx: { openIntent?: () => Promise<void> } }) => unknown) =>
          method.call(target, async (opts: { ctx: { openIntent?: () => Promise<void> } }) => {
            await opts.ctx.openIntent?.();
            return resolver(opts);
          });
      }
      if (key === "query" || key === "subscription") return method.bind(target);
      return (...args: unknown[]) => {
        const next = method.apply(target, args);
        return next && typeof next === "object" ? intentBeforeHandler(next) : next;
      };
    },
  });
}

/** Database errors in words a caller may see (server/database/errors.ts); the rest are logged. */
const databaseKinds: Partial<Record<DatabaseProblem["kind"], ErrorKind>> = {
  conflict: "conflict",
  "not-found": "not-found",
  invalid: "bad-input",
  unavailable: "unavailable",
};

const databaseErrors = t.middleware(async ({ path, next }) => {
  const result = await next();
  if (result.ok) return result;
  const problem = describeDatabaseError(result.error.cause);
  const kind = problem && databaseKinds[problem.kind];
  if (!problem || !kind) return result;
  const cause = result.error.cause;
  if (kind === "unavailable") console.error(`trpc ${path}: database unavailable:`, cause);
  throw new TRPCError({ code: ANSWERS[kind].trpc, message: problem.message, cause });
});

/** Typed errors (the domain's, server/docker's, the modules') become the matching API codes,
 * with their own messages, by the one map (server/core/errors.ts). */
const typedErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && isClassified(result.error.cause)) {
    const cause = result.error.cause;
    throw new TRPCError({ code: ANSWERS[cause.errorKind].trpc, message: cause.message, cause });
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

export const publicProcedure = intentBeforeHandler(
  t.procedure
    .meta({ access: { kind: "public" } })
    .use(audited)
    .use(databaseErrors)
    .use(typedErrors)
    .use(sameOrigin),
);

function signedIn(actor: Context["actor"]): Actor {
  if (!actor) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first." });
  return actor;
}

/** Signed in, and no new password is due (passwordDueProcedure is the exception). */
function signedInReady(actor: Context["actor"]): Actor {
  const signed = signedIn(actor);
  if (signed.mustChangePassword) throw new TRPCError({ code: "FORBIDDEN", message: PASSWORD_CHANGE_DUE });
  return signed;
}

/**
 * Signed in, even while an administrator's "choose a new password" is due: only for what that
 * user must still be able to do then (sign out, change the password).
 */
export const passwordDueProcedure = signedInProcedure(signedIn);

/** Signed in; nothing more. For one's own profile, sessions and tokens. */
export const authedProcedure = signedInProcedure(signedInReady);

/** An audited procedure for any signed-in user, `admit` deciding which actor may pass. */
function signedInProcedure(admit: (actor: Context["actor"]) => Actor) {
  return intentBeforeHandler(
    t.procedure
      .meta({ access: { kind: "authenticated" } })
      .use(audited)
      .use(databaseErrors)
      .use(typedErrors)
      .use(sameOrigin)
      .use(({ ctx, next }) => next({ ctx: { actor: admit(ctx.actor) } })),
  );
}

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
  const builder = t.procedure
    .meta({ access: { kind: "permission", permission, everywhere, everywhereFor: elevated?.field } })
    .use(audited)
    .use(databaseErrors)
    .use(typedErrors)
    .use(sameOrigin)
    .use(async ({ ctx, getRawInput, next }) => {
      const actor = signedInReady(ctx.actor);
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
        // Named as people know it, so the refused can say what to ask an administrator for.
        const environmentId = typeof raw?.environmentId === "string" ? raw.environmentId : null;
        const environmentName = environmentId ? ctx.services.fleet.status(environmentId)?.name : undefined;
        const where = environmentName && isEnvironmentScoped(permission) ? ` on ${environmentName}` : " here";
        throw new TRPCError({ code: "FORBIDDEN", message: `You do not have the ${permission} permission${where}.` });
      }
      return next({ ctx: { actor, scope: environmentsWith(actor.permissions, permission) } });
    });
  return intentBeforeHandler(builder);
}
