// Websocket endpoints under /api/ws/*, served by `ws` beside Next. Each endpoint is a
// function of (socket, request); unknown paths are refused before the upgrade completes.
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";

export type WsEndpoint = (socket: WebSocket, request: IncomingMessage, url: URL) => void | Promise<void>;

export class WsRouter {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 1 << 20 });
  private readonly endpoints = new Map<string, WsEndpoint>();

  add(path: string, endpoint: WsEndpoint): this {
    this.endpoints.set(path, endpoint);
    return this;
  }

  handles(url: URL): boolean {
    return url.pathname.startsWith("/api/ws/");
  }

  upgrade(request: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void {
    const endpoint = this.endpoints.get(url.pathname);
    if (!endpoint) {
      socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      Promise.resolve(endpoint(ws, request, url)).catch((error: unknown) => {
        console.error(`websocket ${url.pathname} failed:`, error);
        ws.close(1011, "internal error");
      });
    });
  }

  /** Tells every open socket the server is going away (1001), then forgets them. */
  closeAll(): void {
    for (const client of this.wss.clients) client.close(1001, "server shutting down");
    this.wss.close();
  }
}
