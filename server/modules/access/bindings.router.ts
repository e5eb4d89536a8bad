import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { AccessRuleError } from "./errors";
import { guardedAccessChange } from "./guarded-change";
import { missingForGrant } from "../../rbac/permissions";
import { createTRPCRouter, permittedProcedure } from "../../trpc/init";
import { id } from "../../core/refs";

export const bindingsRouter = createTRPCRouter({
  list: permittedProcedure("role.manage")
    .input(z.object({ environmentId: id.nullable().optional() }).optional())
    .query(({ ctx, input }) =>
      ctx.services.prisma.roleBinding.findMany({
        where: input?.environmentId === undefined ? {} : { environmentId: input.environmentId },
        orderBy: { createdAt: "asc" },
        include: {
          role: { select: { id: true, name: true } },
          user: { select: { id: true, username: true } },
          team: { select: { id: true, name: true } },
          environment: { select: { id: true, name: true } },
        },
      }),
    ),

  /** Gives a user or a team a role on every environment (environmentId null) or on one. */
  create: permittedProcedure("role.manage")
    .input(
      z
        .object({ roleId: id, userId: id.optional(), teamId: id.optional(), environmentId: id.nullable() })
        .refine((b) => Boolean(b.userId) !== Boolean(b.teamId), {
          message: "Give the role to a user or to a team (one of them).",
        }),
    )
    .mutation(async ({ ctx, input }) => {
      const { prisma } = ctx.services;
      const role = await prisma.role.findUnique({ where: { id: input.roleId } });
      if (!role) throw new TRPCError({ code: "NOT_FOUND", message: "No such role." });
      const missing = missingForGrant(ctx.actor.permissions, role.permissions, input.environmentId);
      if (missing.length) {
        throw new TRPCError({
          code: "FORBIDDEN",
          message: `You cannot grant ${role.name} there: it includes ${missing.join(", ")}, which you do not hold there.`,
        });
      }
      if (input.environmentId && !(await prisma.environment.findUnique({ where: { id: input.environmentId } }))) {
        throw new TRPCError({ code: "NOT_FOUND", message: "No such environment." });
      }
      if (input.userId && !(await prisma.user.findUnique({ where: { id: input.userId } }))) {
        throw new TRPCError({ code: "NOT_FOUND", message: "No such user." });
      }
      if (input.teamId && !(await prisma.team.findUnique({ where: { id: input.teamId } }))) {
        throw new TRPCError({ code: "NOT_FOUND", message: "No such team." });
      }
      const binding = await prisma.roleBinding.create({
        data: {
          roleId: input.roleId,
          userId: input.userId ?? null,
          teamId: input.teamId ?? null,
          environmentId: input.environmentId,
        },
      });
      ctx.audit.target("binding", binding.id, role.name);
      return binding;
    }),

  remove: permittedProcedure("role.manage")
    .input(z.object({ id }))
    .mutation(async ({ ctx, input }) => {
      // Revoking is only allowed for what one could grant, and never the last Administrator.
      await guardedAccessChange(ctx.services.prisma, ctx.actor, async (tx) => {
        const binding = await tx.roleBinding.findUnique({
          where: { id: input.id },
          include: { role: true, user: { select: { username: true } }, team: { select: { name: true } } },
        });
        if (!binding) throw new AccessRuleError("not-found", "No such binding.");
        ctx.audit.target("binding", binding.id, binding.role.name);
        const holder = binding.user ? binding.user.username : `Team ${binding.team?.name ?? "?"}`;
        return {
          subject: `This binding (${binding.role.name} for ${holder})`,
          losses: [{ permissions: binding.role.permissions, environmentId: binding.environmentId }],
          apply: () => tx.roleBinding.delete({ where: { id: input.id } }),
        };
      });
      return { ok: true };
    }),
});
