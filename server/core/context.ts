// The tRPC context is built by one pure function from (services, actor, request info), so
// HTTP, the websocket bridge and tests all share it. Who the actor is gets decided before,
// by server/auth/authenticate.ts.
import type { AuditWriter } from "../audit/writer";
import type { SecretBox } from "../crypto/secret-box";
import type { Fleet } from "../docker/index";
import type { PrismaClient } from "../generated/prisma/client";
import type { EffectivePermissions } from "../rbac/permissions";

export interface RequestInfo {
  /** the client's address (X-Forwarded-For only from a trusted proxy: server/transport/http/client-address.ts) */
  ip: string | null;
  /** the device cookie a browser that signed in before carries (server/auth/device.ts) */
  device?: string | null;
  userAgent: string | null;
  /** the Origin header, when the client sent one */
  origin: string | null;
  /** the Host header, to compare the Origin with */
  host: string | null;
  /** reached over https (directly or per X-Forwarded-Proto) */
  secure: boolean;
  /**
   * The HTTP door saw a POST with an empty body: how a client sends a call without input
   * (totpStart, say). No input, not a broken one (server/transport/http/trpc.ts decides it).
   */
  noBody?: boolean;
}

export interface Actor {
  userId: string;
  username: string;
  displayName: string | null;
  /** how the caller proved who they are */
  via: "session" | "token";
  sessionId: string | null;
  tokenId: string | null;
  permissions: EffectivePermissions;
  totpEnabled: boolean;
  /** set when an admin requires two-factor and this user has not enrolled yet */
  mustEnrollTotp: boolean;
  /** set by an admin (a new account, a reset): nothing but choosing a new password until it is done */
  mustChangePassword: boolean;
}

/** Said to a caller whose administrator asked for a new password, at every door, until they chose one. */
export const PASSWORD_CHANGE_DUE =
  "Choose a new password first: an administrator asked you to (the change-password page, or auth.changePassword).";

export interface Services {
  prisma: PrismaClient;
  secrets: SecretBox;
  audit: AuditWriter;
  fleet: Fleet;
  version: string;
  embeddedDatabase: boolean;
}

/** Lets a procedure set cookies on the HTTP response (sign-in, sign-out). */
export interface ResponseControl {
  setCookie(cookie: string): void;
}

export interface Context {
  services: Services;
  actor: Actor | null;
  request: RequestInfo;
  response: ResponseControl;
}

export function createContext(
  services: Services,
  actor: Actor | null,
  request: RequestInfo,
  response: ResponseControl = { setCookie: () => undefined },
): Context {
  return { services, actor, request, response };
}

/** Request info for calls made in-process (tests, server components). */
export function localRequest(overrides: Partial<RequestInfo> = {}): RequestInfo {
  return { ip: "127.0.0.1", userAgent: "in-process", origin: null, host: null, secure: false, ...overrides };
}
