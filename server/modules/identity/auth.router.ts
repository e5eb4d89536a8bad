// Signing in and one's own credentials over tRPC: the input, the domain (auth.ts), then the
// cookies its results call for.
import { z } from "zod";
import { presentActor } from "../../auth/present";
import { deviceCookie } from "../../auth/device";
import { clearedSessionCookie, sessionCookie } from "../../auth/sessions";
import { authedProcedure, createTRPCRouter, passwordDueProcedure, publicProcedure } from "../../transport/trpc/init";
import { password, username } from "../../core/refs";
import {
  changePassword,
  confirmTotp,
  disableTotp,
  endSession,
  endSessionsOf,
  revokeOwnSession,
  sessionsOf,
  setupStatus,
  setUp,
  signIn,
  startTotp,
} from "./auth";

export const authRouter = createTRPCRouter({
  /** Whether the one-time setup (first administrator) is still open. */
  setupStatus: publicProcedure.query(({ ctx }) => setupStatus(ctx.services.prisma)),

  /** Creates the first Administrator, once, for whoever has the setup code the server printed
   * at start (also in <data folder>/setup-code). Two racing calls create exactly one. */
  setup: publicProcedure
    .input(
      z.object({
        setupCode: z.string().trim().min(1, "Enter the setup code the server printed at start.").max(64),
        username,
        password,
        displayName: z.string().trim().max(128).optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const { user, session } = await setUp(ctx.services.prisma, ctx.request, input, ctx.audit);
      ctx.response.setCookie(sessionCookie(session.token, session.expiresAt, ctx.request.secure));
      ctx.response.setCookie(deviceCookie(ctx.services.secrets, user.username, ctx.request.secure));
      return { id: user.id, username: user.username };
    }),

  /** Signs in (every attempt counted first: server/modules/identity/auth.ts). */
  login: publicProcedure
    .input(
      z.object({
        username: z.string().trim().toLowerCase().min(1, "Enter your username.").max(64),
        password,
        totp: z.string().trim().max(32).optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const { prisma, secrets } = ctx.services;
      const outcome = await signIn(prisma, secrets, ctx.request, input, ctx.audit);
      if (outcome.status !== "ok") return outcome;
      const { session, user } = outcome;
      ctx.response.setCookie(sessionCookie(session.token, session.expiresAt, ctx.request.secure));
      // From now on this browser's attempts on this account are its own (see server/auth/device.ts).
      ctx.response.setCookie(deviceCookie(secrets, user.username, ctx.request.secure));
      return { status: "ok" as const, user };
    }),

  logout: passwordDueProcedure.mutation(async ({ ctx }) => {
    await endSession(ctx.services.prisma, ctx.actor.sessionId);
    ctx.response.setCookie(clearedSessionCookie(ctx.request.secure));
    return { ok: true };
  }),

  /** Ends every session of the caller, this one included. */
  logoutEverywhere: passwordDueProcedure.mutation(async ({ ctx }) => {
    const ended = await endSessionsOf(ctx.services.prisma, ctx.actor.userId);
    ctx.response.setCookie(clearedSessionCookie(ctx.request.secure));
    return { ended };
  }),

  /** The signed-in user and what they may do, or null. */
  me: publicProcedure.query(({ ctx }) => (ctx.actor ? presentActor(ctx.actor) : null)),

  sessions: authedProcedure.query(({ ctx }) => sessionsOf(ctx.services.prisma, ctx.actor.userId, ctx.actor.sessionId)),

  revokeSession: authedProcedure
    .input(z.object({ id: z.string().min(1).max(128) }))
    .mutation(async ({ ctx, input }) => {
      await revokeOwnSession(ctx.services.prisma, ctx.actor.userId, input.id);
      return { ok: true };
    }),

  /** Allowed while an administrator's "choose a new password" is due: it is how that ends. */
  changePassword: passwordDueProcedure
    .input(z.object({ currentPassword: password, newPassword: password }))
    .mutation(async ({ ctx, input }) => {
      await changePassword(ctx.services.prisma, ctx.actor, input);
      return { ok: true };
    }),

  /** Starts TOTP enrolment: a new secret (not active yet) and its QR code. */
  totpStart: authedProcedure.mutation(({ ctx }) =>
    startTotp(ctx.services.prisma, ctx.services.secrets, ctx.actor.userId),
  ),

  /** Confirms enrolment with a code from the app; returns the recovery codes, once. */
  totpConfirm: authedProcedure
    .input(z.object({ code: z.string().trim() }))
    .mutation(({ ctx, input }) => confirmTotp(ctx.services.prisma, ctx.services.secrets, ctx.actor.userId, input.code)),

  /** Turns two-factor off for oneself; needs the password. */
  totpDisable: authedProcedure.input(z.object({ password })).mutation(async ({ ctx, input }) => {
    await disableTotp(ctx.services.prisma, ctx.actor.userId, input.password);
    return { ok: true };
  }),
});
