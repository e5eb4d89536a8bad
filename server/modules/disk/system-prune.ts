// The system prune of one environment, as `docker system prune` runs it: stopped containers,
// unused networks, unused anonymous volumes when asked, dangling (or every unused) image and
// the build cache no build uses. The preview reads the engine's own disk usage and follows the
// prune's order: what a stopped container held (its image, its anonymous volumes) is counted
// as going with it, because the later prunes find it unused.
import type Docker from "dockerode";
import type { Fleet } from "../../docker/index";
import { diskUsage } from "../images/prune";
import { previewNetworkPrune } from "../networks/networks";
import { ANONYMOUS_LABEL, apiAtLeast } from "../volumes/volumes";
import type { SystemPruneOptions } from "./contract";

type Options = Pick<SystemPruneOptions, "allImages" | "volumes" | "labels">;

export interface SystemPrunePreview {
  containers: Array<{ id: string; name: string; state: string; size: number }>;
  networks: Array<{ id: string; name: string }>;
  /** images that go: dangling (or, with allImages, unused) once the containers above are gone */
  images: Array<{ id: string; tags: string[]; size: number }>;
  volumes: Array<{ name: string; size: number }>;
  /** null when a label filter keeps the build cache (it carries no labels) */
  buildCache: { count: number; bytes: number } | null;
  /** at least this much is freed (layers shared with images that stay are not counted) */
  bytesAtLeast: number;
}

export interface SystemPruneResult {
  containers: number;
  networks: number;
  images: number;
  volumes: number;
  buildCache: number;
  bytesFreed: number;
}

const rec = (v: unknown): Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const list = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.map(rec) : []);
const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) && v > 0 ? v : 0);
const str = (v: unknown): string => (typeof v === "string" ? v : "");
const strings = (v: unknown, none: string): string[] =>
  Array.isArray(v) ? v.filter((s): s is string => typeof s === "string" && s !== none) : [];
const sum = <T>(items: readonly T[], size: (item: T) => number) => items.reduce((s, i) => s + size(i), 0);

/** Whether labels satisfy every `key` / `key=value` filter, as the engine's label filter does. */
export function matchesLabels(labels: unknown, filters: readonly string[]): boolean {
  const held = rec(labels);
  return filters.every((filter) => {
    const at = filter.indexOf("=");
    if (at < 0) return Object.hasOwn(held, filter);
    return held[filter.slice(0, at)] === filter.slice(at + 1);
  });
}

/** Containers the engine's prune keeps: anything running (paused and restarting ones are). */
const STAYING_STATES = new Set(["running", "paused", "restarting", "removing"]);

