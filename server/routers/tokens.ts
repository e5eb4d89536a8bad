import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { createApiToken } from "../auth/api-tokens";
import { Prisma } from "../generated/prisma/client";
import { authedProcedure, createTRPCRouter } from "../trpc/init";
import { id, name } from "./schemas";

export const tokensRouter = createTRPCRouter({
  /** The caller's own tokens (never the secrets). */
  list: authedProcedure.query(({ ctx }) =>
    ctx.services.prisma.apiToken.findMany({
      where: { userId: ctx.actor.userId },
      orderBy: { createdAt: "desc" },
      select: {
        id: true,
        name: true,
        prefix: true,
        createdAt: true,
        expiresAt: true,
        lastUsedAt: true,
        revokedAt: true,
      },
    }),
  ),

  /** Returns the token once; it acts with the caller's permissions. */
  create: authedProcedure
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
