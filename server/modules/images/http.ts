// Images over plain HTTP, streamed both ways (tRPC carries neither):
//   GET /api/images/export?environmentId=&image=
//       the image as `docker image save` writes it, a tar (image.export)
//   PUT /api/images/import?environmentId=[&reference=name:tag]
//       the request body is loaded: a `docker image save` tar (docker image load), or, with
//       `reference`, a root file system tar that becomes that image (docker image import)
//       (image.pull), at most MAX_IMPORT_BYTES
// Both come through the one door (server/transport/http/door.ts): who, Origin for the upload, the
// permission on that environment; the export is recorded once it ends, the import's intent
// before a byte reaches the engine and its outcome after.
import type { IncomingMessage, ServerResponse } from "node:http";
import { pipeline } from "node:stream/promises";
import { z } from "zod";
import type { AuditCompletion } from "../../audit/writer";
import { admitAtDoor } from "../../transport/http/door";
import type { HttpRoute } from "../../transport/http/routes";
import type { Services } from "../../core/context";
import { environmentName } from "../shared/environments";
import { RejectedError } from "../shared/errors";
import {
  attachment,
  declaredLength,
  fail,
  httpStatusOf,
  messageOf,
  readQuery,
  receiveUpload,
  refuseBody,
} from "../shared/http";
import { jsonLines } from "../shared/json-lines";
import { environmentId, imageCli, imageRef, tagReference, tarNameFor } from "./contract";
import { parseReference, repositoryOf } from "./reference";

export const IMAGES_EXPORT_PATH = "/api/images/export";
export const IMAGES_IMPORT_PATH = "/api/images/import";
/** The largest archive one import may carry. */
export const MAX_IMPORT_BYTES = 16 * 1024 ** 3;

const exportQuery = z.object({ environmentId, image: imageRef }).strict();
const importQuery = z.object({ environmentId, reference: tagReference.optional() }).strict();

export function imagesRoute(): HttpRoute {
  return {
    prefix: "/api/images/",
    async handle(services, req, res, url) {
      if (url.pathname === IMAGES_EXPORT_PATH) {
        if (req.method === "GET" || req.method === "HEAD") return exportImage(services, req, res, url);
        res.setHeader("allow", "GET");
        return fail(res, 405, "Use GET to download an image.");
      }
      if (url.pathname === IMAGES_IMPORT_PATH) {
        if (req.method === "PUT" || req.method === "POST") return importImage(services, req, res, url);
        res.setHeader("allow", "PUT, POST");
        refuseBody(res);
        return fail(res, 405, "Send the archive with PUT (or POST).");
      }
      return fail(res, 404, "No such endpoint.");
    },
  };
}

async function exportImage(services: Services, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const query = readQuery(exportQuery, url, res);
  if (!query) return;
  const admitted = await admitAtDoor(services, req, {
    action: "images.export",
    permission: "image.export",
    environmentId: query.environmentId,
    target: { kind: "image", id: query.image },
    params: { image: query.image },
    stateChanging: false,
  });
  if (!admitted.ok) return fail(res, admitted.status, admitted.message);

  const started = performance.now();
  const abort = new AbortController();
  res.once("close", () => abort.abort());
  let bytes = 0;
  let completion: AuditCompletion;
  try {
    // Ask first, so a missing image is a 404 and not a broken download.
    await services.fleet.call(query.environmentId, "image inspect", (docker) => docker.getImage(query.image).inspect());
    const stream = await services.fleet.openStream(
      query.environmentId,
      "image export",
      (docker) => docker.getImage(query.image).get(),
      { signal: abort.signal, deadlineMs: 60_000 },
    );
    const file = tarNameFor(query.image);
    res.writeHead(200, {
      "content-type": "application/x-tar",
      "content-disposition": attachment(file),
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
      "x-docker-command": imageCli.save(environmentName(services.fleet, query.environmentId), query.image, file),
    });
    if (req.method === "HEAD") {
      (stream as NodeJS.ReadableStream & { destroy(): void }).destroy();
      res.end();
    } else {
      stream.on("data", (chunk: Buffer) => (bytes += chunk.length));
      await pipeline(stream, res);
    }
    completion = { outcome: "ok" };
  } catch (error) {
    const status = httpStatusOf(error);
    if (status === 500) console.error("images: export failed:", error);
    completion = { outcome: abort.signal.aborted ? "interrupted" : "error", error: messageOf(error) };
    fail(res, status, messageOf(error));
  }
  await services.audit
    .record(admitted.entry, {
      ...completion,
      durationMs: Math.round(performance.now() - started),
      patch: { params: { image: query.image, bytes } },
    })
    .catch((error: unknown) => console.error("images: cannot record an export:", error));
}

async function importImage(services: Services, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const query = readQuery(importQuery, url, res, true);
  if (!query) return;
  const params = { reference: query.reference ?? null, size: declaredLength(req) };
  const envName = environmentName(services.fleet, query.environmentId);
  await receiveUpload(
    services,
    req,
    res,
    {
      action: "images.import",
      permission: "image.pull",
      environmentId: query.environmentId,
      target: { kind: "image", id: query.reference ?? "(archive)" },
      params,
      stateChanging: true,
    },
    MAX_IMPORT_BYTES,
    { what: "archive", done: "imported", kind: "imports", log: "images: import" },
    async ({ body, signal }) => {
      const ref = query.reference ? parseReference(query.reference) : null;
      const stream = await services.fleet.openStream(
        query.environmentId,
        "image import",
        (docker) =>
          ref
            ? docker.importImage(body, { repo: repositoryOf(ref), tag: ref.tag ?? "latest" })
            : docker.loadImage(body, { quiet: false }),
        { signal, deadlineMs: 60 * 60_000 },
      );
      const loaded: string[] = [];
      for await (const message of jsonLines(stream, { signal })) {
        const error = (message.errorDetail as { message?: string } | undefined)?.message ?? message.error;
        if (typeof error === "string") throw new RejectedError(`The engine could not import the archive: ${error}`);
        const text =
          typeof message.stream === "string"
            ? message.stream
            : typeof message.status === "string"
              ? message.status
              : "";
        const name =
          /Loaded image(?: ID)?: (\S+)/.exec(text)?.[1] ??
          (ref && /^sha256:[a-f0-9]{64}$/.test(text.trim()) ? text.trim() : null);
        if (name) loaded.push(name);
      }
      if (ref) loaded.unshift(query.reference!);
      if (!loaded.length) throw new RejectedError("The engine loaded nothing from this archive.");
      const cli = ref
        ? imageCli.import(envName, "archive.tar", query.reference!)
        : imageCli.load(envName, "archive.tar");
      return { status: 201, body: { loaded, cli }, params: { loaded } };
    },
  );
}
