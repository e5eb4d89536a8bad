// Password guessing is slowed down, never locked out for good. Each attempt is counted BEFORE
// its password is checked, in one atomic statement, so a burst (or a batch) of guesses cannot
// all be checked at once: after a few free attempts each one must wait a delay that doubles,
// up to a cap, and an attempt that comes too early is refused unchecked. A success forgets the
// count. Counts live in the database, so they survive a restart.
//
// What is counted, and so who can be slowed (server/modules/identity/auth.router.ts decides which keys apply):
//   user:<name>      attempts on an account from browsers that never signed in to it;
//   ip:<address>     attempts from one address (X-Forwarded-For only behind a trusted proxy);
//   device:<nonce>   attempts from a browser that did sign in to the account before (its
//                    device cookie): a stranger hammering the account does not slow these,
//                    so they cannot keep the real user out;
//   reauth:<userId>  password checks behind a session (changing the password, turning off
//                    two-factor), so a stolen session cannot guess the password fast.
import type { PrismaClient } from "../generated/prisma/client";

export interface ThrottlePolicy {
  /** attempts allowed without waiting */
  free: number;
  /** the first delay; each further attempt doubles it */
  baseMs: number;
  /** the longest delay between two attempts */
  capMs: number;
  /** a count is forgotten this long after its last attempt */
  forgetAfterMs: number;
}

const MINUTE = 60_000;
export const THROTTLE = {
  account: { free: 5, baseMs: 1000, capMs: 15 * MINUTE, forgetAfterMs: 24 * 60 * MINUTE },
  address: { free: 10, baseMs: 1000, capMs: 15 * MINUTE, forgetAfterMs: 24 * 60 * MINUTE },
  device: { free: 5, baseMs: 1000, capMs: 15 * MINUTE, forgetAfterMs: 24 * 60 * MINUTE },
  reauth: { free: 3, baseMs: 1000, capMs: 15 * MINUTE, forgetAfterMs: 24 * 60 * MINUTE },
} satisfies Record<string, ThrottlePolicy>;

export type ThrottleKey = `user:${string}` | `ip:${string}` | `device:${string}` | `reauth:${string}`;

export const accountKey = (username: string): ThrottleKey => `user:${username.toLowerCase()}`;
export const addressKey = (ip: string): ThrottleKey => `ip:${ip}`;
export const deviceKey = (nonce: string): ThrottleKey => `device:${nonce}`;
export const reauthKey = (userId: string): ThrottleKey => `reauth:${userId}`;

/** The wait after the `count`-th attempt before the next one may be checked. */
export function delayAfter(count: number, policy: ThrottlePolicy): number {
  if (count < policy.free) return 0;
  return Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(count - policy.free, 40));
}

export type Claim = { ok: true; count: number } | { ok: false; retryAt: Date };

/**
 * Counts one attempt on `key` before it is checked. Refused (and not counted) while the key
 * must wait; the same single statement decides and counts, so concurrent attempts queue on the
 * row and at most the free ones (plus one) pass in a burst.
 */
export async function claimAttempt(prisma: PrismaClient, key: ThrottleKey, policy: ThrottlePolicy): Promise<Claim> {
  const now = new Date();
  const forgetBefore = new Date(now.getTime() - policy.forgetAfterMs);
  const firstUntil = new Date(now.getTime() + delayAfter(1, policy));
  // The new count, as SQL: restarted when the last attempt is older than forgetAfterMs.
  const rows = await prisma.$queryRaw<{ failures: number }[]>`
    INSERT INTO "LoginThrottle" ("key", "failures", "windowStart", "lockedUntil")
    VALUES (${key}, 1, ${now}, ${firstUntil})
    ON CONFLICT ("key") DO UPDATE SET
      "failures" = CASE WHEN "LoginThrottle"."windowStart" < ${forgetBefore} THEN 1
                        ELSE "LoginThrottle"."failures" + 1 END,
      "windowStart" = ${now},
      "lockedUntil" = ${now}::timestamp(3) + make_interval(secs => (
        CASE WHEN (CASE WHEN "LoginThrottle"."windowStart" < ${forgetBefore} THEN 1
                        ELSE "LoginThrottle"."failures" + 1 END) < ${policy.free} THEN 0
             ELSE LEAST(${policy.capMs}::float8, ${policy.baseMs}::float8 * power(2::float8, LEAST(
               (CASE WHEN "LoginThrottle"."windowStart" < ${forgetBefore} THEN 1
                     ELSE "LoginThrottle"."failures" + 1 END) - ${policy.free}, 40)::float8))
        END) / 1000.0)
    WHERE "LoginThrottle"."lockedUntil" IS NULL OR "LoginThrottle"."lockedUntil" <= ${now}
    RETURNING "failures"`;
  if (rows[0]) return { ok: true, count: rows[0].failures };
  const row = await prisma.loginThrottle.findUnique({ where: { key }, select: { lockedUntil: true } });
  // Lifted in between (a success, an administrator): the caller may try again at once.
  return { ok: false, retryAt: row?.lockedUntil ?? now };
}

/** A success: the keys' counts are forgotten. */
export async function forgetAttempts(prisma: PrismaClient, keys: ThrottleKey[]): Promise<void> {
  if (keys.length) await prisma.loginThrottle.deleteMany({ where: { key: { in: keys } } });
}

/** Until when the key must wait, when it must. */
export async function waitingUntil(prisma: PrismaClient, key: ThrottleKey): Promise<Date | null> {
  const row = await prisma.loginThrottle.findUnique({ where: { key }, select: { lockedUntil: true } });
  return row?.lockedUntil && row.lockedUntil.getTime() > Date.now() ? row.lockedUntil : null;
}

/** "12 seconds", "3 minutes": how long until `date`, for a refusal. */
export function timeUntil(date: Date): string {
  const seconds = Math.max(1, Math.ceil((date.getTime() - Date.now()) / 1000));
  if (seconds < 120) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  return `${Math.ceil(seconds / 60)} minutes`;
}
