// Signing in and one's own credentials: first setup, sign-in with its slow-down, sessions,
// password and two-factor. Domain logic with no transport: domain errors only
// (server/core/errors.ts); the router sets the cookies the results call for.
import type { PrismaClient } from "../../generated/prisma/client";
import type { AuditNote } from "../../audit/middleware-support";
import type { SecretBox } from "../../crypto/secret-box";
import { dummyHash, hashPassword, passwordProblem, verifyPassword } from "../../auth/passwords";
import { isSetupDone } from "../../auth/settings";
import { deviceFor } from "../../auth/device";
import { endCredentialsOf } from "../../auth/credentials";
import { createSession } from "../../auth/sessions";
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
import type { RequestInfo } from "../../core/context";
import {
  BadInputError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  TooManyRequestsError,
  UnauthorizedError,
} from "../../core/errors";
import { createFirstAdministrator, setupCodeMatches } from "./first-start";

/** Counts one attempt on `key`, or refuses it unchecked while the key must wait. */
async function claimOrRefuse(prisma: PrismaClient, key: ThrottleKey, policy: ThrottlePolicy, what: string) {
  const claim = await claimAttempt(prisma, key, policy);
  if (!claim.ok) {
    throw new TooManyRequestsError(`Too many failed attempts ${what}: try again in ${timeUntil(claim.retryAt)}.`);
  }
}

/** A password check behind a session (changing it, turning off two-factor): slowed down like a
 * sign-in, so a stolen session cannot be used to guess the password quickly. */
async function checkCurrentPassword(prisma: PrismaClient, userId: string, password: string, wrong: string) {
  await claimOrRefuse(prisma, reauthKey(userId), THROTTLE.reauth, "at your password");
  const user = await prisma.user.findUniqueOrThrow({ where: { id: userId } });
  if (!(await verifyPassword(user.passwordHash, password))) throw new BadInputError(wrong);
  await forgetAttempts(prisma, [reauthKey(userId)]);
  return user;
}

export async function setupStatus(prisma: PrismaClient) {
  return { needsSetup: !(await isSetupDone(prisma)) };
}

/** Creates the first Administrator, once, for whoever has the setup code; signs them in. */
export async function setUp(
  prisma: PrismaClient,
  request: RequestInfo,
  input: { setupCode: string; username: string; password: string; displayName?: string },
  audit: AuditNote,
) {
  if (await isSetupDone(prisma)) throw new ConflictError("Setup is already done: sign in instead.");
  // Guessing a 100-bit code is hopeless, but each guess still counts against the address.
  const address = request.ip ? addressKey(request.ip) : null;
  if (address) await claimOrRefuse(prisma, address, THROTTLE.address, "from your address");
  if (!(await setupCodeMatches(prisma, input.setupCode))) {
    throw new ForbiddenError(
      "That is not the setup code. The server printed it at start, and keeps it in <data folder>/setup-code.",
    );
  }
  const user = await createFirstAdministrator(prisma, input);
  if (address) await forgetAttempts(prisma, [address]);
  audit.actor(user.id, user.username);
  audit.target("user", user.id, user.username);
  const session = await createSession(prisma, user.id, request);
  return { user, session };
}

/**
 * Signs in. Every attempt is counted before its password is checked (server/auth/throttle.ts):
 * a browser that signed in to this account before (device cookie) is counted on its own; any
 * other attempt counts against the account and the address. Too early: refused unchecked.
 */
