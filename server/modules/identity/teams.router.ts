import { TRPCError } from "@trpc/server";
import { z } from "zod";
import type { PrismaClient } from "../../generated/prisma/client";
import { Prisma } from "../../generated/prisma/client";
import { AccessRuleError } from "../access/errors";
import { guardedAccessChange, lossesOfTeam } from "../access/guarded-change";
import { missingForGrant } from "../../rbac/permissions";
import type { Actor } from "../../core/context";
import { createTRPCRouter, permittedProcedure } from "../../trpc/init";
import { id, name } from "../../core/refs";

/** Putting someone in a team hands them the team's bindings: only if the actor could grant them. */
async function assertMayGrantTeam(prisma: PrismaClient, actor: Actor, teamId: string) {
  const team = await prisma.team.findUnique({
    where: { id: teamId },
    include: { bindings: { include: { role: true } } },
  });
  if (!team) throw new TRPCError({ code: "NOT_FOUND", message: "No such team." });
  for (const binding of team.bindings) {
    const missing = missingForGrant(actor.permissions, binding.role.permissions, binding.environmentId);
    if (missing.length) {
      throw new TRPCError({
        code: "FORBIDDEN",
        message: `Team ${team.name} grants ${missing.join(", ")}, which you do not hold there; you cannot add members to it.`,
      });
    }
  }
  return team;
}

export const teamsRouter = createTRPCRouter({
  list: permittedProcedure("user.manage").query(async ({ ctx }) => {
    const teams = await ctx.services.prisma.team.findMany({
      orderBy: { name: "asc" },
      include: {
        members: { include: { user: { select: { id: true, username: true, displayName: true } } } },
        bindings: {
          include: { role: { select: { id: true, name: true } }, environment: { select: { id: true, name: true } } },
        },
      },
    });
    return teams.map((t) => ({
      id: t.id,
      name: t.name,
      description: t.description,
      createdAt: t.createdAt,
      members: t.members.map((m) => ({ ...m.user, leader: m.leader })),
      bindings: t.bindings.map((b) => ({ id: b.id, role: b.role, environment: b.environment })),
    }));
  }),

  create: permittedProcedure("user.manage")
    .input(z.object({ name, description: z.string().trim().max(256).optional() }))
    .mutation(async ({ ctx, input }) => {
      try {
        return await ctx.services.prisma.team.create({
          data: { name: input.name, description: input.description || null },
        });
      } catch (error) {
        if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
          throw new TRPCError({ code: "CONFLICT", message: `A team named ${input.name} exists already.` });
        }
        throw error;
      }
    }),

  update: permittedProcedure("user.manage")
    .input(z.object({ id, name: name.optional(), description: z.string().trim().max(256).optional() }))
    .mutation(async ({ ctx, input }) => {
      const { prisma } = ctx.services;
      if (!(await prisma.team.findUnique({ where: { id: input.id } }))) {
        throw new TRPCError({ code: "NOT_FOUND", message: "No such team." });
      }
      return prisma.team.update({
        where: { id: input.id },
        data: { name: input.name, description: input.description },
      });
    }),

  /** Its members lose what the team grants: only for one who holds all of it, and never the last Administrator. */
  remove: permittedProcedure("user.manage")
    .input(z.object({ id }))
    .mutation(async ({ ctx, input }) => {
      await guardedAccessChange(ctx.services.prisma, ctx.actor, async (tx) => {
        const team = await tx.team.findUnique({ where: { id: input.id } });
        if (!team) throw new AccessRuleError("not-found", "No such team.");
        ctx.audit.target("team", team.id, team.name);
        return {
          subject: `Team ${team.name}`,
          losses: await lossesOfTeam(tx, team.id),
          apply: () => tx.team.delete({ where: { id: team.id } }),
        };
      });
      return { ok: true };
    }),

  addMember: permittedProcedure("user.manage")
    .input(z.object({ teamId: id, userId: id, leader: z.boolean().default(false) }))
    .mutation(async ({ ctx, input }) => {
      const { prisma } = ctx.services;
      await assertMayGrantTeam(prisma, ctx.actor, input.teamId);
      if (!(await prisma.user.findUnique({ where: { id: input.userId } }))) {
        throw new TRPCError({ code: "NOT_FOUND", message: "No such user." });
      }
      await prisma.teamMember.upsert({
        where: { teamId_userId: { teamId: input.teamId, userId: input.userId } },
        create: { teamId: input.teamId, userId: input.userId, leader: input.leader },
        update: { leader: input.leader },
      });
      return { ok: true };
    }),

  /** The member loses what the team grants: the same rule as removing a binding. */
  removeMember: permittedProcedure("user.manage")
    .input(z.object({ teamId: id, userId: id }))
    .mutation(async ({ ctx, input }) => {
      await guardedAccessChange(ctx.services.prisma, ctx.actor, async (tx) => {
        const member = await tx.teamMember.findUnique({
          where: { teamId_userId: { teamId: input.teamId, userId: input.userId } },
          include: { team: { select: { name: true } }, user: { select: { username: true } } },
        });
        if (!member) throw new AccessRuleError("not-found", "That user is not in that team.");
        ctx.audit.target("team", input.teamId, member.team.name);
        return {
          subject: `Team ${member.team.name} (for ${member.user.username})`,
          losses: await lossesOfTeam(tx, input.teamId),
          apply: () =>
            tx.teamMember.delete({ where: { teamId_userId: { teamId: input.teamId, userId: input.userId } } }),
        };
      });
      return { ok: true };
    }),
});
