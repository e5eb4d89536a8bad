import type { WebSocket } from "ws";
import { pingDatabase } from "../../db";
import type { Services } from "../../core/context";
import type { WsEndpoint } from "./router";

/** /api/ws/health: proves websockets get through (proxies, Origin rules) before a console
 * needs them; sends one health report and closes normally. */
export function healthSocket(services: Services): WsEndpoint {
  return {
    async handle(socket: WebSocket) {
      const db = await pingDatabase(services.prisma);
      socket.send(JSON.stringify({ type: "health", db: db ? "up" : "down", version: services.version }));
      socket.close(1000, "done");
    },
  };
}
