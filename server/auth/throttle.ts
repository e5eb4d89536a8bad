// Sign-in throttling, per account and per source address, kept in the database so a lock
// survives a restart. After SLOW_AFTER failures in a window each attempt is slowed; after
// LOCK_AFTER the account (or address) is locked for LOCK_MS.
import type { PrismaClient } from "../generated/prisma/client";

export const THROTTLE = {
  windowMs: 15 * 60 * 1000,
  slowAfter: 3,
  lockAfter: 8,
  lockMs: 15 * 60 * 1000,
  maxDelayMs: 4000,
};

export type ThrottleKey = `user:${string}` | `ip:${string}`;

export function throttleKeys(username: string, ip: string | null): ThrottleKey[] {
  const keys: ThrottleKey[] = [`user:${username.toLowerCase()}`];
  if (ip) keys.push(`ip:${ip}`);
  return keys;
}

/** The latest lock among the keys, when one is in force. */
export async function activeLock(
  prisma: PrismaClient,
  keys: ThrottleKey[],
): Promise<{ key: ThrottleKey; until: Date } | null> {
  const rows = await prisma.loginThrottle.findMany({ where: { key: { in: keys }, lockedUntil: { gt: new Date() } } });
  const latest = rows.sort((a, b) => b.lockedUntil!.getTime() - a.lockedUntil!.getTime())[0];
  return latest ? { key: latest.key as ThrottleKey, until: latest.lockedUntil! } : null;
}

/** How long to hold this attempt before answering, from the failures so far. */
export async function attemptDelayMs(prisma: PrismaClient, keys: ThrottleKey[]): Promise<number> {
  const since = new Date(Date.now() - THROTTLE.windowMs);
  const rows = await prisma.loginThrottle.findMany({ where: { key: { in: keys }, windowStart: { gt: since } } });
  const failures = Math.max(0, ...rows.map((r) => r.failures));
  if (failures < THROTTLE.slowAfter) return 0;
  return Math.min(THROTTLE.maxDelayMs, 250 * 2 ** (failures - THROTTLE.slowAfter));
}

/** Counts a failure on every key; returns the lock it caused, if any. */
export async function recordFailure(prisma: PrismaClient, keys: ThrottleKey[]): Promise<Date | null> {
  const now = new Date();
  let lockedUntil: Date | null = null;
  for (const key of keys) {
    // One statement per key, so concurrent failures all count.
    const rows = await prisma.$queryRaw<{ failures: number }[]>`
      INSERT INTO "LoginThrottle" ("key", "failures", "windowStart")
      VALUES (${key}, 1, ${now})
      ON CONFLICT ("key") DO UPDATE SET
        "failures" = CASE WHEN "LoginThrottle"."windowStart" < ${new Date(now.getTime() - THROTTLE.windowMs)}
                          THEN 1 ELSE "LoginThrottle"."failures" + 1 END,
        "windowStart" = CASE WHEN "LoginThrottle"."windowStart" < ${new Date(now.getTime() - THROTTLE.windowMs)}
                          THEN ${now} ELSE "LoginThrottle"."windowStart" END
      RETURNING "failures"`;
    if ((rows[0]?.failures ?? 0) >= THROTTLE.lockAfter) {
      lockedUntil = new Date(now.getTime() + THROTTLE.lockMs);
      await prisma.loginThrottle.update({ where: { key }, data: { lockedUntil, failures: 0, windowStart: now } });
    }
  }
  return lockedUntil;
}

export async function clearFailures(prisma: PrismaClient, keys: ThrottleKey[]): Promise<void> {
  await prisma.loginThrottle.deleteMany({ where: { key: { in: keys }, lockedUntil: null } });
}
