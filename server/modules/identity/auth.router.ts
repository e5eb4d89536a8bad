import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { dummyHash, hashPassword, passwordProblem, verifyPassword } from "../../auth/passwords";
import { presentActor } from "../../auth/present";
import { isSetupDone } from "../../auth/settings";
import { deviceCookie, deviceFor } from "../../auth/device";
import { endCredentialsOf } from "../../auth/credentials";
import { clearedSessionCookie, createSession, sessionCookie } from "../../auth/sessions";
import {
  accountKey,
  addressKey,
  claimAttempt,
  deviceKey,
  forgetAttempts,
  reauthKey,
  THROTTLE,
  timeUntil,
  type ThrottleKey,
  type ThrottlePolicy,
} from "../../auth/throttle";
import {
  checkTotp,
  hashRecoveryCode,
  looksLikeRecoveryCode,
  newRecoveryCodes,
  newTotpSecret,
  totpEnrolment,
} from "../../auth/totp";
import type { PrismaClient } from "../../generated/prisma/client";
import { createFirstAdministrator, setupCodeMatches } from "./first-start";
import { authedProcedure, createTRPCRouter, publicProcedure } from "../../trpc/init";
import { password, username } from "../../core/refs";

/** Counts one attempt on `key`, or refuses it unchecked while the key must wait. */
async function claimOrRefuse(prisma: PrismaClient, key: ThrottleKey, policy: ThrottlePolicy, what: string) {
  const claim = await claimAttempt(prisma, key, policy);
  if (!claim.ok) {
    throw new TRPCError({
      code: "TOO_MANY_REQUESTS",
      message: `Too many failed attempts ${what}: try again in ${timeUntil(claim.retryAt)}.`,
    });
  }
}

/** A password check behind a session (changing it, turning off two-factor): slowed down like a
 * sign-in, so a stolen session cannot be used to guess the password quickly. */
async function checkCurrentPassword(prisma: PrismaClient, userId: string, password: string, wrong: string) {
  await claimOrRefuse(prisma, reauthKey(userId), THROTTLE.reauth, "at your password");
  const user = await prisma.user.findUniqueOrThrow({ where: { id: userId } });
  if (!(await verifyPassword(user.passwordHash, password))) {
    throw new TRPCError({ code: "BAD_REQUEST", message: wrong });
  }
  await forgetAttempts(prisma, [reauthKey(userId)]);
  return user;
}

