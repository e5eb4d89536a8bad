import type { IncomingMessage, ServerResponse } from "node:http";
import { TRPCError } from "@trpc/server";
import { nodeHTTPRequestHandler } from "@trpc/server/adapters/node-http";
import { authenticate, BadCredentialsError } from "../auth/authenticate";
import { DEVICE_COOKIE } from "../auth/device";
import { readCookie } from "../auth/sessions";
import { env } from "../env";
import { clientAddress } from "./client-address";
import { createContext, type RequestInfo, type Services } from "../trpc/context";
import { appRouter } from "../trpc/root";

export const TRPC_PREFIX = "/api/trpc/";

export function requestInfo(req: IncomingMessage): RequestInfo {
  const forwardedProto = req.headers["x-forwarded-proto"];
  return {
    ip: clientAddress(req.socket.remoteAddress, req.headers["x-forwarded-for"], env().trustedProxies),
    device: readCookie(req.headers.cookie, DEVICE_COOKIE),
    userAgent: req.headers["user-agent"] ?? null,
    origin: req.headers.origin ?? null,
    host: req.headers.host ?? null,
    secure:
      "encrypted" in req.socket || (typeof forwardedProto === "string" && forwardedProto.split(",")[0] === "https"),
  };
}

/** Serves /api/trpc/* in this process, so the API shares one fleet and one database pool
 * with the websocket bridge instead of a second copy inside Next's bundles. */
export function serveTrpc(services: Services, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  return nodeHTTPRequestHandler({
    router: appRouter,
    req,
    res,
    path: url.pathname.slice(TRPC_PREFIX.length),
    createContext: async () => {
      let actor;
      try {
        actor = await authenticate(services, req.headers);
      } catch (error) {
        if (error instanceof BadCredentialsError) throw new TRPCError({ code: "UNAUTHORIZED", message: error.message });
        throw error;
      }
      return createContext(services, actor, requestInfo(req), {
        setCookie: (cookie) => res.appendHeader("set-cookie", cookie),
      });
    },
    onError({ error, path }) {
      if (error.code === "INTERNAL_SERVER_ERROR") console.error(`trpc ${path ?? "?"} failed:`, error);
    },
  });
}
