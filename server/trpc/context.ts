// The tRPC context is built by one pure function from (services, actor, request info), so
// HTTP, the websocket bridge and tests all share it.
import type { PrismaClient } from "../generated/prisma/client";

export interface RequestInfo {
  ip: string | null;
  userAgent: string | null;
}

/** Who is calling. Identity arrives with the auth work; until then nobody is signed in. */
export type Actor = null;

export interface Services {
  prisma: PrismaClient;
  version: string;
  embeddedDatabase: boolean;
}

export interface Context {
  services: Services;
  actor: Actor;
  request: RequestInfo;
}

export function createContext(services: Services, actor: Actor, request: RequestInfo): Context {
  return { services, actor, request };
}
