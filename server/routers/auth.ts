import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { dummyHash, hashPassword, passwordProblem, verifyPassword } from "../auth/passwords";
import { presentActor } from "../auth/present";
import { isSetupDone, SETUP_KEY } from "../auth/settings";
import { clearedSessionCookie, createSession, sessionCookie } from "../auth/sessions";
import { activeLock, attemptDelayMs, clearFailures, recordFailure, throttleKeys } from "../auth/throttle";
import {
  checkTotp,
  hashRecoveryCode,
  looksLikeRecoveryCode,
  newRecoveryCodes,
  newTotpSecret,
  totpEnrolment,
} from "../auth/totp";
import { Prisma } from "../generated/prisma/client";
import { ensureBuiltinRoles } from "../rbac/permissions";
import { authedProcedure, createTRPCRouter, publicProcedure } from "../trpc/init";
import { password, username } from "./schemas";

function minutesUntil(date: Date): number {
  return Math.max(1, Math.ceil((date.getTime() - Date.now()) / 60_000));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const authRouter = createTRPCRouter({
  /** Whether the one-time setup (first administrator) is still open. */
  setupStatus: publicProcedure.query(async ({ ctx }) => {
    return { needsSetup: !(await isSetupDone(ctx.services.prisma)) };
  }),

  /** Creates the first Administrator, once. Two racing calls create exactly one. */
  setup: publicProcedure
    .input(z.object({ username, password, displayName: z.string().trim().max(128).optional() }))
    .mutation(async ({ ctx, input }) => {
      const problem = passwordProblem(input.password, input.username);
      if (problem) throw new TRPCError({ code: "BAD_REQUEST", message: problem });
      const { prisma } = ctx.services;
      await ensureBuiltinRoles(prisma);
      const passwordHash = await hashPassword(input.password);
      try {
        const user = await prisma.$transaction(async (tx) => {
          // The setting's primary key makes this the one winner of a race.
          await tx.setting.create({ data: { key: SETUP_KEY, value: true } });
          const admin = await tx.role.findUniqueOrThrow({ where: { name: "Administrator" } });
          const created = await tx.user.create({
            data: {
              username: input.username,
              displayName: input.displayName || null,
              passwordHash,
              lastLoginAt: new Date(),
            },
          });
          await tx.roleBinding.create({ data: { roleId: admin.id, userId: created.id, environmentId: null } });
          return created;
        });
        ctx.audit.actor(user.id, user.username);
        ctx.audit.target("user", user.id, user.username);
        const session = await createSession(prisma, user.id, ctx.request);
        ctx.response.setCookie(sessionCookie(session.token, session.expiresAt, ctx.request.secure));
        return { id: user.id, username: user.username };
      } catch (error) {
        if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
          throw new TRPCError({ code: "CONFLICT", message: "Setup is already done: sign in instead." });
        }
        throw error;
      }
    }),

  login: publicProcedure
    .input(
      z.object({
        username: z.string().trim().toLowerCase().min(1, "Enter your username.").max(64),
        password,
        totp: z.string().trim().max(32).optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const { prisma } = ctx.services;
      const keys = throttleKeys(input.username, ctx.request.ip);
      const lock = await activeLock(prisma, keys);
      if (lock) {
        const what = lock.key.startsWith("user:") ? "this account" : "your address";
        throw new TRPCError({
          code: "TOO_MANY_REQUESTS",
          message: `Too many failed sign-ins: ${what} is locked for ${minutesUntil(lock.until)} more minute(s).`,
        });
      }
      const delay = await attemptDelayMs(prisma, keys);
      if (delay) await sleep(delay);

      const fail = async (message: string): Promise<never> => {
        const lockedUntil = await recordFailure(prisma, keys);
        if (lockedUntil) {
          throw new TRPCError({
            code: "TOO_MANY_REQUESTS",
            message: `Too many failed sign-ins: locked for ${minutesUntil(lockedUntil)} minute(s).`,
          });
        }
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
          const step = await checkTotp(ctx.services.secrets.open(user.totpSecret!), input.totp);
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
      await clearFailures(prisma, [keys[0]!]);
      await prisma.user.update({ where: { id: user.id }, data: { lastLoginAt: new Date() } });
      const session = await createSession(prisma, user.id, ctx.request);
      ctx.response.setCookie(sessionCookie(session.token, session.expiresAt, ctx.request.secure));
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
      const user = await prisma.user.findUniqueOrThrow({ where: { id: ctx.actor.userId } });
      if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
        throw new TRPCError({ code: "BAD_REQUEST", message: "The current password is wrong." });
      }
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
      // Other sessions end; this one stays.
      await prisma.session.deleteMany({ where: { userId: user.id, NOT: { id: ctx.actor.sessionId ?? "" } } });
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
    const user = await prisma.user.findUniqueOrThrow({ where: { id: ctx.actor.userId } });
    if (!(await verifyPassword(user.passwordHash, input.password))) {
      throw new TRPCError({ code: "BAD_REQUEST", message: "The password is wrong." });
    }
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
