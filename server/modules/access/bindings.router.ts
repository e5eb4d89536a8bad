// Role bindings over tRPC: the permission, the input, then the domain (bindings.ts).
import { z } from "zod";
import { createTRPCRouter, permittedProcedure } from "../../transport/trpc/init";
import { id } from "../../core/refs";
import { createBinding, listBindings, removeBinding } from "./bindings";

export const bindingsRouter = createTRPCRouter({
  list: permittedProcedure("role.manage")
    .input(z.object({ environmentId: id.nullable().optional() }).optional())
    .query(({ ctx, input }) => listBindings(ctx.services.prisma, input?.environmentId)),

  /** Gives a user or a team a role on every environment (environmentId null) or on one. */
  create: permittedProcedure("role.manage")
    .input(
      z
        .object({ roleId: id, userId: id.optional(), teamId: id.optional(), environmentId: id.nullable() })
        .refine((b) => Boolean(b.userId) !== Boolean(b.teamId), {
          message: "Give the role to a user or to a team (one of them).",
        }),
    )
    .mutation(({ ctx, input }) => createBinding(ctx.services.prisma, ctx.actor, input, ctx.audit)),

  remove: permittedProcedure("role.manage")
    .input(z.object({ id }))
    .mutation(async ({ ctx, input }) => {
      await removeBinding(ctx.services.prisma, ctx.actor, input.id, ctx.audit);
      return { ok: true };
    }),
});