export async function signIn(
  prisma: PrismaClient,
  secrets: SecretBox,
  request: RequestInfo,
  input: { username: string; password: string; totp?: string },
  audit: AuditNote,
) {
  const device = deviceFor(secrets, request.device, input.username);
  const charged: ThrottleKey[] = [];
  if (device) {
    await claimOrRefuse(prisma, deviceKey(device), THROTTLE.device, "from this browser");
    charged.push(deviceKey(device));
  } else {
    // The address first: an address that must wait does not also count against the account.
    if (request.ip) {
      await claimOrRefuse(prisma, addressKey(request.ip), THROTTLE.address, "from your address");
      charged.push(addressKey(request.ip));
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
    throw new UnauthorizedError(message);
  };

  const user = await prisma.user.findUnique({ where: { username: input.username } });
  if (user) audit.target("user", user.id, user.username);
  const passwordOk = await verifyPassword(user?.passwordHash ?? (await dummyHash()), input.password);
  if (!user || !passwordOk) return fail("Wrong username or password.");
  if (user.disabled) throw new ForbiddenError("This account is disabled.");

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

  audit.actor(user.id, user.username);
  await forgetAttempts(prisma, charged);
  await prisma.user.update({ where: { id: user.id }, data: { lastLoginAt: new Date() } });
  const session = await createSession(prisma, user.id, request);
  return { status: "ok" as const, user: { id: user.id, username: user.username }, session };
}

export async function endSession(prisma: PrismaClient, sessionId: string | null) {
  if (sessionId) await prisma.session.deleteMany({ where: { id: sessionId } });
}

/** Ends every session of the user; how many there were. */
export async function endSessionsOf(prisma: PrismaClient, userId: string) {
  const { count } = await prisma.session.deleteMany({ where: { userId } });
  return count;
}

export async function sessionsOf(prisma: PrismaClient, userId: string, currentSessionId: string | null) {
  const rows = await prisma.session.findMany({ where: { userId }, orderBy: { lastSeenAt: "desc" } });
  return rows.map((s) => ({
    // The row id is the token's hash; show a short handle, not the whole hash.
    id: s.id,
    current: s.id === currentSessionId,
    createdAt: s.createdAt,
    lastSeenAt: s.lastSeenAt,
    expiresAt: s.expiresAt,
    ip: s.ip,
    userAgent: s.userAgent,
  }));
}

export async function revokeOwnSession(prisma: PrismaClient, userId: string, sessionId: string) {
  const { count } = await prisma.session.deleteMany({ where: { id: sessionId, userId } });
  if (!count) throw new NotFoundError("No such session of yours.");
}

export async function changePassword(
  prisma: PrismaClient,
  actor: { userId: string; sessionId: string | null },
  input: { currentPassword: string; newPassword: string },
) {
  const user = await checkCurrentPassword(
    prisma,
    actor.userId,
    input.currentPassword,
    "The current password is wrong.",
  );
  const problem = passwordProblem(input.newPassword, user.username);
  if (problem) throw new BadInputError(problem);
  // A change that keeps the same password would clear "must change password" without a change.
  if (input.newPassword === input.currentPassword) {
    throw new BadInputError("Choose a password different from the current one.");
  }
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
  await endCredentialsOf(prisma, user.id, actor.sessionId);
}

/** Starts TOTP enrolment: a new secret (not active yet) and its QR code. */
export async function startTotp(prisma: PrismaClient, secrets: SecretBox, userId: string) {
  const user = await prisma.user.findUniqueOrThrow({ where: { id: userId } });
  if (user.totpEnabled) throw new ConflictError("Two-factor sign-in is already on; turn it off first.");
  const secret = newTotpSecret();
  await prisma.user.update({ where: { id: user.id }, data: { totpSecret: secrets.seal(secret) } });
  return { secret, ...(await totpEnrolment(secret, user.username)) };
}

/** Confirms enrolment with a code from the app; returns the recovery codes, once. */
export async function confirmTotp(prisma: PrismaClient, secrets: SecretBox, userId: string, code: string) {
  const user = await prisma.user.findUniqueOrThrow({ where: { id: userId } });
  if (user.totpEnabled) throw new ConflictError("Two-factor sign-in is already on.");
  if (!user.totpSecret) throw new BadInputError("Start the set-up first.");
  const step = await checkTotp(secrets.open(user.totpSecret), code);
  if (step === null) throw new BadInputError("That code is not right; try the current one.");
  const { codes, hashes } = newRecoveryCodes();
  await prisma.$transaction([
    prisma.user.update({ where: { id: user.id }, data: { totpEnabled: true, totpLastStep: step } }),
    prisma.recoveryCode.deleteMany({ where: { userId: user.id } }),
    prisma.recoveryCode.createMany({ data: hashes.map((hash) => ({ userId: user.id, hash })) }),
  ]);
  return { recoveryCodes: codes };
}

/** Turns two-factor off for oneself; needs the password. */
export async function disableTotp(prisma: PrismaClient, userId: string, password: string) {
  const user = await checkCurrentPassword(prisma, userId, password, "The password is wrong.");
  await prisma.$transaction([
    prisma.user.update({ where: { id: user.id }, data: { totpEnabled: false, totpSecret: null, totpLastStep: null } }),
    prisma.recoveryCode.deleteMany({ where: { userId: user.id } }),
  ]);
}