/** The preview from the engine's answers (pure: tested on the engine's own words). */
export function systemPrunePreviewFrom(
  df: Record<string, unknown>,
  networks: Array<{ id: string; name: string }>,
  options: Options & { volumesIncludeNamed: boolean },
): SystemPrunePreview {
  const goingContainers = list(df.Containers).filter(
    (c) => !STAYING_STATES.has(str(c.State)) && matchesLabels(c.Labels, options.labels),
  );
  const containers = goingContainers.map((c) => ({
    id: str(c.Id),
    name: (strings(c.Names, "")[0] ?? "").replace(/^\//, "") || str(c.Id).slice(0, 12),
    state: str(c.State),
    size: num(c.SizeRw),
  }));
  // What the going containers hold, which the later prunes then find unused.
  const heldImages = new Map<string, number>();
  const heldVolumes = new Map<string, number>();
  for (const c of goingContainers) {
    heldImages.set(str(c.ImageID), (heldImages.get(str(c.ImageID)) ?? 0) + 1);
    for (const m of list(c.Mounts).filter((m) => m.Type === "volume" && str(m.Name))) {
      heldVolumes.set(str(m.Name), (heldVolumes.get(str(m.Name)) ?? 0) + 1);
    }
  }
  const images = list(df.Images)
    .filter((i) => num(i.Containers) - (heldImages.get(str(i.Id)) ?? 0) <= 0)
    .filter((i) => options.allImages || strings(i.RepoTags, "<none>:<none>").length === 0)
    .filter((i) => options.allImages || strings(i.RepoDigests, "<none>@<none>").length === 0)
    .filter((i) => matchesLabels(i.Labels, options.labels))
    .map((i) => ({
      id: str(i.Id),
      tags: strings(i.RepoTags, "<none>:<none>"),
      size: num(i.Size),
      uniqueSize: Math.max(0, num(i.Size) - num(i.SharedSize)),
    }))
    .sort((a, b) => b.size - a.size);
  const volumes = options.volumes
    ? list(df.Volumes)
        .filter((v) => str(v.Driver) === "local")
        .filter((v) => num(rec(v.UsageData).RefCount) - (heldVolumes.get(str(v.Name)) ?? 0) <= 0)
        .filter((v) => options.volumesIncludeNamed || Object.hasOwn(rec(v.Labels), ANONYMOUS_LABEL))
        .filter((v) => matchesLabels(v.Labels, options.labels))
        .map((v) => ({ name: str(v.Name), size: num(rec(v.UsageData).Size) }))
        .sort((a, b) => b.size - a.size)
    : [];
  const cache = list(df.BuildCache).filter((c) => c.InUse !== true);
  const buildCache = options.labels.length
    ? null
    : {
        count: cache.length,
        bytes: sum(
          cache.filter((c) => c.Shared !== true),
          (c) => num(c.Size),
        ),
      };
  return {
    containers,
    networks,
    images: images.map(({ id, tags, size }) => ({ id, tags, size })),
    volumes,
    buildCache,
    bytesAtLeast:
      sum(containers, (c) => c.size) +
      sum(images, (i) => i.uniqueSize) +
      sum(volumes, (v) => v.size) +
      (buildCache?.bytes ?? 0),
  };
}

function volumesIncludeNamed(fleet: Fleet, environmentId: string): boolean {
  // Before API 1.42 the engine's volume prune takes named volumes too.
  return !apiAtLeast(fleet.status(environmentId)?.engine?.apiVersion, 1.42);
}

async function networksGoing(fleet: Fleet, environmentId: string, labels: readonly string[]) {
  const going = (await previewNetworkPrune(fleet, environmentId)).networks;
  if (!labels.length) return going.map((n) => ({ id: n.id, name: n.name }));
  const labelled = (await fleet.call(environmentId, "networks.list", (docker: Docker) =>
    docker.listNetworks({ filters: JSON.stringify({ label: labels }) }),
  )) as unknown[];
  const ids = new Set(list(labelled).map((n) => str(n.Id)));
  return going.filter((n) => ids.has(n.id)).map((n) => ({ id: n.id, name: n.name }));
}

export async function previewSystemPrune(
  fleet: Fleet,
  environmentId: string,
  options: Options,
): Promise<SystemPrunePreview> {
  const [df, networks] = await Promise.all([
    diskUsage(fleet, environmentId),
    networksGoing(fleet, environmentId, options.labels),
  ]);
  return systemPrunePreviewFrom(df, networks, {
    ...options,
    volumesIncludeNamed: volumesIncludeNamed(fleet, environmentId),
  });
}

/** The engine's prunes in the CLI's order, so containers go before what they held. */
export async function systemPrune(fleet: Fleet, environmentId: string, options: Options): Promise<SystemPruneResult> {
  const labels = options.labels.length ? { label: options.labels } : {};
  const prune = async (name: string, fn: (docker: Docker) => Promise<unknown>) =>
    rec(await fleet.call(environmentId, name, fn, { deadlineMs: 120_000 }));
  const filters = (extra: Record<string, string[]> = {}) => ({ filters: JSON.stringify({ ...labels, ...extra }) });

  const containers = await prune("container prune", (d) => d.pruneContainers(filters()));
  const networks = await prune("network prune", (d) => d.pruneNetworks(filters()));
  const volumes = options.volumes ? await prune("volume prune", (d) => d.pruneVolumes(filters())) : {};
  const images = await prune("image prune", (d) =>
    d.pruneImages(filters({ dangling: [options.allImages ? "false" : "true"] })),
  );
  // The build cache carries no labels: a label filter keeps all of it.
  const cache = options.labels.length ? {} : await prune("build cache prune", (d) => d.pruneBuilder());
  const count = (v: unknown) => (Array.isArray(v) ? v.length : 0);
  return {
    containers: count(containers.ContainersDeleted),
    networks: count(networks.NetworksDeleted),
    images: list(images.ImagesDeleted).filter((i) => typeof i.Deleted === "string").length,
    volumes: count(volumes.VolumesDeleted),
    buildCache: count(cache.CachesDeleted),
    bytesFreed:
      num(containers.SpaceReclaimed) +
      num(volumes.SpaceReclaimed) +
      num(images.SpaceReclaimed) +
      num(cache.SpaceReclaimed),
  };
}
