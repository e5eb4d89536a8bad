// A volume's files are read and written through a helper container: created (never started)
// from an image the engine already has, with the volume mounted at HELPER_MOUNT and no network,
// used through the engine's archive API (server/docker/files.ts, as for container files), and
// removed as soon as the request is done, whether it ended well, failed, or the browser went
// away. Helpers left behind by a server that stopped mid-request carry HELPER_LABEL and are
// swept the next time a helper is made on that engine.
import { randomBytes } from "node:crypto";
import type { Fleet } from "../../docker/index";
import { DockerNotFoundError } from "../../docker/index";
import { fetchResources } from "../../docker/resources";
import { BadResourceInputError } from "../shared/errors";

export const HELPER_MOUNT = "/stevedore-volume";
export const HELPER_LABEL = "io.stevedore.helper";
const HELPER_KIND = "volume-files";
/** A helper older than this is left over from a request that cannot still be running. */
const STALE_AFTER_S = 15 * 60;

export interface VolumeHelper {
  id: string;
  /** the path inside the helper of a path inside the volume */
  pathOf(path: string): string;
  /** the path inside the volume of a path inside the helper */
  volumePathOf(path: string): string;
  remove(): Promise<void>;
}

/** The smallest image on the engine (any works: the helper never runs). */
async function helperImage(fleet: Fleet, environmentId: string): Promise<string> {
  const images =
    fleet.picture.list(environmentId, "images") ??
    (await fleet.call(environmentId, "images.list", (docker) => fetchResources(docker, "images"), {
      key: "images:all",
    }));
  const smallest = [...images].sort((a, b) => a.size - b.size)[0];
  if (!smallest) {
    throw new BadResourceInputError(
      "This environment has no image at all to make the helper container from (nothing is pulled for it). Pull or load any small image there first, busybox say.",
    );
  }
  return smallest.id;
}

function sweep(fleet: Fleet, environmentId: string): void {
  fleet
    .call(environmentId, "volume helper sweep", async (docker) => {
      const left = await docker.listContainers({ all: true, filters: { label: [`${HELPER_LABEL}=${HELPER_KIND}`] } });
      const now = Date.now() / 1000;
      await Promise.all(
        left
          .filter((c) => now - c.Created > STALE_AFTER_S)
          .map((c) =>
            docker
              .getContainer(c.Id)
              .remove({ force: true })
              .catch(() => undefined),
          ),
      );
    })
    .catch(() => undefined);
}

export async function openVolumeHelper(
  fleet: Fleet,
  environmentId: string,
  volume: string,
  options: { writable: boolean },
): Promise<VolumeHelper> {
  sweep(fleet, environmentId);
  const create = async (image: string) =>
    fleet.call(environmentId, "volume helper create", async (docker) => {
      const container = await docker.createContainer({
        name: `stevedore-volume-files-${randomBytes(6).toString("hex")}`,
        Image: image,
        // Never started; an image without a command still needs one to be created.
        Entrypoint: ["/stevedore-helper-never-runs"],
        Cmd: [],
        Labels: { [HELPER_LABEL]: HELPER_KIND, [`${HELPER_LABEL}.volume`]: volume },
        NetworkDisabled: true,
        HostConfig: {
          NetworkMode: "none",
          Mounts: [
            {
              Type: "volume",
              Source: volume,
              Target: HELPER_MOUNT,
              ReadOnly: !options.writable,
              // An empty volume must not be filled from the image's files at that path.
              VolumeOptions: { NoCopy: true },
            },
          ],
        },
      } as object);
      return container.id;
    });
  let id: string;
  try {
    id = await create(await helperImage(fleet, environmentId));
  } catch (error) {
    // The image went between choosing and creating: choose again, once.
    if (!(error instanceof DockerNotFoundError) || /volume/i.test(error.message)) throw error;
    id = await create(await helperImage(fleet, environmentId));
  }
  let removed: Promise<void> | undefined;
  return {
    id,
    pathOf: (path) => (path === "/" ? HELPER_MOUNT : `${HELPER_MOUNT}${path}`),
    volumePathOf: (path) =>
      path === HELPER_MOUNT ? "/" : path.startsWith(`${HELPER_MOUNT}/`) ? path.slice(HELPER_MOUNT.length) : path,
    remove: () =>
      (removed ??= fleet
        .call(
          environmentId,
          "volume helper remove",
          (docker) => docker.getContainer(id).remove({ force: true, v: false }),
          {
            deadlineMs: 30_000,
          },
        )
        .then(() => undefined)
        .catch((error: unknown) => {
          // Swept later by its label; the request's own outcome stands.
          console.error(`volumes: cannot remove helper ${id}:`, error);
        })),
  };
}

/** Runs `fn` with a helper and removes the helper after, however `fn` ends. */
export async function withVolumeHelper<T>(
  fleet: Fleet,
  environmentId: string,
  volume: string,
  options: { writable: boolean },
  fn: (helper: VolumeHelper) => Promise<T>,
): Promise<T> {
  const helper = await openVolumeHelper(fleet, environmentId, volume, options);
  try {
    return await fn(helper);
  } finally {
    await helper.remove();
  }
}
