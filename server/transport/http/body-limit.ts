// Request bodies are bounded on every route before anything reads them: the API's JSON calls
// at 1 MiB (far above any real input; a 100 MiB body is answered 413 at once, not parsed,
// validated or recorded), everything else but uploads at the same. A file upload keeps its own
// limit (MAX_UPLOAD_BYTES), checked by its route as it streams. A body without a declared
// length (chunked) to Stevedore's own routes is counted as it arrives: past the limit the
// connection stops being read and closes after the answer (tRPC answers 413 at the same limit,
// its maxBodySize). Next's pages keep Next's own limits for what they read.
import type { IncomingMessage, ServerResponse } from "node:http";
import { auditEntry } from "../../audit/entry";
import type { Services } from "../../core/context";
import { CONTAINER_FILES_PREFIX } from "./container-files-limits";
import { MAX_BODY_BYTES } from "./request-limits";
import { requestInfo } from "./request-info";
import { TRPC_PREFIX } from "./trpc";

/** The largest body a path accepts, or null when its route enforces its own (uploads). */
export function bodyLimitFor(pathname: string): number | null {
  return pathname.startsWith(CONTAINER_FILES_PREFIX) ? null : MAX_BODY_BYTES;
}

/** Routes served by Stevedore itself (not Next), which read their bodies in the same tick or never. */
function ownRoute(pathname: string): boolean {
  return pathname.startsWith("/api/") || pathname === "/healthz";
}

/**
 * Answers 413 and closes the connection when the declared length is over the path's limit;
 * the refusal is on the audit trail (grouped when many alike arrive), who sent it unasked.
 */
export function refuseOversizedBody(
  services: Services,
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
): boolean {
  const limit = bodyLimitFor(pathname);
  if (limit === null) return false;
  const declared = Number(req.headers["content-length"] ?? 0);
  if (!(declared > limit)) {
    if (req.headers["content-length"] === undefined && ownRoute(pathname)) stopReadingPast(req, res, limit);
    return false;
  }
  const request = requestInfo(req);
  const message = `The request body is ${declared.toLocaleString("en")} bytes; at most ${limit.toLocaleString("en")} are accepted here.`;
  void services.audit
    .refuse(
      auditEntry(
        null,
        request,
        pathname.startsWith(TRPC_PREFIX) ? pathname.slice(TRPC_PREFIX.length) : `${req.method ?? "?"} ${pathname}`,
        { params: { bodyBytes: declared, limit } },
      ),
      { outcome: "denied", error: message },
    )
    .catch((error: unknown) => console.error("audit: cannot record an oversized request:", error));
  const body = JSON.stringify({
    error: {
      message,
      code: -32600,
      data: { code: "PAYLOAD_TOO_LARGE", httpStatus: 413 },
    },
  });
  // The body is never read: the connection closes after the answer instead.
  res.writeHead(413, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
    connection: "close",
  });
  res.end(body);
  return true;
}

/**
 * A body of undeclared length: once more than `limit` bytes arrived, stop reading (the sender
 * is held back by TCP) and close the connection after whatever answer the route gives. Attached
 * in the same tick as the route's own reader, so neither misses a byte.
 */
function stopReadingPast(req: IncomingMessage, res: ServerResponse, limit: number): void {
  let seen = 0;
  const count = (chunk: Buffer) => {
    seen += chunk.length;
    if (seen <= limit) return;
    req.off("data", count);
    req.pause();
    if (!res.headersSent) res.setHeader("connection", "close");
    else res.once("finish", () => req.socket.destroy());
  };
  req.on("data", count);
}
