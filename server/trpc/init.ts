// The only procedure builders routers use. Every procedure states what it needs in its
// meta, set here by the builder: public, authenticated, or one permission. The check
// happens in the builder, never by hand inside a handler.
import { initTRPC, TRPCError } from "@trpc/server";
import { z, ZodError } from "zod";
import { isEnvironmentScoped, type Permission } from "../rbac/catalogue";
import { can, canSomewhere, environmentsWith } from "../rbac/permissions";
import type { Context } from "./context";
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

/** Mutations from a browser must come from Stevedore's own pages (no cross-site requests). */
const sameOrigin = t.middleware(({ ctx, type, next }) => {
  if (type === "mutation") {
    const problem = originProblem(ctx.request, ctx.actor?.via ?? null);
    if (problem) throw new TRPCError({ code: "FORBIDDEN", message: problem });
  }
  return next();
});

export const publicProcedure = t.procedure.meta({ access: { kind: "public" } }).use(sameOrigin);

const requireActor = t.middleware(({ ctx, next }) => {
  if (!ctx.actor) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first." });
  return next({ ctx: { ...ctx, actor: ctx.actor } });
});

/** Signed in; nothing more. For one's own profile, sessions and tokens. */
export const authedProcedure = t.procedure
  .meta({ access: { kind: "authenticated" } })
  .use(sameOrigin)
  .use(requireActor);

/** Signed in, two-factor enrolled where required, and holding `permission`: on the
 * input's `environmentId` when the permission is environment-scoped and the input names
 * one; otherwise on at least one environment, and `ctx.scope` says which (for lists).
 * `everywhere` demands it on all environments (adding a new environment, say). */
export function permittedProcedure(permission: Permission, options: { everywhere?: boolean } = {}) {
  const everywhere = options.everywhere ?? false;
  return t.procedure
    .meta({ access: { kind: "permission", permission, everywhere } })
    .use(sameOrigin)
    .use(requireActor)
    .use(async ({ ctx, getRawInput, next }) => {
      const { actor } = ctx;
      if (actor.mustEnrollTotp) {
        throw new TRPCError({ code: "FORBIDDEN", message: "Set up two-factor sign-in first (Profile)." });
      }
      let allowed: boolean;
      if (everywhere) {
        allowed = actor.permissions.everywhere.has(permission);
      } else if (isEnvironmentScoped(permission)) {
        const raw = (await getRawInput()) as { environmentId?: unknown } | undefined;
        const environmentId = typeof raw?.environmentId === "string" ? raw.environmentId : null;
        allowed = environmentId
          ? can(actor.permissions, permission, environmentId)
          : canSomewhere(actor.permissions, permission);
      } else {
        allowed = can(actor.permissions, permission);
      }
      if (!allowed) {
        throw new TRPCError({ code: "FORBIDDEN", message: `You do not have the ${permission} permission here.` });
      }
      return next({ ctx: { ...ctx, scope: environmentsWith(actor.permissions, permission) } });
    });
}
