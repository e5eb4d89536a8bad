// What an engine's disk holds by kind, from /system/df: images, containers (their writable
// layers), volumes and the build cache, each with its count, size and what a prune could free.
import type { Fleet } from "../../docker/index";
import { diskUsage } from "../images/prune";

export type DiskKind = "images" | "containers" | "volumes" | "buildCache";

export interface DiskKindUsage {
  kind: DiskKind;
  count: number;
  /** in use: running containers, images a container uses, mounted volumes, cache in use */
  active: number;
  bytes: number;
  reclaimableBytes: number;
}

export interface DiskUsage {
  environmentId: string;
  kinds: DiskKindUsage[];
  totalBytes: number;
}

const rec = (v: unknown): Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const list = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.map(rec) : []);
const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) && v > 0 ? v : 0);

/** What the container prune keeps (paused and restarting containers are running to the engine). */
const running = (c: Record<string, unknown>) =>
  ["running", "paused", "restarting", "removing"].includes(String(c.State));

/** The df answer as totals by kind (pure: tested on the engine's own words). */
export function usageFromDf(environmentId: string, df: Record<string, unknown>): DiskUsage {
  const images = list(df.Images);
  const containers = list(df.Containers);
  const volumes = list(df.Volumes);
  const cache = list(df.BuildCache);
  // LayersSize counts each layer once; an image's Size counts the layers it shares again.
  const imageBytes = num(df.LayersSize) || images.reduce((s, i) => s + num(i.Size) - num(i.SharedSize), 0);
  const usedImageBytes = images
    .filter((i) => num(i.Containers) > 0)
    .reduce((s, i) => s + num(i.Size) - num(i.SharedSize), 0);
  const volumeSize = (v: Record<string, unknown>) => num(rec(v.UsageData).Size);
  const volumeUsers = (v: Record<string, unknown>) => num(rec(v.UsageData).RefCount);
  const kinds: DiskKindUsage[] = [
    {
      kind: "images",
      count: images.length,
      active: images.filter((i) => num(i.Containers) > 0).length,
      bytes: imageBytes,
      reclaimableBytes: Math.max(0, imageBytes - usedImageBytes),
    },
    {
      kind: "containers",
      count: containers.length,
      active: containers.filter(running).length,
      bytes: containers.reduce((s, c) => s + num(c.SizeRw), 0),
      reclaimableBytes: containers.filter((c) => !running(c)).reduce((s, c) => s + num(c.SizeRw), 0),
    },
    {
      kind: "volumes",
      count: volumes.length,
      active: volumes.filter((v) => volumeUsers(v) > 0).length,
      bytes: volumes.reduce((s, v) => s + volumeSize(v), 0),
      reclaimableBytes: volumes.filter((v) => volumeUsers(v) === 0).reduce((s, v) => s + volumeSize(v), 0),
    },
    {
      kind: "buildCache",
      count: cache.length,
      active: cache.filter((c) => c.InUse === true).length,
      bytes: cache.filter((c) => c.Shared !== true).reduce((s, c) => s + num(c.Size), 0),
      reclaimableBytes: cache.filter((c) => c.InUse !== true && c.Shared !== true).reduce((s, c) => s + num(c.Size), 0),
    },
  ];
  return { environmentId, kinds, totalBytes: kinds.reduce((s, k) => s + k.bytes, 0) };
}

export async function diskUsageOf(fleet: Fleet, environmentId: string): Promise<DiskUsage> {
  return usageFromDf(environmentId, await diskUsage(fleet, environmentId));
}
