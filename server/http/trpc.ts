import type { IncomingMessage, ServerResponse } from "node:http";
import { nodeHTTPRequestHandler } from "@trpc/server/adapters/node-http";
import { createContext, type Services } from "../trpc/context";
import { appRouter } from "../trpc/root";

export const TRPC_PREFIX = "/api/trpc/";

/** Serves /api/trpc/* in this process, so the API shares one fleet and one database pool
 * with the websocket bridge instead of a second copy inside Next's bundles. */
export function serveTrpc(services: Services, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  return nodeHTTPRequestHandler({
    router: appRouter,
    req,
    res,
    path: url.pathname.slice(TRPC_PREFIX.length),
    createContext: () =>
      createContext(services, null, {
        ip: req.socket.remoteAddress ?? null,
        userAgent: req.headers["user-agent"] ?? null,
      }),
    onError({ error, path }) {
      if (error.code === "INTERNAL_SERVER_ERROR") console.error(`trpc ${path ?? "?"} failed:`, error);
    },
  });
}
