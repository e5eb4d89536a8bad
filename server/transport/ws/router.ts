// Websocket endpoints under /api/ws/*, served by `ws` beside Next. An endpoint may refuse a
// request before the upgrade completes (authentication, Origin, permission): the client then
// gets a plain HTTP status and nothing was started. Unknown paths get 404.
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import { STATIC_SECURITY_HEADERS } from "../http/security-headers";

export type Refusal = { ok: false; status: number; message: string };
/**
 * An admitted request; `abandon` undoes what admission took (a console slot, say) when the
 * upgrade never reaches `handle` (the client left, or the handshake failed).
 */
export type Admission<S> = { ok: true; state: S; abandon?: () => void } | Refusal;

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
  const security = Object.entries(STATIC_SECURITY_HEADERS)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join("");
  socket.end(
    `HTTP/1.1 ${status} ${reasons[status] ?? "Error"}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
      `${security}Content-Security-Policy: default-src 'none'; frame-ancestors 'none'\r\n` +
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
    const admitted: Promise<Admission<unknown>> = endpoint.authorize
      ? endpoint.authorize(request, url)
      : Promise.resolve({ ok: true, state: undefined });
    admitted.then(
      (admission) => {
        if (!admission.ok) return refuse(socket, admission.status, admission.message);
        let handed = false;
        const abandon = () => {
          if (handed) return;
          handed = true;
          admission.abandon?.();
        };
        socket.once("close", abandon);
        if (socket.destroyed) return abandon();
        this.wss.handleUpgrade(request, socket, head, (ws) => {
          if (handed) return ws.terminate();
          handed = true;
          socket.off("close", abandon);
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
