// A container's files through the engine's archive endpoint, which needs nothing inside the
// container (no shell, no ls): HEAD /containers/{id}/archive stats a path, GET returns a tar of
// it, PUT extracts a tar into a folder. A folder's listing is read from the tar headers of
// GET, skipping deeper entries; since the engine sends the whole subtree, the read is bounded
// (entries, bytes, time) and says when it stopped early.
import path from "node:path";
import { PassThrough, type Readable } from "node:stream";
import tar from "tar-stream";
import type { Fleet } from "./fleet";
import { DockerConflictError, DockerEngineError, DockerNotFoundError } from "./errors";

export type FileType = "file" | "directory" | "symlink" | "hardlink" | "other";

export interface PathStat {
  name: string;
  path: string;
  type: FileType;
  size: number;
  /** permission bits (and setuid, setgid, sticky), as in `ls -l` */
  mode: number;
  mtime: string;
  linkTarget: string;
}

export interface FileEntry {
  name: string;
  type: FileType;
  size: number;
  mode: number;
  mtime: string;
  linkTarget: string;
}

export interface DirectoryListing {
  path: string;
  entries: FileEntry[];
  /** why the listing stopped early, or null when it is complete */
  truncated: null | { reason: "entries" | "bytes" | "time"; limit: number };
}

export interface ListLimits {
  maxEntries: number;
  /** of tar read from the engine (the subtree's contents come along with its headers) */
  maxBytes: number;
  deadlineMs: number;
}

export const DEFAULT_LIST_LIMITS: ListLimits = { maxEntries: 2_000, maxBytes: 64 * 1024 * 1024, deadlineMs: 15_000 };

/** An absolute, normalised path inside the container; throws a message a person can act on. */
export function containerPath(input: string): string {
  if (!input.startsWith("/")) throw new Error("A path in the container starts with /.");
  if (input.includes("\0")) throw new Error("A path cannot contain a NUL character.");
  const normal = path.posix.normalize(input);
  return normal.length > 1 ? normal.replace(/\/+$/, "") : "/";
}

/** A file name for an upload: one path component. */
export function fileName(input: string): string {
  const name = input.trim();
  if (!name || name === "." || name === ".." || name.includes("/") || name.includes("\0")) {
    throw new Error("A file name is one path component: no slashes, not . or ..");
  }
  if (Buffer.byteLength(name) > 255) throw new Error("A file name is at most 255 bytes.");
  return name;
}

// Go's os.FileMode type bits, as the engine encodes the stat header.
const GO_DIR = 2 ** 31;
const GO_SYMLINK = 2 ** 27;
const GO_DEVICE = 2 ** 26;
const GO_PIPE = 2 ** 25;
const GO_SOCKET = 2 ** 24;
const GO_SETUID = 2 ** 23;
const GO_SETGID = 2 ** 22;
const GO_CHARDEV = 2 ** 21;
const GO_STICKY = 2 ** 20;

function goModeType(mode: number): FileType {
  const has = (bit: number) => Math.floor(mode / bit) % 2 === 1;
  if (has(GO_DIR)) return "directory";
  if (has(GO_SYMLINK)) return "symlink";
  if (has(GO_DEVICE) || has(GO_PIPE) || has(GO_SOCKET) || has(GO_CHARDEV)) return "other";
  return "file";
}

function goModeBits(mode: number): number {
  const has = (bit: number) => Math.floor(mode / bit) % 2 === 1;
  return (
    (mode % 0o1000) + (has(GO_SETUID) ? 0o4000 : 0) + (has(GO_SETGID) ? 0o2000 : 0) + (has(GO_STICKY) ? 0o1000 : 0)
  );
}

function tarType(type: tar.Headers["type"]): FileType {
  switch (type) {
    case "file":
    case "contiguous-file":
      return "file";
    case "directory":
      return "directory";
    case "symlink":
      return "symlink";
    case "link":
      return "hardlink";
    default:
      return "other";
  }
}

