import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { createApiToken } from "../../auth/api-tokens";
import { Prisma } from "../../generated/prisma/client";
import { guardedAccessChange, lossesOfUser } from "../access/guarded-change";
import { AccessRuleError } from "../access/errors";
import { authedProcedure, createTRPCRouter, enrolledProcedure, permittedProcedure } from "../../trpc/init";
import { id, name } from "../../core/refs";

const listed = {
  id: true,
  name: true,
  prefix: true,
  createdAt: true,
  expiresAt: true,
  lastUsedAt: true,
  revokedAt: true,
} as const;

export const tokensRouter = createTRPCRouter({
  /** The caller's own tokens (never the secrets). */
  list: authedProcedure.query(({ ctx }) =>
    ctx.services.prisma.apiToken.findMany({
      where: { userId: ctx.actor.userId },
      orderBy: { createdAt: "desc" },
      select: listed,
    }),
  ),

  /** Any user's tokens, for an administrator (never the secrets). */
  listFor: permittedProcedure("user.manage")
    .input(z.object({ userId: id }))
    .query(async ({ ctx, input }) => {
      const { prisma } = ctx.services;
      if (!(await prisma.user.findUnique({ where: { id: input.userId }, select: { id: true } }))) {
        throw new TRPCError({ code: "NOT_FOUND", message: "No such user." });
      }
      return prisma.apiToken.findMany({
        where: { userId: input.userId },
        orderBy: { createdAt: "desc" },
        select: listed,
      });
    }),

  /** Revokes any user's token (what it opened ends within seconds): for one who holds all its owner holds. */
  revokeFor: permittedProcedure("user.manage")
    .input(z.object({ id }))
    .mutation(async ({ ctx, input }) => {
      await guardedAccessChange(ctx.services.prisma, ctx.actor, async (tx) => {
        const token = await tx.apiToken.findUnique({
          where: { id: input.id },
          select: { id: true, name: true, revokedAt: true, user: { select: { id: true, username: true } } },
        });
        if (!token || token.revokedAt) throw new AccessRuleError("not-found", "No such active token.");
        ctx.audit.target("token", token.id, `${token.user.username}/${token.name}`);
        return {
          subject: token.user.username,
          losses: await lossesOfUser(tx, token.user.id),
          apply: () => tx.apiToken.update({ where: { id: token.id }, data: { revokedAt: new Date() } }),
        };
      });
      return { ok: true };
    }),

  /** Returns the token once; it acts with the caller's permissions. Not before two-factor
   * enrolment where it is required: a token would be a way around it. */
  create: enrolledProcedure
    .input(z.object({ name, expiresInDays: z.number().int().min(1, "At least 1 day.").max(365, "At most 365 days.") }))
    .mutation(async ({ ctx, input }) => {
      try {
        const { token, row } = await createApiToken(
          ctx.services.prisma,
          ctx.actor.userId,
          input.name,
          input.expiresInDays,
        );
        ctx.audit.target("token", row.id, row.name);
        return { token, id: row.id, name: row.name, expiresAt: row.expiresAt };
      } catch (error) {
        if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
          throw new TRPCError({ code: "CONFLICT", message: `You already have a token named ${input.name}.` });
        }
        throw error;
      }
    }),

  revoke: authedProcedure.input(z.object({ id })).mutation(async ({ ctx, input }) => {
    const { count } = await ctx.services.prisma.apiToken.updateMany({
      where: { id: input.id, userId: ctx.actor.userId, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    if (!count) throw new TRPCError({ code: "NOT_FOUND", message: "No such active token of yours." });
    return { ok: true };
  }),
});
