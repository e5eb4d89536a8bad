// Container files over plain HTTP, streamed both ways:
//   GET /api/containers/files?environmentId=&containerId=&path=
//       a file's bytes, or a folder as a tar (container.files.read)
//   PUT /api/containers/files?environmentId=&containerId=&path=<folder>&name=<file name>
//       the request body becomes that file (container.files.write), at most MAX_UPLOAD_BYTES
// Both authenticate like the console (session cookie or API token), check the permission on
// that environment, and are on the audit record: an upload's intent before anything reaches
// the engine and its outcome after; a download once it ends; every refusal. An upload is a
// state change, so a cookie-signed one must carry this site's Origin.
import { ANSWERS } from "../../core/errors";
import type { IncomingMessage, ServerResponse } from "node:http";
import { Transform } from "node:stream";
import { z } from "zod";
import type { AuditCompletion, AuditEntry } from "../../audit/writer";
import {
  containerPath,
  DockerError,
  fileName,
  openDownload,
  uploadFile,
  type DockerErrorCode,
  dockerErrorKind,
} from "../../docker/index";
import type { Permission } from "../../rbac/catalogue";
import type { Actor, RequestInfo, Services } from "../../core/context";
import { CONTAINER_FILES_PREFIX, MAX_UPLOAD_BYTES } from "./container-files-limits";
import { admitAtDoor, recordDownload, type DoorAdmission } from "./door";
import { answerDownloadFailure } from "./download-errors";
import { factSources } from "../../workloads/facts";
import { judgeExistingWorkload } from "../../workloads/reach";
import type { HttpRoute } from "./routes";
import { containerQuery } from "../../core/refs";
import { fail, messageOf, refuseBody, reply, sendDownload } from "../../modules/shared/http";

export { CONTAINER_FILES_PREFIX, MAX_UPLOAD_BYTES };

const pathParam = z
  .string()
  .max(4096)
  .transform((p, c) => {
    try {
      return containerPath(p);
    } catch (error) {
      c.addIssue({ code: "custom", message: (error as Error).message });
      return z.NEVER;
    }
  });

const common = containerQuery.extend({ path: pathParam });
const uploadQuery = common.extend({
  name: z.string().transform((n, c) => {
    try {
      return fileName(n);
    } catch (error) {
      c.addIssue({ code: "custom", message: (error as Error).message });
      return z.NEVER;
    }
  }),
});

/** The one map's HTTP status (server/core/errors.ts). */
const statusFor = (code: DockerErrorCode): number => ANSWERS[dockerErrorKind(code)].http;

/** One of the user's stream places on that engine, or null after answering 429. */
function leaseOrAnswer(
  services: Services,
  res: ServerResponse,
  environmentId: string,
  userId: string,
): { release(): void } | null {
  try {
    return services.fleet.leaseStream(environmentId, userId);
  } catch (error) {
    if (!(error instanceof DockerError)) throw error;
    refuseBody(res);
    fail(res, statusFor(error.code), error.message);
    return null;
  }
}

/** `uploadStallMs`: how long an upload may send nothing before it is given up (a test's own). */
export function containerFilesRoute({ uploadStallMs = UPLOAD_STALL_MS } = {}): HttpRoute {
  return {
    prefix: CONTAINER_FILES_PREFIX,
    async handle(services, req, res, url) {
      if (url.pathname !== CONTAINER_FILES_PREFIX) return fail(res, 404, "No such endpoint.");
      if (req.method === "GET" || req.method === "HEAD") return download(services, req, res, url);
      if (req.method === "PUT") return upload(services, req, res, url, uploadStallMs);
      res.setHeader("allow", "GET, PUT");
      return fail(res, 405, "Use GET to download or PUT to upload.");
    },
  };
}

interface Admitted {
  actor: Actor;
  request: RequestInfo;
  entry: AuditEntry;
}

/** The door's checks (server/transport/http/door.ts); a refusal is answered here. */
async function admit(
  services: Services,
  req: IncomingMessage,
  res: ServerResponse,
  query: { environmentId: string; containerId: string },
  action: string,
  permission: Permission,
  stateChanging: boolean,
  params: Record<string, unknown>,
): Promise<Admitted | null> {
  const admitted = await admitAtDoor(services, req, {
    action,
    permission,
    environmentId: query.environmentId,
    containerId: query.containerId,
    params,
    stateChanging,
  });
  const refused = admitted.ok ? await refusedByHostReach(services, admitted, query, stateChanging) : admitted;
  if (!refused && admitted.ok) return admitted;
  const { status, message } = refused ?? { status: 500, message: "Internal error." };
  // An upload that is refused is not read (a client could stream gigabytes to be thrown away).
  if (stateChanging) refuseBody(res);
  fail(res, status, message);
  return null;
}

/**
 * A host folder mounted in a container is in its file system: a host-reaching container's
 * files need its host access too (server/workloads/reach.ts). The refusal is on the record.
 */
async function refusedByHostReach(
  services: Services,
  admitted: Extract<DoorAdmission, { ok: true }>,
  query: { environmentId: string; containerId: string },
  write: boolean,
): Promise<{ status: number; message: string } | null> {
  try {
    const { refusal } = await judgeExistingWorkload(
      factSources(services),
      admitted.actor.permissions,
      query.environmentId,
      query.containerId,
      write ? "files-write" : "files-read",
    );
    return refusal ? await admitted.refuse(403, refusal) : null;
  } catch (error) {
    if (!(error instanceof DockerError)) throw error;
    return { status: statusFor(error.code), message: error.message };
  }
}

