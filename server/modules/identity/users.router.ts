// Users over tRPC: the permission, the input, then the domain (users.ts).
import { z } from "zod";
import { createTRPCRouter, permittedProcedure } from "../../transport/trpc/init";
import { displayName, email, id, password, username } from "../../core/refs";
import { createUser, listUsers, removeUser, resetPassword, resetTotp, unlockUser, updateUser } from "./users";

export const usersRouter = createTRPCRouter({
  list: permittedProcedure("user.manage").query(({ ctx }) => listUsers(ctx.services.prisma)),

  /** Lifts the sign-in slow-down on an account (someone guessed at it; the real user is waiting). */
  unlock: permittedProcedure("user.manage")
    .input(z.object({ id }))
    .mutation(async ({ ctx, input }) => {
      await unlockUser(ctx.services.prisma, ctx.actor, input.id, ctx.audit);
      return { ok: true };
    }),

  create: permittedProcedure("user.manage")
    // mustChangePassword: the user chooses a new password at first sign-in before anything else.
    .input(z.object({ username, password, displayName, email, mustChangePassword: z.boolean().optional() }))
    .mutation(({ ctx, input }) => createUser(ctx.services.prisma, input, ctx.audit)),

  update: permittedProcedure("user.manage")
    .input(z.object({ id, displayName, email, disabled: z.boolean().optional() }))
    .mutation(({ ctx, input }) => updateUser(ctx.services.prisma, ctx.actor, input, ctx.audit)),

  remove: permittedProcedure("user.manage")
    .input(z.object({ id }))
    .mutation(async ({ ctx, input }) => {
      await removeUser(ctx.services.prisma, ctx.actor, input.id, ctx.audit);
      return { ok: true };
    }),

  resetPassword: permittedProcedure("user.manage")
    // Asks for a new password at the next sign-in unless mustChangePassword is false.
    .input(z.object({ id, password, mustChangePassword: z.boolean().default(true) }))
    .mutation(async ({ ctx, input }) => {
      await resetPassword(ctx.services.prisma, ctx.actor, input, ctx.audit);
      return { ok: true };
    }),

  /** For a user who lost their authenticator and recovery codes. */
  resetTotp: permittedProcedure("user.manage")
    .input(z.object({ id }))
    .mutation(async ({ ctx, input }) => {
      await resetTotp(ctx.services.prisma, ctx.actor, input.id, ctx.audit);
      return { ok: true };
    }),
});