export const authRouter = createTRPCRouter({
  /** Whether the one-time setup (first administrator) is still open. */
  setupStatus: publicProcedure.query(async ({ ctx }) => {
    return { needsSetup: !(await isSetupDone(ctx.services.prisma)) };
  }),

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
      const { prisma } = ctx.services;
      if (await isSetupDone(prisma)) {
        throw new TRPCError({ code: "CONFLICT", message: "Setup is already done: sign in instead." });
      }
      // Guessing a 100-bit code is hopeless, but each guess still counts against the address.
      const address = ctx.request.ip ? addressKey(ctx.request.ip) : null;
      if (address) await claimOrRefuse(prisma, address, THROTTLE.address, "from your address");
      if (!(await setupCodeMatches(prisma, input.setupCode))) {
        throw new TRPCError({
          code: "FORBIDDEN",
          message:
            "That is not the setup code. The server printed it at start, and keeps it in <data folder>/setup-code.",
        });
      }
      const user = await createFirstAdministrator(prisma, input);
      if (address) await forgetAttempts(prisma, [address]);
      ctx.audit.actor(user.id, user.username);
      ctx.audit.target("user", user.id, user.username);
      const session = await createSession(prisma, user.id, ctx.request);
      ctx.response.setCookie(sessionCookie(session.token, session.expiresAt, ctx.request.secure));
      ctx.response.setCookie(deviceCookie(ctx.services.secrets, user.username, ctx.request.secure));
      return { id: user.id, username: user.username };
    }),

  /**
   * Signs in. Every attempt is counted before its password is checked (server/auth/throttle.ts):
   * a browser that signed in to this account before (device cookie) is counted on its own; any
   * other attempt counts against the account and the address. Too early: refused unchecked.
   */
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
      const device = deviceFor(secrets, ctx.request.device, input.username);
      const charged: ThrottleKey[] = [];
      if (device) {
        await claimOrRefuse(prisma, deviceKey(device), THROTTLE.device, "from this browser");
        charged.push(deviceKey(device));
      } else {
        // The address first: an address that must wait does not also count against the account.
        if (ctx.request.ip) {
          await claimOrRefuse(prisma, addressKey(ctx.request.ip), THROTTLE.address, "from your address");
          charged.push(addressKey(ctx.request.ip));
        }
        await claimOrRefuse(
          prisma,
          accountKey(input.username),
          THROTTLE.account,
          "for this account from browsers that have not signed in to it before",
        );
        charged.push(accountKey(input.username));
      }
      const fail = (message: string): never => {
        throw new TRPCError({ code: "UNAUTHORIZED", message });
      };

      const user = await prisma.user.findUnique({ where: { username: input.username } });
      if (user) ctx.audit.target("user", user.id, user.username);
      const passwordOk = await verifyPassword(user?.passwordHash ?? (await dummyHash()), input.password);
      if (!user || !passwordOk) return fail("Wrong username or password.");
      if (user.disabled) throw new TRPCError({ code: "FORBIDDEN", message: "This account is disabled." });

      if (user.totpEnabled) {
        if (!input.totp) return { status: "totp_required" as const };
        if (looksLikeRecoveryCode(input.totp)) {
          const used = await prisma.recoveryCode.updateMany({
            where: { userId: user.id, hash: hashRecoveryCode(input.totp), usedAt: null },
            data: { usedAt: new Date() },
          });
          if (used.count !== 1) return fail("Wrong or already used recovery code.");
        } else {
          const step = await checkTotp(secrets.open(user.totpSecret!), input.totp);
          if (step === null) return fail("Wrong two-factor code.");
          // A code is good once: refuse a replay of this step or an older one.
          const claimed = await prisma.user.updateMany({
            where: { id: user.id, OR: [{ totpLastStep: null }, { totpLastStep: { lt: step } }] },
            data: { totpLastStep: step },
          });
          if (claimed.count !== 1) return fail("That two-factor code was already used; wait for the next one.");
        }
      }

      ctx.audit.actor(user.id, user.username);
      await forgetAttempts(prisma, charged);
      await prisma.user.update({ where: { id: user.id }, data: { lastLoginAt: new Date() } });
      const session = await createSession(prisma, user.id, ctx.request);
      ctx.response.setCookie(sessionCookie(session.token, session.expiresAt, ctx.request.secure));
      // From now on this browser's attempts on this account are its own (see server/auth/device.ts).
      ctx.response.setCookie(deviceCookie(secrets, user.username, ctx.request.secure));
      return { status: "ok" as const, user: { id: user.id, username: user.username } };
    }),

  logout: authedProcedure.mutation(async ({ ctx }) => {
    if (ctx.actor.sessionId) await ctx.services.prisma.session.deleteMany({ where: { id: ctx.actor.sessionId } });
    ctx.response.setCookie(clearedSessionCookie(ctx.request.secure));
    return { ok: true };
  }),

  /** Ends every session of the caller, this one included. */
  logoutEverywhere: authedProcedure.mutation(async ({ ctx }) => {
    const { count } = await ctx.services.prisma.session.deleteMany({ where: { userId: ctx.actor.userId } });
    ctx.response.setCookie(clearedSessionCookie(ctx.request.secure));
    return { ended: count };
  }),

  /** The signed-in user and what they may do, or null. */
  me: publicProcedure.query(({ ctx }) => (ctx.actor ? presentActor(ctx.actor) : null)),

  sessions: authedProcedure.query(async ({ ctx }) => {
    const rows = await ctx.services.prisma.session.findMany({
      where: { userId: ctx.actor.userId },
      orderBy: { lastSeenAt: "desc" },
    });
    return rows.map((s) => ({
      // The row id is the token's hash; show a short handle, not the whole hash.
      id: s.id,
      current: s.id === ctx.actor.sessionId,
      createdAt: s.createdAt,
      lastSeenAt: s.lastSeenAt,
      expiresAt: s.expiresAt,
      ip: s.ip,
      userAgent: s.userAgent,
    }));
  }),

  revokeSession: authedProcedure
    .input(z.object({ id: z.string().min(1).max(128) }))
    .mutation(async ({ ctx, input }) => {
      const { count } = await ctx.services.prisma.session.deleteMany({
        where: { id: input.id, userId: ctx.actor.userId },
      });
      if (!count) throw new TRPCError({ code: "NOT_FOUND", message: "No such session of yours." });
      return { ok: true };
    }),

  changePassword: authedProcedure
    .input(z.object({ currentPassword: password, newPassword: password }))
    .mutation(async ({ ctx, input }) => {
      const { prisma } = ctx.services;
      const user = await checkCurrentPassword(
        prisma,
        ctx.actor.userId,
        input.currentPassword,
        "The current password is wrong.",
      );
      const problem = passwordProblem(input.newPassword, user.username);
      if (problem) throw new TRPCError({ code: "BAD_REQUEST", message: problem });
      await prisma.user.update({
        where: { id: user.id },
        data: {
          passwordHash: await hashPassword(input.newPassword),
          passwordChangedAt: new Date(),
          mustChangePassword: false,
        },
      });
      // Other sessions end, and every API token: the old password could have made any of them.
      // This session stays (it just proved the password).
      await endCredentialsOf(prisma, user.id, ctx.actor.sessionId);
      return { ok: true };
    }),

  /** Starts TOTP enrolment: a new secret (not active yet) and its QR code. */
  totpStart: authedProcedure.mutation(async ({ ctx }) => {
    const { prisma, secrets } = ctx.services;
    const user = await prisma.user.findUniqueOrThrow({ where: { id: ctx.actor.userId } });
    if (user.totpEnabled) {
      throw new TRPCError({ code: "CONFLICT", message: "Two-factor sign-in is already on; turn it off first." });
    }
    const secret = newTotpSecret();
    await prisma.user.update({ where: { id: user.id }, data: { totpSecret: secrets.seal(secret) } });
    return { secret, ...(await totpEnrolment(secret, user.username)) };
  }),

  /** Confirms enrolment with a code from the app; returns the recovery codes, once. */
  totpConfirm: authedProcedure.input(z.object({ code: z.string().trim() })).mutation(async ({ ctx, input }) => {
    const { prisma, secrets } = ctx.services;
    const user = await prisma.user.findUniqueOrThrow({ where: { id: ctx.actor.userId } });
    if (user.totpEnabled) throw new TRPCError({ code: "CONFLICT", message: "Two-factor sign-in is already on." });
    if (!user.totpSecret) throw new TRPCError({ code: "BAD_REQUEST", message: "Start the set-up first." });
    const step = await checkTotp(secrets.open(user.totpSecret), input.code);
    if (step === null)
      throw new TRPCError({ code: "BAD_REQUEST", message: "That code is not right; try the current one." });
    const { codes, hashes } = newRecoveryCodes();
    await prisma.$transaction([
      prisma.user.update({ where: { id: user.id }, data: { totpEnabled: true, totpLastStep: step } }),
      prisma.recoveryCode.deleteMany({ where: { userId: user.id } }),
      prisma.recoveryCode.createMany({ data: hashes.map((hash) => ({ userId: user.id, hash })) }),
    ]);
    return { recoveryCodes: codes };
  }),

  /** Turns two-factor off for oneself; needs the password. */
  totpDisable: authedProcedure.input(z.object({ password })).mutation(async ({ ctx, input }) => {
    const { prisma } = ctx.services;
    const user = await checkCurrentPassword(prisma, ctx.actor.userId, input.password, "The password is wrong.");
    await prisma.$transaction([
      prisma.user.update({
        where: { id: user.id },
        data: { totpEnabled: false, totpSecret: null, totpLastStep: null },
      }),
      prisma.recoveryCode.deleteMany({ where: { userId: user.id } }),
    ]);
    return { ok: true };
  }),
});
