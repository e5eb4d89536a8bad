import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { hashPassword, passwordProblem } from "../auth/passwords";
import type { PrismaClient } from "../generated/prisma/client";
import { covers, loadEffectivePermissions } from "../rbac/permissions";
import { createTRPCRouter, permittedProcedure } from "../trpc/init";
import type { Actor } from "../trpc/context";
import { displayName, email, id, password, username } from "./schemas";

/** Refuses to act on a user who holds anything the actor does not (no escalation). */
async function assertMayManage(prisma: PrismaClient, actor: Actor, userId: string) {
  const user = await prisma.user.findUnique({ where: { id: userId } });
  if (!user) throw new TRPCError({ code: "NOT_FOUND", message: "No such user." });
  if (!covers(actor.permissions, await loadEffectivePermissions(prisma, userId))) {
    throw new TRPCError({
      code: "FORBIDDEN",
      message: `${user.username} holds permissions you do not; only someone with all of them may change this account.`,
    });
  }
  return user;
}

const publicUser = {
  id: true,
  username: true,
  displayName: true,
  email: true,
  disabled: true,
  totpEnabled: true,
  createdAt: true,
  lastLoginAt: true,
} as const;

export const usersRouter = createTRPCRouter({
  list: permittedProcedure("user.manage").query(async ({ ctx }) => {
    const users = await ctx.services.prisma.user.findMany({
      orderBy: { username: "asc" },
      select: { ...publicUser, memberships: { select: { leader: true, team: { select: { id: true, name: true } } } } },
    });
    return users.map(({ memberships, ...u }) => ({
      ...u,
      teams: memberships.map((m) => ({ ...m.team, leader: m.leader })),
    }));
  }),

  create: permittedProcedure("user.manage")
    .input(z.object({ username, password, displayName, email }))
    .mutation(async ({ ctx, input }) => {
      const problem = passwordProblem(input.password, input.username);
      if (problem) throw new TRPCError({ code: "BAD_REQUEST", message: problem });
      const { prisma } = ctx.services;
      if (await prisma.user.findUnique({ where: { username: input.username } })) {
        throw new TRPCError({ code: "CONFLICT", message: `The username ${input.username} is taken.` });
      }
      const created = await prisma.user.create({
        data: {
          username: input.username,
          displayName: input.displayName || null,
          email: input.email ?? null,
          passwordHash: await hashPassword(input.password),
        },
        select: publicUser,
      });
      ctx.audit.target("user", created.id, created.username);
      return created;
    }),

  update: permittedProcedure("user.manage")
    .input(z.object({ id, displayName, email, disabled: z.boolean().optional() }))
    .mutation(async ({ ctx, input }) => {
      const { prisma } = ctx.services;
      await assertMayManage(prisma, ctx.actor, input.id);
      if (input.disabled && input.id === ctx.actor.userId) {
        throw new TRPCError({ code: "BAD_REQUEST", message: "You cannot disable your own account." });
      }
      const user = await prisma.user.update({
        where: { id: input.id },
        data: {
          displayName: input.displayName === undefined ? undefined : input.displayName || null,
          email: input.email,
          disabled: input.disabled,
        },
        select: publicUser,
      });
      // A disabled account loses its sessions at once (tokens stop at the next call).
      if (input.disabled) await prisma.session.deleteMany({ where: { userId: input.id } });
      return user;
    }),

  remove: permittedProcedure("user.manage")
    .input(z.object({ id }))
    .mutation(async ({ ctx, input }) => {
      const { prisma } = ctx.services;
      if (input.id === ctx.actor.userId) {
        throw new TRPCError({ code: "BAD_REQUEST", message: "You cannot delete your own account." });
      }
      await assertMayManage(prisma, ctx.actor, input.id);
      await prisma.user.delete({ where: { id: input.id } });
      return { ok: true };
    }),

  resetPassword: permittedProcedure("user.manage")
    .input(z.object({ id, password }))
    .mutation(async ({ ctx, input }) => {
      const { prisma } = ctx.services;
      const user = await assertMayManage(prisma, ctx.actor, input.id);
      const problem = passwordProblem(input.password, user.username);
      if (problem) throw new TRPCError({ code: "BAD_REQUEST", message: problem });
      await prisma.$transaction([
        prisma.user.update({
          where: { id: input.id },
          data: {
            passwordHash: await hashPassword(input.password),
            passwordChangedAt: new Date(),
            mustChangePassword: true,
          },
        }),
        prisma.session.deleteMany({ where: { userId: input.id } }),
      ]);
      return { ok: true };
    }),

  /** For a user who lost their authenticator and recovery codes. */
  resetTotp: permittedProcedure("user.manage")
    .input(z.object({ id }))
    .mutation(async ({ ctx, input }) => {
      const { prisma } = ctx.services;
      await assertMayManage(prisma, ctx.actor, input.id);
      await prisma.$transaction([
        prisma.user.update({
          where: { id: input.id },
          data: { totpEnabled: false, totpSecret: null, totpLastStep: null },
        }),
        prisma.recoveryCode.deleteMany({ where: { userId: input.id } }),
      ]);
      return { ok: true };
    }),
});
