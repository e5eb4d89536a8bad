// Server-side sessions: the cookie carries a random token; the database keeps its sha256.
// A session ends at its absolute expiry, after the idle limit without use, at sign-out, or
// when its user is disabled or deleted.
import type { PrismaClient } from "../generated/prisma/client";
import { newSecret, sha256 } from "./tokens";

export const SESSION_COOKIE = "stevedore_session";
export const SESSION_IDLE_MS = 8 * 60 * 60 * 1000;
export const SESSION_ABSOLUTE_MS = 7 * 24 * 60 * 60 * 1000;
/** lastSeenAt is written at most this often, so reads do not become writes. */
const TOUCH_EVERY_MS = 60 * 1000;

export interface SessionLimits {
  idleMs: number;
  absoluteMs: number;
}
export const defaultSessionLimits: SessionLimits = { idleMs: SESSION_IDLE_MS, absoluteMs: SESSION_ABSOLUTE_MS };

export async function createSession(
  prisma: PrismaClient,
  userId: string,
  request: { ip: string | null; userAgent: string | null },
  limits = defaultSessionLimits,
): Promise<{ token: string; id: string; expiresAt: Date }> {
  const token = newSecret();
  const id = sha256(token);
  const expiresAt = new Date(Date.now() + limits.absoluteMs);
  await prisma.session.create({
    data: { id, userId, expiresAt, ip: request.ip, userAgent: request.userAgent?.slice(0, 512) ?? null },
  });
  return { token, id, expiresAt };
}

/** The live session for a cookie token, or null; expired ones are deleted on sight. */
export async function resolveSession(prisma: PrismaClient, token: string, limits = defaultSessionLimits) {
  const id = sha256(token);
  const session = await prisma.session.findUnique({ where: { id }, include: { user: true } });
  if (!session) return null;
  const now = Date.now();
  if (
    session.expiresAt.getTime() <= now ||
    session.lastSeenAt.getTime() + limits.idleMs <= now ||
    session.user.disabled
  ) {
    await prisma.session.deleteMany({ where: { id } });
    return null;
  }
  if (now - session.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    await prisma.session.updateMany({ where: { id }, data: { lastSeenAt: new Date(now) } });
  }
  return session;
}

export function sessionCookie(token: string, expiresAt: Date, secure: boolean): string {
  return [
    `${SESSION_COOKIE}=${token}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Lax",
    `Expires=${expiresAt.toUTCString()}`,
    secure ? "Secure" : "",
  ]
    .filter(Boolean)
    .join("; ");
}

export function clearedSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${secure ? "; Secure" : ""}`;
}

export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return rest.join("=") || null;
  }
  return null;
}
