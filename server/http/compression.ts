// Responses compressed when the client accepts it (br, else gzip; expressjs/compression honours
// Accept-Encoding, q-values, Cache-Control: no-transform and sets Vary): the API's JSON (a
// 10,000-container list is ~12 MB of it, ~1 MB compressed) and Next's pages and assets, which a
// custom server does not get compressed by Next itself. Never server-sent events (compressing
// them would hold events back until a buffer fills), the plain-HTTP routes (log downloads are
// streamed as the engine sends them; file downloads are tar or the file as it is) or websockets
// (they never pass through here).
import type { IncomingMessage, ServerResponse } from "node:http";
import compression from "compression";

const compress = compression({
  filter: (req, res) => !isEventStream(res) && compression.filter(req, res),
});

function isEventStream(res: ServerResponse): boolean {
  const type = res.getHeader("content-type");
  return typeof type === "string" && type.toLowerCase().startsWith("text/event-stream");
}

/** Which requests may be compressed: the tRPC API and Next (pages, RSC payloads, assets). */
export function compressesPath(pathname: string, plainHttpRoute: boolean): boolean {
  if (plainHttpRoute || pathname === "/healthz") return false;
  return !pathname.startsWith("/_next/webpack-hmr");
}

/** Wraps `res` so that what is written to it is compressed, when the client and content allow. */
export function compressResponse(req: IncomingMessage, res: ServerResponse): void {
  compress(req, res, () => undefined);
}
