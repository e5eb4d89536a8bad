// Responses compressed when the client accepts it (br, else gzip; expressjs/compression honours
// Accept-Encoding, q-values, Cache-Control: no-transform and sets Vary): the API's JSON (a
// 10,000-container list is ~12 MB of it, ~1 MB compressed) and Next's pages and assets, which a
// custom server does not get compressed by Next itself. Never server-sent events (compressing
// them would hold events back until a buffer fills), the plain-HTTP routes (log downloads are
// streamed as the engine sends them; file downloads are tar or the file as it is) or websockets
// (they never pass through here).
import type { IncomingMessage, ServerResponse } from "node:http";
import { constants as zlibConstants } from "node:zlib";
import compression from "compression";

// The fastest settings: each answer is compressed as it is sent, on the server's own cores. On
// a 12 MB containers list (measured on a loaded 2-core machine): br quality 1 takes ~110 ms for
// 1.0 MB, the middleware's default quality 4 ~750-950 ms for 0.87 MB; gzip level 1 ~220 ms for
// 1.2 MB, level 6 ~420-900 ms for 0.9 MB.
const compress = compression({
  filter: (req, res) => !isEventStream(res) && compression.filter(req, res),
  level: 1,
  brotli: { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 1 } },
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
