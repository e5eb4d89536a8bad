// The API as server.ts serves it (tRPC with its server-sent events, the HTTP routes, the
// console websockets), on a loopback port of the test's own and over the harness's services:
// everything but Next's pages, so tests reach it with real HTTP, SSE and websocket clients.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ConsoleRegistry } from "../console/bridge";
import { findHttpRoute } from "../transport/http/routes";
import { serveTrpc, TRPC_PREFIX } from "../transport/http/trpc";
import type { Services } from "../core/context";
import { attachSocket } from "../transport/ws/attach";
import { execSocket } from "../transport/ws/exec";
import { WsRouter } from "../transport/ws/router";

export interface ApiServer {
  origin: string;
  port: number;
  consoles: ConsoleRegistry;
  close(): Promise<void>;
}

export async function startApiServer(services: Services): Promise<ApiServer> {
  const consoles = new ConsoleRegistry();
  const ws = new WsRouter()
    .add("/api/ws/exec", execSocket(services, consoles))
    .add("/api/ws/attach", attachSocket(services, consoles));
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://stevedore.local");
    const route = findHttpRoute(url.pathname);
    const handled = url.pathname.startsWith(TRPC_PREFIX)
      ? serveTrpc(services, req, res, url)
      : route
        ? route.handle(services, req, res, url)
        : Promise.resolve(void res.writeHead(404).end());
    handled.catch(() => res.destroy());
  });
  server.on("upgrade", (req, socket, head) => {
    const url = new URL(req.url ?? "/", "http://stevedore.local");
    if (ws.handles(url)) ws.upgrade(req, socket, head, url);
    else socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    consoles,
    async close() {
      await consoles.endAll("test over").catch(() => undefined);
      ws.closeAll();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
