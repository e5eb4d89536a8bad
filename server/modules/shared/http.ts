// What the resource modules' download and upload routes share: answering in JSON, naming a
// download, turning module and engine errors into HTTP statuses (a bad input is always a
// 4xx), and reading a query string through a zod schema. The checks themselves (who, Origin,
// permission, the record) are the one door's: server/http/door.ts.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { z } from "zod";
import { DockerError, type DockerErrorCode } from "../../docker/index";
import { ResourceError, type ResourceErrorCode } from "./errors";

const dockerStatus: Record<DockerErrorCode, number> = {
  unreachable: 502,
  timeout: 504,
  "not-found": 404,
  conflict: 409,
  engine: 400,
  paused: 412,
  "unknown-environment": 404,
  busy: 429,
};

const resourceStatus: Record<ResourceErrorCode, number> = {
  "not-found": 404,
  conflict: 409,
  "in-use": 409,
  "bad-input": 400,
  forbidden: 403,
  rejected: 400,
};

/** The HTTP status for an error; 500 only for what nobody planned. */
export function httpStatusOf(error: unknown): number {
  if (error instanceof DockerError) return dockerStatus[error.code];
  if (error instanceof ResourceError) return resourceStatus[error.code];
  return 500;
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
