// What the resource modules' download and upload routes share: answering in JSON, naming a
// download, turning module and engine errors into HTTP statuses (a bad input is always a
// 4xx), and reading a query string through a zod schema. The checks themselves (who, Origin,
// permission, the record) are the one door's: server/transport/http/door.ts.
import type { IncomingMessage, ServerResponse } from "node:http";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { z } from "zod";
import type { AuditCompletion } from "../../audit/writer";
import type { Actor, Services } from "../../core/context";
import { answerFor } from "../../core/errors";
import { admitAtDoor, type Door } from "../../transport/http/door";

/** The HTTP status for an error, by the one map (server/core/errors.ts); 500 only for what nobody planned. */
export function httpStatusOf(error: unknown): number {
  return answerFor(error).http;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function reply(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    "cache-control": "no-store",
  });
  res.end(text);
}

export const fail = (res: ServerResponse, status: number, message: string) => reply(res, status, { error: message });

/** RFC 6266: a plain ASCII fallback and the UTF-8 name. */
export function attachment(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** A refused upload's body is not read: the connection closes after the answer. */
export function refuseBody(res: ServerResponse): void {
  if (!res.headersSent) res.setHeader("connection", "close");
}

/** The query string through `schema`, or a 400 answered here (and null). */
export function readQuery<S extends z.ZodType>(
  schema: S,
  url: URL,
  res: ServerResponse,
  upload = false,
): z.infer<S> | null {
  const parsed = schema.safeParse(Object.fromEntries(url.searchParams));
  if (parsed.success) return parsed.data;
  if (upload) refuseBody(res);
  fail(res, 400, parsed.error.issues.map((i) => `${i.path.join(".") || "query"}: ${i.message}`).join("; "));
  return null;
}

/** The declared size of an upload, or null when it is not a whole number of bytes. */
export function declaredLength(req: IncomingMessage): number | null {
  const header = req.headers["content-length"];
  if (header === undefined) return null;
  const size = Number(header);
  return Number.isInteger(size) && size >= 0 ? size : null;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  return `${(bytes / 1024 / 1024).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MiB`;
}

/** What a module's upload door says of its body, in its own words. */
export interface UploadWords {
  /** "file", "archive" */
  what: string;
  /** "uploaded", "imported": what did not happen when the trail cannot be written */
  done: string;
  /** "uploads", "imports": what the limit is on */
  kind: string;
  /** for the server's log: "volume files: upload" */
  log: string;
}

/**
 * One upload, from the door to its record: admitted at the one door (who, Origin,
 * permission), its declared size checked against `max` (411 without one, 413 beyond), its
 * intent on the trail before a byte is read, then `receive` given the body (cut off when
 * the client goes before sending all it declared). `receive` answers; a failure is answered
 * here by the one map, and the event completed either way.
 */
export async function receiveUpload(
  services: Services,
  req: IncomingMessage,
  res: ServerResponse,
  door: Door,
  max: number,
  words: UploadWords,
  receive: (upload: {
    actor: Actor;
    declared: number;
    body: Readable;
    signal: AbortSignal;
  }) => Promise<{ status: number; body: Record<string, unknown>; params?: Record<string, unknown> }>,
): Promise<void> {
  const declared = declaredLength(req);
  const admitted = await admitAtDoor(services, req, door);
  if (!admitted.ok) {
    refuseBody(res);
    return fail(res, admitted.status, admitted.message);
  }
  if (declared === null) {
    refuseBody(res);
    return fail(res, 411, `Send the ${words.what} with a Content-Length header.`);
  }
  if (declared > max) {
    refuseBody(res);
    await admitted.refuse(413, "too large");
    return fail(
      res,
      413,
      `The ${words.what} is ${formatBytes(declared)}; ${words.kind} are limited to ${formatBytes(max)}.`,
    );
  }
  let eventId: string;
  try {
    eventId = await services.audit.begin(admitted.entry);
  } catch {
    refuseBody(res);
    return fail(res, 503, `The audit trail cannot be written, so nothing was ${words.done}.`);
  }
  const started = performance.now();
  const abort = new AbortController();
  let received = 0;
  const body = req.pipe(
    new Transform({
      transform(chunk: Buffer, _encoding, done) {
        received += chunk.length;
        done(null, chunk);
      },
    }),
  );
  req.once("close", () => {
    if (received < declared) abort.abort(new Error("The upload was cut off."));
  });
  let completion: AuditCompletion;
  try {
    const answer = await receive({ actor: admitted.actor, declared, body, signal: abort.signal });
    completion = { outcome: "ok", patch: { params: { ...door.params, ...answer.params } } };
    reply(res, answer.status, answer.body);
  } catch (error) {
    const cut = abort.signal.aborted;
    const status = cut ? 400 : httpStatusOf(error);
    if (status === 500) console.error(`${words.log} failed:`, error);
    const message = cut ? `The upload was cut off before the whole ${words.what} arrived.` : messageOf(error);
    completion = { outcome: status === 403 ? "denied" : cut ? "interrupted" : "error", error: message };
    req.resume();
    fail(res, status, message);
  }
  await services.audit
    .complete(eventId, { ...completion, durationMs: Math.round(performance.now() - started) })
    .catch((error: unknown) => console.error(`${words.log}: cannot complete the event:`, error));
}

/** A file or a folder (as a tar) to send: what the container and volume downloads open. */
export interface Download {
  kind: "file" | "folder";
  name: string;
  /** a file's size in bytes (folders stream as tar, length unknown) */
  size?: number;
  stream: Readable;
}

/** Sends a download (HEAD: only its headers); resolves with the bytes sent. */
export async function sendDownload(req: IncomingMessage, res: ServerResponse, file: Download): Promise<number> {
  let bytes = 0;
  res.writeHead(200, {
    "content-type": file.kind === "folder" ? "application/x-tar" : "application/octet-stream",
    "content-disposition": attachment(file.kind === "folder" ? `${file.name}.tar` : file.name),
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    ...(file.kind === "file" && file.size !== undefined ? { "content-length": String(file.size) } : {}),
  });
  if (req.method === "HEAD") {
    file.stream.destroy();
    res.end();
  } else {
    file.stream.on("data", (chunk: Buffer) => (bytes += chunk.length));
    await pipeline(file.stream, res);
  }
  return bytes;
}
