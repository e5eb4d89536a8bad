// Websocket endpoints under /api/ws/*, served by `ws` beside Next. An endpoint may refuse a
// request before the upgrade completes (authentication, Origin, permission): the client then
// gets a plain HTTP status and nothing was started. Unknown paths get 404.
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";

export type Refusal = { ok: false; status: number; message: string };
export type Admission<S> = { ok: true; state: S } | Refusal;

export interface WsEndpoint<S = undefined> {
  authorize?: (request: IncomingMessage, url: URL) => Promise<Admission<S>>;
  handle: (socket: WebSocket, request: IncomingMessage, url: URL, state: S) => void | Promise<void>;
}

const reasons: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
};

function refuse(socket: Duplex, status: number, message: string): void {
  const body = JSON.stringify({ error: message });
  socket.end(
    `HTTP/1.1 ${status} ${reasons[status] ?? "Error"}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

export class WsRouter {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 1 << 20 });
  private readonly endpoints = new Map<string, WsEndpoint<unknown>>();

  add<S>(path: string, endpoint: WsEndpoint<S>): this {
    this.endpoints.set(path, endpoint as WsEndpoint<unknown>);
    return this;
  }

  handles(url: URL): boolean {
    return url.pathname.startsWith("/api/ws/");
  }

  upgrade(request: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void {
    const endpoint = this.endpoints.get(url.pathname);
    if (!endpoint) return refuse(socket, 404, "No such websocket endpoint.");
    const admitted = endpoint.authorize
      ? endpoint.authorize(request, url)
      : Promise.resolve({ ok: true, state: undefined } as const);
    admitted.then(
      (admission) => {
        if (!admission.ok) return refuse(socket, admission.status, admission.message);
        this.wss.handleUpgrade(request, socket, head, (ws) => {
          Promise.resolve(endpoint.handle(ws, request, url, admission.state)).catch((error: unknown) => {
            console.error(`websocket ${url.pathname} failed:`, error);
            ws.close(1011, "internal error");
          });
        });
      },
      (error: unknown) => {
        console.error(`websocket ${url.pathname}: admission failed:`, error);
        refuse(socket, 500, "Internal error.");
      },
    );
  }

  /** Tells every open socket the server is going away (1001). */
  closeAll(): void {
    for (const client of this.wss.clients) client.close(1001, "server shutting down");
    this.wss.close();
  }
}
