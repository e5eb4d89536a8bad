// Who is calling: a session cookie or an `Authorization: Bearer <api token>` header.
// Credentials never travel in a URL.
import type { IncomingHttpHeaders } from "node:http";
import { loadEffectivePermissions } from "../rbac/permissions";
import type { Actor, Services } from "../trpc/context";
import { resolveApiToken } from "./api-tokens";
import { readCookie, resolveSession, SESSION_COOKIE } from "./sessions";
import { requireTwoFactorForEveryone } from "./settings";

export class BadCredentialsError extends Error {}

export async function authenticate(services: Services, headers: IncomingHttpHeaders): Promise<Actor | null> {
  const { prisma } = services;
  const authorization = headers.authorization;
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    const row = match ? await resolveApiToken(prisma, match[1]!) : null;
    // A wrong token is an error, not an anonymous call: the caller meant to be someone.
    if (!row) throw new BadCredentialsError("The API token is invalid, expired or revoked.");
    return {
      userId: row.user.id,
      username: row.user.username,
      displayName: row.user.displayName,
      via: "token",
      sessionId: null,
      tokenId: row.id,
      permissions: await loadEffectivePermissions(prisma, row.user.id),
      totpEnabled: row.user.totpEnabled,
      mustEnrollTotp: false,
      mustChangePassword: row.user.mustChangePassword,
    };
  }
  const token = readCookie(headers.cookie, SESSION_COOKIE);
  if (!token) return null;
  const session = await resolveSession(prisma, token);
  if (!session) return null;
  const user = session.user;
  return {
    userId: user.id,
    username: user.username,
    displayName: user.displayName,
    via: "session",
    sessionId: session.id,
    tokenId: null,
    permissions: await loadEffectivePermissions(prisma, user.id),
    totpEnabled: user.totpEnabled,
    mustEnrollTotp: !user.totpEnabled && (await requireTwoFactorForEveryone(prisma)),
    mustChangePassword: user.mustChangePassword,
  };
}
