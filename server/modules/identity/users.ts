// Users: accounts, their profile, password and two-factor resets, the sign-in slow-down.
// Domain logic with no transport: domain errors only (server/core/errors.ts).
import type { PrismaClient } from "../../generated/prisma/client";
import type { AuditNote } from "../../audit/middleware-support";
import { hashPassword, passwordProblem } from "../../auth/passwords";
import { endCredentialsOf } from "../../auth/credentials";
import { accountKey, THROTTLE } from "../../auth/throttle";
import type { Actor } from "../../core/context";
import { BadInputError, NameTakenError, NotFoundError } from "../../core/errors";
import { nameTaken } from "../../database/errors";
import { AccessRuleError } from "../access/errors";
import { guardedAccessChange, lossesOfUser, type Tx } from "../access/guarded-change";

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

export const publicUser = {
  id: true,
  username: true,
  displayName: true,
  email: true,
  disabled: true,
  totpEnabled: true,
  mustChangePassword: true,
  createdAt: true,
  lastLoginAt: true,
} as const;

export async function listUsers(prisma: PrismaClient) {
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
}

/** Lifts the sign-in slow-down on an account (someone guessed at it; the real user is waiting). */
export async function unlockUser(prisma: PrismaClient, actor: Actor, userId: string, audit: AuditNote) {
  await onUser(
    prisma,
    actor,
    userId,
    (tx, user) => tx.loginThrottle.deleteMany({ where: { key: accountKey(user.username) } }),
    audit,
  );
}

export async function createUser(
  prisma: PrismaClient,
  input: { username: string; password: string; displayName?: string; email?: string; mustChangePassword?: boolean },
  audit: AuditNote,
) {
  const problem = passwordProblem(input.password, input.username);
  if (problem) throw new BadInputError(problem);
  const taken = `The username ${input.username} is taken.`;
  if (await prisma.user.findUnique({ where: { username: input.username } })) {
    throw new NameTakenError("user", input.username, taken);
  }
  const passwordHash = await hashPassword(input.password);
  const created = await nameTaken(
    "user",
    input.username,
    () =>
      prisma.user.create({
        data: {
          username: input.username,
          displayName: input.displayName || null,
          email: input.email ?? null,
          passwordHash,
          mustChangePassword: input.mustChangePassword ?? false,
        },
        select: publicUser,
      }),
    taken,
  );
  audit.target("user", created.id, created.username);
  return created;
}

export async function updateUser(
  prisma: PrismaClient,
  actor: Actor,
  input: { id: string; displayName?: string; email?: string; disabled?: boolean },
  audit: AuditNote,
) {
  if (input.disabled && input.id === actor.userId) throw new BadInputError("You cannot disable your own account.");
  return onUser(
    prisma,
    actor,
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
    audit,
  );
}

export async function removeUser(prisma: PrismaClient, actor: Actor, userId: string, audit: AuditNote) {
  if (userId === actor.userId) throw new BadInputError("You cannot delete your own account.");
  await onUser(prisma, actor, userId, (tx) => tx.user.delete({ where: { id: userId } }), audit);
}

export async function resetPassword(
  prisma: PrismaClient,
  actor: Actor,
  input: { id: string; password: string; mustChangePassword?: boolean },
  audit: AuditNote,
) {
  const named = await prisma.user.findUnique({ where: { id: input.id }, select: { username: true } });
  if (!named) throw new NotFoundError("No such user.");
  const problem = passwordProblem(input.password, named.username);
  if (problem) throw new BadInputError(problem);
  const passwordHash = await hashPassword(input.password);
  await onUser(
    prisma,
    actor,
    input.id,
    async (tx) => {
      await tx.user.update({
        where: { id: input.id },
        data: { passwordHash, passwordChangedAt: new Date(), mustChangePassword: input.mustChangePassword ?? true },
      });
      // A new password ends every credential the old one could have made.
      await endCredentialsOf(tx, input.id);
    },
    audit,
  );
}

/** For a user who lost their authenticator and recovery codes. */
export async function resetTotp(prisma: PrismaClient, actor: Actor, userId: string, audit: AuditNote) {
  await onUser(
    prisma,
    actor,
    userId,
    async (tx) => {
      await tx.user.update({
        where: { id: userId },
        data: { totpEnabled: false, totpSecret: null, totpLastStep: null },
      });
      await tx.recoveryCode.deleteMany({ where: { userId } });
    },
    audit,
  );
}
