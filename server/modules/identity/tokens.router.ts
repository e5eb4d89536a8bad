// API tokens over tRPC: who may, the input, then the domain (tokens.ts).
import { z } from "zod";
import { authedProcedure, createTRPCRouter, enrolledProcedure, permittedProcedure } from "../../transport/trpc/init";
import { id, name } from "../../core/refs";
import { createToken, revokeOwnToken, revokeTokenOfUser, tokensOf, tokensOfUser } from "./tokens";

export const tokensRouter = createTRPCRouter({
  /** The caller's own tokens (never the secrets). */
  list: authedProcedure.query(({ ctx }) => tokensOf(ctx.services.prisma, ctx.actor.userId)),

  /** Any user's tokens, for an administrator (never the secrets). */
  listFor: permittedProcedure("user.manage")
    .input(z.object({ userId: id }))
    .query(({ ctx, input }) => tokensOfUser(ctx.services.prisma, input.userId)),

  /** Revokes any user's token (what it opened ends within seconds): for one who holds all its owner holds. */
  revokeFor: permittedProcedure("user.manage")
    .input(z.object({ id }))
    .mutation(async ({ ctx, input }) => {
      await revokeTokenOfUser(ctx.services.prisma, ctx.actor, input.id, ctx.audit);
      return { ok: true };
    }),

  /** Returns the token once; it acts with the caller's permissions. Not before two-factor
   * enrolment where it is required: a token would be a way around it. */
  create: enrolledProcedure
    .input(z.object({ name, expiresInDays: z.number().int().min(1, "At least 1 day.").max(365, "At most 365 days.") }))
    .mutation(({ ctx, input }) => createToken(ctx.services.prisma, ctx.actor.userId, input, ctx.audit)),

  revoke: authedProcedure.input(z.object({ id })).mutation(async ({ ctx, input }) => {
    await revokeOwnToken(ctx.services.prisma, ctx.actor.userId, input.id);
    return { ok: true };
  }),
});
