// Pruning images: first what would go (the engine's own disk usage: which images no container
// uses, their sizes, what they share), then the engine's prune, which answers what went and
// the bytes it freed. Without `all` only dangling images (no tag, no digest) go, as
// `docker image prune`; with it every image no container uses, as `docker image prune -a`.
import type { Fleet } from "../../docker/index";

export interface PrunableImage {
  id: string;
  tags: string[];
  created: number;
  size: number;
  /** what it alone holds (its size less the layers it shares with other images) */
  uniqueSize: number;
}

export interface ImagePrunePreview {
  all: boolean;
  images: PrunableImage[];
  /** what pruning frees for sure: the layers only these images hold… */
  bytesAtLeast: number;
  /** …and at most, when the layers they share go with them */
  bytesAtMost: number;
}

export interface ImagePruneResult {
  deleted: string[];
  untagged: string[];
  bytesFreed: number;
}

const rec = (v: unknown): Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const list = (v: unknown): unknown[] => (Array.isArray(v) ? (v as unknown[]) : []);
const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? v : 0);
const names = (v: unknown, none: string) => list(v).filter((t): t is string => typeof t === "string" && t !== none);

/** /system/df, which counts each image's containers and shared bytes (slow on big hosts). */
export function diskUsage(fleet: Fleet, environmentId: string): Promise<Record<string, unknown>> {
  return fleet.call(environmentId, "disk usage", async (docker) => rec(await docker.df()), {
    deadlineMs: 60_000,
    key: "system:df",
  });
}

export function prunableImages(df: Record<string, unknown>, all: boolean): PrunableImage[] {
  return list(df.Images)
    .map(rec)
    .filter((i) => num(i.Containers) <= 0)
    .filter((i) => all || (!names(i.RepoTags, "<none>:<none>").length && !names(i.RepoDigests, "<none>@<none>").length))
    .map((i) => {
      const size = num(i.Size);
      const shared = Math.max(0, num(i.SharedSize));
      return {
        id: typeof i.Id === "string" ? i.Id : "",
        tags: names(i.RepoTags, "<none>:<none>"),
        created: num(i.Created),
        size,
        uniqueSize: Math.max(0, size - shared),
      };
    })
    .sort((a, b) => b.size - a.size);
}

export async function previewImagePrune(fleet: Fleet, environmentId: string, all: boolean): Promise<ImagePrunePreview> {
  const images = prunableImages(await diskUsage(fleet, environmentId), all);
  return {
    all,
    images,
    bytesAtLeast: images.reduce((sum, i) => sum + i.uniqueSize, 0),
    bytesAtMost: images.reduce((sum, i) => sum + i.size, 0),
  };
}

export async function pruneImages(fleet: Fleet, environmentId: string, all: boolean): Promise<ImagePruneResult> {
  const answer = rec(
    await fleet.call(
      environmentId,
      "image prune",
      (docker) =>
        docker.pruneImages({ filters: JSON.stringify({ dangling: [all ? "false" : "true"] }) }) as Promise<unknown>,
      { deadlineMs: 120_000 },
    ),
  );
  const deleted: string[] = [];
  const untagged: string[] = [];
  for (const item of list(answer.ImagesDeleted).map(rec)) {
    if (typeof item.Deleted === "string") deleted.push(item.Deleted);
    if (typeof item.Untagged === "string") untagged.push(item.Untagged);
  }
  return { deleted, untagged, bytesFreed: num(answer.SpaceReclaimed) };
}
