// A volume's files: listed, downloaded (a file as itself, a folder as a tar) and uploaded,
// through a helper container (helper.ts) and the same archive-API code that serves container
// files (server/docker/files.ts). A path is inside the volume: `..` stops at its root, and a
// symbolic link that leads out of it is refused rather than followed into the helper.
import type { Readable } from "node:stream";
import {
  containerPath,
  DockerNotFoundError,
  listDirectory,
  openDownload,
  resolvePath,
  uploadFile,
  type DirectoryListing,
  type Download,
  type Fleet,
} from "../../docker/index";
import type { EffectivePermissions } from "../../rbac/permissions";
import { BadResourceInputError, ResourceNotFoundError } from "../shared/errors";
import { HELPER_MOUNT, openVolumeHelper, withVolumeHelper, type VolumeHelper } from "./helper";
import { checkVolumeFiles } from "./policy";
import { inspectVolumeRaw } from "./volumes";

export interface FilesAccess {
  fleet: Fleet;
  permissions: EffectivePermissions;
  environmentId: string;
  volume: string;
  /** sockets that control this environment's engine (its unix endpoint), for the policy */
  socketPaths: readonly string[];
}

/** The normalised path inside the volume, or a 400. */
export function insideVolume(path: string): string {
  try {
    return containerPath(path);
  } catch (error) {
    throw new BadResourceInputError((error as Error).message);
  }
}

/** The volume exists (it would otherwise be created by mounting it) and may be opened by this actor. */
async function admit(access: FilesAccess): Promise<void> {
  const volume = await inspectVolumeRaw(access.fleet, access.environmentId, access.volume);
  checkVolumeFiles(access.permissions, access.environmentId, access.volume, volume, access.socketPaths);
}

/** Resolves `path` in the helper and keeps it inside the volume. */
async function resolveInside(access: FilesAccess, helper: VolumeHelper, path: string) {
  try {
    const stat = await resolvePath(access.fleet, access.environmentId, helper.id, helper.pathOf(path));
    if (stat.path !== HELPER_MOUNT && !stat.path.startsWith(`${HELPER_MOUNT}/`)) {
      throw new BadResourceInputError(`${path} is a symbolic link that leads out of the volume.`);
    }
    return stat;
  } catch (error) {
    if (error instanceof DockerNotFoundError) {
      throw new ResourceNotFoundError(`There is nothing at ${path} in the volume ${access.volume}.`);
    }
    throw error;
  }
}

export async function listVolumeFolder(access: FilesAccess, path: string): Promise<DirectoryListing> {
  const inside = insideVolume(path);
  await admit(access);
  return withVolumeHelper(access.fleet, access.environmentId, access.volume, { writable: false }, async (helper) => {
    const folder = await resolveInside(access, helper, inside);
    if (folder.type !== "directory") throw new BadResourceInputError(`${inside} is not a folder.`);
    const listing = await listDirectory(access.fleet, access.environmentId, helper.id, folder.path);
    return { ...listing, path: helper.volumePathOf(listing.path) };
  });
}

/**
 * A file's bytes or a folder's tar. The helper lives until the stream ends or `signal` aborts
 * (the browser went away), then goes.
 */
export async function openVolumeDownload(access: FilesAccess, path: string, signal: AbortSignal): Promise<Download> {
  const inside = insideVolume(path);
  await admit(access);
  const helper = await openVolumeHelper(access.fleet, access.environmentId, access.volume, { writable: false });
  let download: Download;
  try {
    const stat = await resolveInside(access, helper, inside);
    download = await openDownload(access.fleet, access.environmentId, helper.id, stat.path, signal);
  } catch (error) {
    await helper.remove();
    throw error;
  }
  const stream: Readable = download.stream;
  const done = () => void helper.remove();
  stream.once("close", done);
  signal.addEventListener("abort", done, { once: true });
  return { ...download, name: inside === "/" ? access.volume : download.name };
}

export async function uploadToVolume(
  access: FilesAccess,
  folder: string,
  name: string,
  size: number,
  body: Readable,
  signal: AbortSignal,
): Promise<{ path: string; size: number }> {
  const inside = insideVolume(folder);
  await admit(access);
  return withVolumeHelper(access.fleet, access.environmentId, access.volume, { writable: true }, async (helper) => {
    const target = await resolveInside(access, helper, inside);
    const written = await uploadFile(access.fleet, access.environmentId, helper.id, target.path, name, size, body, {
      signal,
    });
    return { path: helper.volumePathOf(written.path), size: written.size };
  });
}
