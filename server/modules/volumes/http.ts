// A volume's files over plain HTTP, streamed both ways:
//   GET /api/volumes/files?environmentId=&volume=&path=
//       a file's bytes, or a folder as a tar (volume.files.read)
//   PUT /api/volumes/files?environmentId=&volume=&path=<folder>&name=<file name>
//       the request body becomes that file (volume.files.write), at most MAX_UPLOAD_BYTES
// Through the one door (server/transport/http/door.ts), recorded like container files. The helper
// container each request makes is removed when the request ends, the browser leaving included.
import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import type { AuditCompletion } from "../../audit/writer";
import { fileName } from "../../docker/index";
import { MAX_UPLOAD_BYTES } from "../../transport/http/container-files-limits";
import { admitAtDoor, recordDownload } from "../../transport/http/door";
import { answerDownloadFailure } from "../../transport/http/download-errors";
import type { HttpRoute } from "../../transport/http/routes";
import type { Services } from "../../core/context";
import { engineSocketPaths } from "../shared/environments";
import { declaredLength, fail, readQuery, receiveUpload, refuseBody, sendDownload } from "../shared/http";
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
    bytes = await sendDownload(req, res, file);
    completion = { outcome: "ok" };
  } catch (error) {
    completion = answerDownloadFailure(res, error, abort.signal.aborted, "volume files");
  }
  await recordDownload(
    services,
    admitted.entry,
    completion,
    started,
    { path: query.path, kind, bytes },
    "volume files",
  );
}

async function upload(services: Services, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const query = readQuery(uploadQuery, url, res, true);
  if (!query) return;
  const params = { path: query.path, name: query.name, size: declaredLength(req) };
  await receiveUpload(
    services,
    req,
    res,
    {
      action: "volumes.files.upload",
      permission: "volume.files.write",
      environmentId: query.environmentId,
      target: { kind: "volume", id: query.volume },
      params,
      stateChanging: true,
    },
    MAX_UPLOAD_BYTES,
    { what: "file", done: "uploaded", kind: "uploads", log: "volume files: upload" },
    async ({ actor, declared, body, signal }) => {
      const result = await uploadToVolume(
        await access(services, query.environmentId, query.volume, actor.permissions),
        query.path,
        query.name,
        declared,
        body,
        signal,
      );
      return { status: 201, body: result, params: { written: result.path } };
    },
  );
}