/** The stat of one path, without reading it (HEAD archive). */
export async function statPath(fleet: Fleet, environmentId: string, id: string, target: string): Promise<PathStat> {
  try {
    return await fleet.call(environmentId, "container path stat", async (docker) => {
      const res = (await docker.getContainer(id).infoArchive({ path: target })) as unknown as Readable & {
        headers: Record<string, string | undefined>;
      };
      res.resume();
      const header = res.headers["x-docker-container-path-stat"];
      if (!header) throw new DockerEngineError(environmentId, undefined, "The engine sent no stat for that path.");
      const raw = JSON.parse(Buffer.from(header, "base64").toString("utf8")) as {
        name: string;
        size: number;
        mode: number;
        mtime: string;
        linkTarget: string;
      };
      return {
        name: raw.name,
        path: target,
        type: goModeType(raw.mode),
        size: raw.size,
        mode: goModeBits(raw.mode),
        mtime: raw.mtime,
        linkTarget: raw.linkTarget,
      };
    });
  } catch (error) {
    if (error instanceof DockerNotFoundError) {
      // The same 404 means "no such container" and "no such path": ask which.
      await fleet.call(environmentId, "container inspect", (docker) => docker.getContainer(id).inspect());
      throw new DockerNotFoundError(environmentId, `There is nothing at ${target} in this container.`);
    }
    throw error;
  }
}

/** Follows symbolic links (a few hops) to what they name. */
export async function resolvePath(fleet: Fleet, environmentId: string, id: string, target: string): Promise<PathStat> {
  let stat = await statPath(fleet, environmentId, id, target);
  for (let hop = 0; stat.type === "symlink" && hop < 8; hop++) {
    const next = containerPath(path.posix.resolve(path.posix.dirname(stat.path), stat.linkTarget));
    stat = await statPath(fleet, environmentId, id, next);
  }
  return stat;
}

function openArchive(fleet: Fleet, environmentId: string, id: string, target: string, signal: AbortSignal) {
  return fleet.openStream<Readable>(
    environmentId,
    "container archive",
    async (docker) => (await docker.getContainer(id).getArchive({ path: target })) as unknown as Readable,
    { signal, deadlineMs: 10_000 },
  );
}

/** The entries directly in a folder (symbolic links to folders followed), within `limits`. */
export async function listDirectory(
  fleet: Fleet,
  environmentId: string,
  id: string,
  target: string,
  limits: ListLimits = DEFAULT_LIST_LIMITS,
  parent?: AbortSignal,
): Promise<DirectoryListing> {
  const folder = await resolvePath(fleet, environmentId, id, target);
  if (folder.type !== "directory") {
    throw new DockerConflictError(environmentId, `${target} is not a folder.`);
  }
  const abort = new AbortController();
  const onParent = () => abort.abort(parent?.reason);
  parent?.addEventListener("abort", onParent, { once: true });
  // "<dir>/." makes the engine name every entry "./<name>", whatever the folder is called.
  const source = await openArchive(
    fleet,
    environmentId,
    id,
    folder.path === "/" ? "/." : `${folder.path}/.`,
    abort.signal,
  );
  const entries: FileEntry[] = [];
  let truncated: DirectoryListing["truncated"] = null;
  try {
    await new Promise<void>((resolve, reject) => {
      const extract = tar.extract();
      let bytes = 0;
      const stop = (reason: "entries" | "bytes" | "time", limit: number) => {
        if (truncated) return;
        clearTimeout(timer);
        truncated = { reason, limit };
        source.unpipe(extract);
        source.destroy();
        extract.destroy();
        resolve();
      };
      const timer = setTimeout(() => stop("time", limits.deadlineMs), limits.deadlineMs);
      source.on("data", (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > limits.maxBytes) stop("bytes", limits.maxBytes);
      });
      source.on("error", (error) => (truncated ? undefined : reject(error)));
      extract.on("entry", (header, stream, next) => {
        stream.on("end", next);
        stream.resume();
        const name = header.name.replace(/^\.\//, "").replace(/\/+$/, "");
        if (!name || name === "." || name.includes("/")) return;
        entries.push({
          name,
          type: tarType(header.type),
          size: header.size ?? 0,
          mode: (header.mode ?? 0) & 0o7777,
          mtime: (header.mtime ?? new Date(0)).toISOString(),
          linkTarget: header.linkname ?? "",
        });
        if (entries.length >= limits.maxEntries) stop("entries", limits.maxEntries);
      });
      extract.on("finish", () => {
        clearTimeout(timer);
        resolve();
      });
      extract.on("error", (error: Error) => {
        clearTimeout(timer);
        if (!truncated) reject(error);
      });
      source.pipe(extract);
    });
  } finally {
    parent?.removeEventListener("abort", onParent);
    abort.abort();
    source.destroy();
  }
  entries.sort((a, b) =>
    (a.type === "directory") !== (b.type === "directory")
      ? a.type === "directory"
        ? -1
        : 1
      : a.name < b.name
        ? -1
        : 1,
  );
  return { path: folder.path, entries, truncated };
}

