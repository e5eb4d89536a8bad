// Who is calling: a session cookie or an `Authorization: Bearer <api token>` header.
// Credentials never travel in a URL.
import type { IncomingHttpHeaders } from "node:http";
import { loadEffectivePermissions } from "../rbac/permissions";
import type { Actor, Services } from "../core/context";
import { resolveApiToken } from "./api-tokens";
import { readCookie, resolveSession, SESSION_COOKIE } from "./sessions";
import { requireTwoFactorForEveryone } from "./settings";
import { sha256 } from "./tokens";

export class BadCredentialsError extends Error {}

/**
 * Recently resolved callers, for a few seconds: resolving a token or session and loading its
 * permissions costs several database round trips, more than serving a list from the live
 * picture. Any successful mutation (a revoked token, a changed binding, a disabled user)
 * forgets them all at once, and an entry never outlives ACTOR_CACHE_MS, so a change made
 * behind Stevedore's back (directly in the database) also lands within seconds.
 */
const ACTOR_CACHE_MS = 3000;

// One cache per process, on globalThis: Next bundles its own copy of this module for the
// pages, and both copies must forget together.
interface ActorCache {
  entries: Map<string, { actor: Actor; at: number; generation: number }>;
  /** Bumped by every forget: a resolution that began before a change is never cached after it. */
  generation: number;
}
const cacheSlot = Symbol.for("stevedore.actorCache");
function actorCache(): ActorCache {
  const holder = globalThis as { [cacheSlot]?: ActorCache };
  return (holder[cacheSlot] ??= { entries: new Map(), generation: 0 });
}

export function forgetAuthenticatedActors(): void {
  const cache = actorCache();
  cache.generation++;
  cache.entries.clear();
}

function cacheKey(headers: IncomingHttpHeaders): string | null {
  if (headers.authorization) return `b:${sha256(headers.authorization)}`;
  const token = readCookie(headers.cookie, SESSION_COOKIE);
  return token ? `c:${sha256(token)}` : null;
}

export async function authenticate(services: Services, headers: IncomingHttpHeaders): Promise<Actor | null> {
  const key = cacheKey(headers);
  if (!key) return null;
  const cache = actorCache();
  const hit = cache.entries.get(key);
  if (hit && hit.generation === cache.generation && Date.now() - hit.at < ACTOR_CACHE_MS) return hit.actor;
  const startedIn = cache.generation;
  const actor = await resolveActor(services, headers);
  if (actor && startedIn === cache.generation) {
    if (cache.entries.size > 10_000) cache.entries.clear();
    cache.entries.set(key, { actor, at: Date.now(), generation: startedIn });
  } else if (!actor) {
    cache.entries.delete(key);
  }
  return actor;
}

async function resolveActor(services: Services, headers: IncomingHttpHeaders): Promise<Actor | null> {
  const { prisma } = services;
  const authorization = headers.authorization;
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    const row = match ? await resolveApiToken(prisma, match[1]!) : null;
    // A wrong token is an error, not an anonymous call: the caller meant to be someone.
    if (!row) throw new BadCredentialsError("The API token is invalid, expired or revoked.");
    // Two-factor sign-in is required and its owner has not enrolled: a token made before the
    // requirement (or before enrolling) must not be the way around it.
    if (!row.user.totpEnabled && (await requireTwoFactorForEveryone(prisma))) {
      throw new BadCredentialsError(
        "Two-factor sign-in is required: this token works again once its owner has set it up (Profile).",
      );
    }
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
