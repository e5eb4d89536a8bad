// GET /api/containers/logs/<environmentId>/<containerId>?timestamps=&stdout=&stderr=&since=&until=&tail=
// streams a container's logs (up to now) as a text file attachment, every line, as fast as the
// client reads it: the engine stream is read only as the response drains, so a slow download
// holds a socket buffer, not the whole log.
//
// Checked like the console's websocket: who the caller is (session cookie or API token),
// container.logs on that environment; refusals are answered 401/403/400 and recorded.
import { answerFor } from "../../core/errors";
import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { containerLogText, DockerError } from "../../docker/index";
import { can } from "../../rbac/permissions";
import { watchPermission } from "../../rbac/revocation";
import type { Services } from "../../core/context";
import { containerNames } from "../../audit/names";
import { admitAtDoor } from "./door";
import type { HttpRoute } from "./routes";
import { containerQuery } from "../../core/refs";

export const CONTAINER_LOGS_PREFIX = "/api/containers/logs/";

const flag = z
  .enum(["1", "0", "true", "false", ""])
  .optional()
  .transform((v) => (v === undefined || v === "" ? undefined : v === "1" || v === "true"));
const seconds = z.coerce.number().int().min(0).optional();
/** The options of a logs download's query string: a container's, and a service's alike. */
export const logOptionsQuery = {
  timestamps: flag,
  stdout: flag,
  stderr: flag,
  since: seconds,
  until: seconds,
  tail: z.union([z.literal("all"), z.coerce.number().int().min(0).max(10_000_000)]).default("all"),
};
const query = containerQuery.extend(logOptionsQuery);

/** `attachment` with a plain-ASCII file name, and the exact one (RFC 6266 filename*) for browsers that read it. */
export function attachmentDisposition(name: string): string {
  const plain = name.replace(/[^A-Za-z0-9._-]+/g, "-").slice(0, 120);
  return `attachment; filename="${plain}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

export function answer(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" });
  res.end(`${message}\n`);
}

/** Resolves once the response can take more (or is gone). */
/**
 * A download door's request: GET or HEAD, its path segments (named in order, percent-decoded)
 * and its query, parsed together by the door's schema. Returns the input, or answers 405 or a
 * 400 that says what is wrong and returns nothing.
 */
export function downloadInput<S extends z.ZodType>(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  prefix: string,
  names: readonly string[],
  schema: S,
): z.infer<S> | undefined {
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.setHeader("allow", "GET, HEAD");
    answer(res, 405, "Use GET.");
    return undefined;
  }
  const parts = url.pathname
    .slice(prefix.length)
    .split("/")
    .map((part) => {
      try {
        return decodeURIComponent(part);
      } catch {
        return "\u0000"; // not valid percent-encoding: refused by the schema as a bad id
      }
    });
  const named = Object.fromEntries(names.map((name, i) => [name, parts[i]]));
  const parsed = schema.safeParse({ ...Object.fromEntries(url.searchParams), ...named });
  if (parsed.success && parts.length <= names.length) return parsed.data;
  answer(
    res,
    400,
    parsed.success
      ? `the path is ${prefix}${names.map((n) => `<${n}>`).join("/")}`
      : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
  );
}

export function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.once("drain", done);
    res.once("close", done);
  });
}

async function handle(services: Services, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const input = downloadInput(req, res, url, CONTAINER_LOGS_PREFIX, ["environmentId", "containerId"], query);
  if (!input) return;

  const admitted = await admitAtDoor(services, req, {
    action: "containers.logs.download",
    permission: "container.logs",
    environmentId: input.environmentId,
    containerId: input.containerId,
    stateChanging: false,
  });
  if (!admitted.ok) return answer(res, admitted.status, admitted.message);
  const { actor } = admitted;
  let lease: { release(): void };
  try {
    lease = services.fleet.leaseStream(input.environmentId, actor.userId);
  } catch (error) {
    if (error instanceof DockerError) return answer(res, answerFor(error).http, error.message);
    throw error;
  }

  // A sensitive read: on the record before the first byte leaves, completed with what was sent.
  const started = performance.now();
  const range = {
    tail: input.tail,
    since: input.since,
    until: input.until,
    stdout: input.stdout ?? true,
    stderr: input.stderr ?? true,
  };
  let eventId: string;
  try {
    eventId = await services.audit.begin({ ...admitted.entry, params: range });
  } catch {
    lease.release();
    return answer(res, 503, "The audit trail cannot be written, so no logs were sent.");
  }
  let bytes = 0;
  let outcome: "ok" | "error" = "error";
  let failure: string | null = "the download did not finish";

  // A long download ends, like a followed stream, when the permission goes.
  const closed = new AbortController();
  res.once("close", () => closed.abort(new Error("the client went away")));
  const watch = watchPermission(
    services.prisma,
    actor,
    actor.permissions,
    (p) => can(p, "container.logs", input.environmentId),
    closed.signal,
  );
  // Cut short, not ended as if complete, when the credential or the permission goes; this also
  // ends a download whose reader has stopped reading (waiting for "drain").
  watch.signal.addEventListener(
    "abort",
    () => {
      if (!closed.signal.aborted) res.destroy();
    },
    { once: true },
  );
  const chunks = containerLogText(
    services.fleet,
    input.environmentId,
    input.containerId,
    {
      tail: input.tail,
      timestamps: input.timestamps ?? false,
      stdout: input.stdout ?? true,
      stderr: input.stderr ?? true,
      since: input.since,
      until: input.until,
    },
    watch.signal,
  );
  try {
    // The first chunk (or the engine's refusal) decides the status line.
    let first: IteratorResult<Buffer>;
    try {
      first = await chunks.next();
    } catch (error) {
      if (error instanceof DockerError) {
        failure = error.message;
        return answer(res, answerFor(error).http, error.message);
      }
      throw error;
    }
    // Named as people know it: the container's and the environment's names, not ids.
    const names = containerNames(services.fleet, input.environmentId, input.containerId);
    const name = `${[names.containerName ?? input.containerId.slice(0, 12), names.environmentName].filter(Boolean).join("-")}-logs.txt`;
    res.writeHead(200, {
      "content-type": "text/plain; charset=utf-8",
      "content-disposition": attachmentDisposition(name),
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    });
    if (req.method === "HEAD") {
      outcome = "ok";
      failure = null;
      return void res.end();
    }
    let next = first;
    while (!next.done) {
      bytes += next.value.length;
      if (!res.write(next.value)) await drained(res);
      if (res.destroyed) {
        failure = watch.signal.aborted && !closed.signal.aborted ? "permission revoked" : "the client went away";
        return;
      }
      next = await chunks.next();
    }
    res.end();
    outcome = "ok";
    failure = null;
  } catch (error) {
    // Headers are out: all that is left is to cut the body short, so the client sees an error.
    if (!closed.signal.aborted && !watch.signal.aborted) console.error("logs download failed:", error);
    failure = error instanceof Error ? error.message : String(error);
    res.destroy();
  } finally {
    watch.stop();
    await chunks.return(undefined).catch(() => undefined);
    lease.release();
    await services.audit
      .complete(eventId, {
        outcome,
        error: failure,
        durationMs: Math.round(performance.now() - started),
        patch: { params: { ...range, bytes } },
      })
      .catch((error: unknown) => console.error("logs download: cannot complete the audit event:", error));
  }
}

export const containerLogsRoute: HttpRoute = { prefix: CONTAINER_LOGS_PREFIX, handle };
