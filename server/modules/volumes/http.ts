// A volume's files over plain HTTP, streamed both ways:
//   GET /api/volumes/files?environmentId=&volume=&path=
//       a file's bytes, or a folder as a tar (volume.files.read)
//   PUT /api/volumes/files?environmentId=&volume=&path=<folder>&name=<file name>
//       the request body becomes that file (volume.files.write), at most MAX_UPLOAD_BYTES
// Through the one door (server/http/door.ts), recorded like container files. The helper
// container each request makes is removed when the request ends, the browser leaving included.
import type { IncomingMessage, ServerResponse } from "node:http";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { z } from "zod";
import type { AuditCompletion } from "../../audit/writer";
import { fileName } from "../../docker/index";
import { MAX_UPLOAD_BYTES } from "../../http/container-files-limits";
import { admitAtDoor } from "../../http/door";
import type { HttpRoute } from "../../http/routes";
import type { Services } from "../../core/context";
import { engineSocketPaths } from "../shared/environments";
import {
  attachment,
  declaredLength,
  fail,
  formatBytes,
  httpStatusOf,
  messageOf,
  readQuery,
  refuseBody,
  reply,
} from "../shared/http";
import { environmentId, volumeName, volumePath } from "./contract";
import { openVolumeDownload, uploadToVolume, type FilesAccess } from "./files";

export const VOLUME_FILES_PATH = "/api/volumes/files";

const downloadQuery = z.object({ environmentId, volume: volumeName, path: volumePath.default("/") }).strict();
const uploadQuery = z
  .object({
    environmentId,
    volume: volumeName,
    path: volumePath.default("/"),
    name: z.string().transform((n, c) => {
      try {
        return fileName(n);
      } catch (error) {
        c.addIssue({ code: "custom", message: (error as Error).message });
        return z.NEVER;
      }
    }),
  })
  .strict();

export function volumeFilesRoute(): HttpRoute {
  return {
    prefix: VOLUME_FILES_PATH,
    async handle(services, req, res, url) {
      if (url.pathname !== VOLUME_FILES_PATH) return fail(res, 404, "No such endpoint.");
      if (req.method === "GET" || req.method === "HEAD") return download(services, req, res, url);
      if (req.method === "PUT") return upload(services, req, res, url);
      res.setHeader("allow", "GET, PUT");
      refuseBody(res);
      return fail(res, 405, "Use GET to download or PUT to upload.");
    },
  };
}

async function access(
  services: Services,
  environmentId: string,
  volume: string,
  permissions: FilesAccess["permissions"],
) {
  return {
    fleet: services.fleet,
    permissions,
    environmentId,
    volume,
    socketPaths: await engineSocketPaths(services.prisma, environmentId),
  } satisfies FilesAccess;
}

async function download(services: Services, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const query = readQuery(downloadQuery, url, res);
  if (!query) return;
  const admitted = await admitAtDoor(services, req, {
    action: "volumes.files.download",
    permission: "volume.files.read",
    environmentId: query.environmentId,
    target: { kind: "volume", id: query.volume },
    params: { path: query.path },
    stateChanging: false,
  });
  if (!admitted.ok) return fail(res, admitted.status, admitted.message);

  const started = performance.now();
  const abort = new AbortController();
  res.once("close", () => abort.abort());
  let bytes = 0;
  let kind: string | undefined;
  let completion: AuditCompletion;
  try {
    const file = await openVolumeDownload(
      await access(services, query.environmentId, query.volume, admitted.actor.permissions),
      query.path,
      abort.signal,
    );
    kind = file.kind;
    res.writeHead(200, {
      "content-type": file.kind === "folder" ? "application/x-tar" : "application/octet-stream",
      "content-disposition": attachment(file.kind === "folder" ? `${file.name}.tar` : file.name),
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
      ...(file.kind === "file" ? { "content-length": String(file.size) } : {}),
    });
    if (req.method === "HEAD") {
      file.stream.destroy();
      res.end();
    } else {
      file.stream.on("data", (chunk: Buffer) => (bytes += chunk.length));
      await pipeline(file.stream, res);
    }
    completion = { outcome: "ok" };
  } catch (error) {
    const status = httpStatusOf(error);
    if (status === 500 && !abort.signal.aborted) console.error("volume files: download failed:", error);
    completion = {
      outcome: status === 403 ? "denied" : abort.signal.aborted ? "interrupted" : "error",
      error: messageOf(error),
    };
    fail(res, status, messageOf(error));
  }
  await services.audit
    .record(admitted.entry, {
      ...completion,
      durationMs: Math.round(performance.now() - started),
      patch: { params: { path: query.path, kind, bytes } },
    })
    .catch((error: unknown) => console.error("volume files: cannot record a download:", error));
}

async function upload(services: Services, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const query = readQuery(uploadQuery, url, res, true);
  if (!query) return;
  const declared = declaredLength(req);
  const params = { path: query.path, name: query.name, size: declared };
  const admitted = await admitAtDoor(services, req, {
    action: "volumes.files.upload",
    permission: "volume.files.write",
    environmentId: query.environmentId,
    target: { kind: "volume", id: query.volume },
    params,
    stateChanging: true,
  });
  if (!admitted.ok) {
    refuseBody(res);
    return fail(res, admitted.status, admitted.message);
  }
  if (declared === null) {
    refuseBody(res);
    return fail(res, 411, "Send the file with a Content-Length header.");
  }
  if (declared > MAX_UPLOAD_BYTES) {
    refuseBody(res);
    await admitted.refuse(413, "too large");
    return fail(
      res,
      413,
      `The file is ${formatBytes(declared)}; uploads are limited to ${formatBytes(MAX_UPLOAD_BYTES)}.`,
    );
  }
  let eventId: string;
  try {
    eventId = await services.audit.begin(admitted.entry);
  } catch {
    refuseBody(res);
    return fail(res, 503, "The audit trail cannot be written, so nothing was uploaded.");
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
    const result = await uploadToVolume(
      await access(services, query.environmentId, query.volume, admitted.actor.permissions),
      query.path,
      query.name,
      declared,
      body,
      abort.signal,
    );
    completion = { outcome: "ok", patch: { params: { ...params, written: result.path } } };
    reply(res, 201, result);
  } catch (error) {
    const cut = abort.signal.aborted;
    const status = cut ? 400 : httpStatusOf(error);
    if (status === 500) console.error("volume files: upload failed:", error);
    const message = cut ? "The upload was cut off before the whole file arrived." : messageOf(error);
    completion = { outcome: status === 403 ? "denied" : cut ? "interrupted" : "error", error: message };
    req.resume();
    fail(res, status, message);
  }
  await services.audit
    .complete(eventId, { ...completion, durationMs: Math.round(performance.now() - started) })
    .catch((error: unknown) => console.error("volume files: cannot complete an upload's event:", error));
}