async function download(services: Services, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const parsed = common.safeParse(Object.fromEntries(url.searchParams));
  if (!parsed.success)
    return fail(res, 400, parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
  const query = parsed.data;
  const admitted = await admit(services, req, res, query, "containers.files.download", "container.files.read", false, {
    path: query.path,
  });
  if (!admitted) return;
  const lease = leaseOrAnswer(services, res, query.environmentId, admitted.actor.userId);
  if (!lease) return;

  const started = performance.now();
  const abort = new AbortController();
  res.once("close", () => abort.abort());
  let bytes = 0;
  let completion: AuditCompletion;
  let kind: string | undefined;
  try {
    const file = await openDownload(services.fleet, query.environmentId, query.containerId, query.path, abort.signal);
    kind = file.kind;
    bytes = await sendDownload(req, res, file);
    completion = { outcome: "ok" };
  } catch (error) {
    completion = answerDownloadFailure(res, error, abort.signal.aborted, "container files");
  } finally {
    lease.release();
  }
  await recordDownload(
    services,
    admitted.entry,
    completion,
    started,
    { path: query.path, kind, bytes },
    "container files",
  );
}

async function upload(
  services: Services,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  stallMs: number,
): Promise<void> {
  const parsed = uploadQuery.safeParse(Object.fromEntries(url.searchParams));
  if (!parsed.success) {
    refuseBody(res);
    return fail(res, 400, parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
  }
  const query = parsed.data;
  const declared = Number(req.headers["content-length"]);
  const params = { path: query.path, name: query.name, size: Number.isFinite(declared) ? declared : null };
  const admitted = await admit(
    services,
    req,
    res,
    query,
    "containers.files.upload",
    "container.files.write",
    true,
    params,
  );
  if (!admitted) return;
  if (req.headers["content-length"] === undefined || !Number.isInteger(declared) || declared < 0) {
    refuseBody(res);
    return fail(res, 411, "Send the file with a Content-Length header.");
  }
  if (declared > MAX_UPLOAD_BYTES) {
    // Refused before a byte is read; the connection is closed rather than drained.
    res.setHeader("connection", "close");
    await services.audit
      .record(admitted.entry, { outcome: "error", error: "too large" })
      .catch((error: unknown) => console.error("container files: cannot record a refusal:", error));
    return fail(
      res,
      413,
      `The file is ${formatMiB(declared)}; uploads are limited to ${formatMiB(MAX_UPLOAD_BYTES)}. Copy larger files with docker cp.`,
    );
  }

  const lease = leaseOrAnswer(services, res, query.environmentId, admitted.actor.userId);
  if (!lease) return;
  try {
    await receiveUpload(services, req, res, query, admitted, params, declared, stallMs);
  } finally {
    lease.release();
  }
}

/** After this long without a byte, an upload is given up (the engine call and the client's request). */
export const UPLOAD_STALL_MS = 30_000;

async function receiveUpload(
  services: Services,
  req: IncomingMessage,
  res: ServerResponse,
  query: z.infer<typeof uploadQuery>,
  admitted: Admitted,
  params: Record<string, unknown>,
  declared: number,
  stallMs: number,
): Promise<void> {
  // The upload is on the record before anything reaches the engine; no record, no upload.
  let eventId: string;
  try {
    eventId = await services.audit.begin(admitted.entry);
  } catch {
    refuseBody(res);
    return fail(res, 503, "The audit trail cannot be written, so nothing was uploaded.");
  }
  const started = performance.now();
  const abort = new AbortController();
  // A sender that stops sending would otherwise hold the engine's request open for ever.
  let stalled = false;
  const stall = setTimeout(() => {
    stalled = true;
    abort.abort(new Error("The upload stalled."));
  }, stallMs);
  if (declared === 0) clearTimeout(stall);
  // Counted on its way through (a "data" listener would start the flow before anyone reads).
  let received = 0;
  const body = req.pipe(
    new Transform({
      transform(chunk: Buffer, _encoding, done) {
        received += chunk.length;
        // Until the last byte: then the engine's answer is bounded by the call's deadline.
        if (received < declared) stall.refresh();
        else clearTimeout(stall);
        done(null, chunk);
      },
    }),
  );
  req.once("close", () => {
    if (received < declared) abort.abort(new Error("The upload was cut off."));
  });
  let completion: AuditCompletion;
  try {
    const result = await uploadFile(
      services.fleet,
      query.environmentId,
      query.containerId,
      query.path,
      query.name,
      declared,
      body,
      { signal: abort.signal },
    );
    completion = { outcome: "ok", patch: { params: { ...params, written: result.path } } };
    reply(res, 201, result);
  } catch (error) {
    const cut = abort.signal.aborted;
    const status = stalled ? 408 : error instanceof DockerError ? statusFor(error.code) : cut ? 400 : 500;
    if (status === 500) console.error("container files: upload failed:", error);
    const message = stalled
      ? `The upload stalled: nothing arrived for ${stallMs / 1000} s, so it was given up.`
      : cut
        ? "The upload was cut off before the whole file arrived."
        : messageOf(error);
    completion = { outcome: cut ? "interrupted" : "error", error: message };
    if (stalled) {
      // Answer, then drop the connection: its body is not worth waiting for.
      res.setHeader("connection", "close");
      res.once("finish", () => req.destroy());
    } else req.resume();
    fail(res, status, message);
  } finally {
    clearTimeout(stall);
  }
  await services.audit
    .complete(eventId, { ...completion, durationMs: Math.round(performance.now() - started) })
    .catch((error: unknown) => console.error("container files: cannot complete the upload's event:", error));
}

function formatMiB(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MiB`;
}
