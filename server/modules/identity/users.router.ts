import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { hashPassword, passwordProblem } from "../../auth/passwords";
import type { PrismaClient } from "../../generated/prisma/client";
import type { AuditNote } from "../../audit/middleware-support";
import { endCredentialsOf } from "../../auth/credentials";
import { accountKey, THROTTLE } from "../../auth/throttle";
import { AccessRuleError } from "../access/errors";
import { guardedAccessChange, lossesOfUser, type Tx } from "../access/guarded-change";
import { createTRPCRouter, permittedProcedure } from "../../trpc/init";
import type { Actor } from "../../core/context";
import { displayName, email, id, password, username } from "../../core/refs";

/**
 * Acting on a user as a whole (disable, delete, reset, revoke their tokens, even edit their
 * profile) is for one who holds everything they hold, and never leaves no Administrator:
 * the one rule of server/modules/access/guarded-change.ts.
 */
function onUser<T>(
  prisma: PrismaClient,
  actor: Actor,
  userId: string,
  apply: (tx: Tx, user: { id: string; username: string }) => Promise<T>,
  audit?: AuditNote,
): Promise<T> {
  return guardedAccessChange(prisma, actor, async (tx) => {
    const user = await tx.user.findUnique({ where: { id: userId }, select: { id: true, username: true } });
    if (!user) throw new AccessRuleError("not-found", "No such user.");
    audit?.target("user", user.id, user.username);
    return { subject: user.username, losses: await lossesOfUser(tx, userId), apply: () => apply(tx, user) };
  });
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
    const { prisma } = ctx.services;
    const users = await prisma.user.findMany({
      orderBy: { username: "asc" },
      select: { ...publicUser, memberships: { select: { leader: true, team: { select: { id: true, name: true } } } } },
    });
    // Accounts someone has been guessing at: sign-ins from new browsers wait between attempts
    // until the count is forgotten (a success, a day without attempts, or an administrator).
    const guessed = await prisma.loginThrottle.findMany({
      where: {
        key: { startsWith: "user:" },
        failures: { gte: THROTTLE.account.free },
        windowStart: { gt: new Date(Date.now() - THROTTLE.account.forgetAfterMs) },
      },
      select: { key: true, failures: true, lockedUntil: true },
    });
    const slowed = new Map(guessed.map((g) => [g.key, { failures: g.failures, until: g.lockedUntil }]));
    return users.map(({ memberships, ...u }) => ({
      ...u,
      teams: memberships.map((m) => ({ ...m.team, leader: m.leader })),
      signInSlowedDown: slowed.get(accountKey(u.username)) ?? null,
    }));
  }),

  /** Lifts the sign-in slow-down on an account (someone guessed at it; the real user is waiting). */
  unlock: permittedProcedure("user.manage")
    .input(z.object({ id }))
    .mutation(async ({ ctx, input }) => {
      await onUser(
        ctx.services.prisma,
        ctx.actor,
        input.id,
        (tx, user) => tx.loginThrottle.deleteMany({ where: { key: accountKey(user.username) } }),
        ctx.audit,
      );
      return { ok: true };
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
      if (input.disabled && input.id === ctx.actor.userId) {
        throw new TRPCError({ code: "BAD_REQUEST", message: "You cannot disable your own account." });
      }
      return onUser(
        ctx.services.prisma,
        ctx.actor,
        input.id,
        async (tx) => {
          const user = await tx.user.update({
            where: { id: input.id },
            data: {
              displayName: input.displayName === undefined ? undefined : input.displayName || null,
              email: input.email,
              disabled: input.disabled,
            },
            select: publicUser,
          });
          // A disabled account loses its sessions at once; its tokens stop working (and what
          // either opened ends) because the account is disabled.
          if (input.disabled) await tx.session.deleteMany({ where: { userId: input.id } });
          return user;
        },
        ctx.audit,
      );
    }),

  remove: permittedProcedure("user.manage")
    .input(z.object({ id }))
    .mutation(async ({ ctx, input }) => {
      if (input.id === ctx.actor.userId) {
        throw new TRPCError({ code: "BAD_REQUEST", message: "You cannot delete your own account." });
      }
      await onUser(
        ctx.services.prisma,
        ctx.actor,
        input.id,
        (tx) => tx.user.delete({ where: { id: input.id } }),
        ctx.audit,
      );
      return { ok: true };
    }),

  resetPassword: permittedProcedure("user.manage")
    .input(z.object({ id, password }))
    .mutation(async ({ ctx, input }) => {
      const { prisma } = ctx.services;
      const named = await prisma.user.findUnique({ where: { id: input.id }, select: { username: true } });
      if (!named) throw new TRPCError({ code: "NOT_FOUND", message: "No such user." });
      const problem = passwordProblem(input.password, named.username);
      if (problem) throw new TRPCError({ code: "BAD_REQUEST", message: problem });
      const passwordHash = await hashPassword(input.password);
      await onUser(
        prisma,
        ctx.actor,
        input.id,
        async (tx) => {
          await tx.user.update({
            where: { id: input.id },
            data: { passwordHash, passwordChangedAt: new Date(), mustChangePassword: true },
          });
          // A new password ends every credential the old one could have made.
          await endCredentialsOf(tx, input.id);
        },
        ctx.audit,
      );
      return { ok: true };
    }),

  /** For a user who lost their authenticator and recovery codes. */
  resetTotp: permittedProcedure("user.manage")
    .input(z.object({ id }))
    .mutation(async ({ ctx, input }) => {
      await onUser(
        ctx.services.prisma,
        ctx.actor,
        input.id,
        async (tx) => {
          await tx.user.update({
            where: { id: input.id },
            data: { totpEnabled: false, totpSecret: null, totpLastStep: null },
          });
          await tx.recoveryCode.deleteMany({ where: { userId: input.id } });
        },
        ctx.audit,
      );
      return { ok: true };
    }),
});