export type Download =
  { kind: "file"; name: string; size: number; stream: Readable } | { kind: "folder"; name: string; stream: Readable };

/**
 * A file's bytes, or a folder as a tar (what `docker cp` makes). Symbolic links are followed.
 * The stream lives until it ends or `signal` aborts.
 */
export async function openDownload(
  fleet: Fleet,
  environmentId: string,
  id: string,
  target: string,
  signal: AbortSignal,
): Promise<Download> {
  const stat = await resolvePath(fleet, environmentId, id, target);
  const name = stat.path === "/" ? "root" : path.posix.basename(stat.path);
  const source = await openArchive(fleet, environmentId, id, stat.path, signal);
  if (stat.type === "directory") return { kind: "folder", name, stream: source };
  if (stat.type !== "file") {
    source.destroy();
    throw new DockerConflictError(environmentId, `${target} is not a regular file or folder.`);
  }
  // The tar holds this one file: hand on its contents.
  const out = new PassThrough();
  const extract = tar.extract();
  let size = stat.size;
  const first = new Promise<void>((resolve, reject) => {
    extract.once("entry", (header: tar.Headers, stream: Readable) => {
      size = header.size ?? size;
      stream.pipe(out);
      stream.on("end", () => {
        source.destroy();
        extract.destroy();
      });
      resolve();
    });
    extract.once("error", reject);
    extract.once("finish", () => reject(new DockerEngineError(environmentId, undefined, "The archive was empty.")));
    // The engine's stream failing (or the client leaving) before the first header settles it too.
    source.once("error", reject);
    source.once("close", () => reject(new DockerEngineError(environmentId, undefined, "The archive ended early.")));
  });
  source.on("error", (error) => out.destroy(error));
  out.on("close", () => source.destroy());
  source.pipe(extract);
  await first;
  return { kind: "file", name, size, stream: out };
}

/**
 * Writes one file of `size` bytes from `body` into `folder` (which must exist), as a one-entry
 * tar built here and extracted by the engine (PUT archive). An existing file is replaced; a
 * folder of that name is not.
 */
export async function uploadFile(
  fleet: Fleet,
  environmentId: string,
  id: string,
  folder: string,
  name: string,
  size: number,
  body: Readable,
  options: { signal?: AbortSignal; deadlineMs?: number } = {},
): Promise<{ path: string; size: number }> {
  const dir = await resolvePath(fleet, environmentId, id, folder);
  if (dir.type !== "directory") throw new DockerConflictError(environmentId, `${folder} is not a folder.`);
  const pack = tar.pack();
  const entry = pack.entry({ name, size, mode: 0o644, mtime: new Date(), type: "file" }, (error) => {
    if (error) pack.destroy(error);
    else pack.finalize();
  });
  body.on("error", (error) => pack.destroy(error));
  body.pipe(entry);
  // On the engine's stream pool, not in a call slot: a slow sender holds no place short calls need.
  await fleet.streamCall(
    environmentId,
    "container upload",
    (docker) => docker.getContainer(id).putArchive(pack, { path: dir.path, noOverwriteDirNonDir: true }),
    { deadlineMs: options.deadlineMs ?? 300_000, signal: options.signal },
  );
  return { path: path.posix.join(dir.path, name), size };
}
