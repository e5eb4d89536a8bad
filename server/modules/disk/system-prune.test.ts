import { describe, expect, it } from "vitest";
import { matchesLabels, systemPrunePreviewFrom } from "./system-prune";
import { usageFromDf } from "./usage";

// The engine's /system/df words, trimmed to what the preview reads.
const df = {
  LayersSize: 300,
  Containers: [
    { Id: "c1", Names: ["/web"], State: "running", ImageID: "i-used", SizeRw: 5, Mounts: [] },
    {
      Id: "c2",
      Names: ["/old"],
      State: "exited",
      ImageID: "i-old",
      SizeRw: 7,
      Labels: { team: "a" },
      Mounts: [{ Type: "volume", Name: "anon-old" }],
    },
    { Id: "c3", Names: ["/sleepy"], State: "paused", ImageID: "i-used", SizeRw: 1, Mounts: [] },
  ],
  Images: [
    { Id: "i-used", RepoTags: ["web:1"], Containers: 2, Size: 100, SharedSize: 0 },
    // Only the stopped container holds it: once the container goes, it is unused too.
    { Id: "i-old", RepoTags: ["<none>:<none>"], Containers: 1, Size: 50, SharedSize: 10, Labels: { team: "a" } },
    { Id: "i-tagged", RepoTags: ["tool:2"], Containers: 0, Size: 80, SharedSize: 0 },
  ],
  Volumes: [
    {
      Name: "anon-old",
      Driver: "local",
      Labels: { "com.docker.volume.anonymous": "" },
      UsageData: { RefCount: 1, Size: 4 },
    },
    { Name: "named", Driver: "local", Labels: {}, UsageData: { RefCount: 0, Size: 9 } },
  ],
  BuildCache: [
    { ID: "b1", InUse: false, Shared: false, Size: 20 },
    { ID: "b2", InUse: true, Shared: false, Size: 30 },
  ],
};

const base = { allImages: false, volumes: false, labels: [] as string[], volumesIncludeNamed: false };

describe("system prune preview", () => {
  it("counts what a stopped container held as going with it, keeps paused and running ones", () => {
    const preview = systemPrunePreviewFrom(df, [], { ...base, volumes: true });
    expect(preview.containers.map((c) => c.name)).toEqual(["old"]);
    expect(preview.images.map((i) => i.id)).toEqual(["i-old"]);
    expect(preview.volumes.map((v) => v.name)).toEqual(["anon-old"]);
    expect(preview.buildCache).toEqual({ count: 1, bytes: 20 });
    expect(preview.bytesAtLeast).toBe(7 + 40 + 4 + 20);
  });

  it("takes tagged unused images with -a, named volumes on engines that prune them", () => {
    const preview = systemPrunePreviewFrom(df, [], {
      ...base,
      allImages: true,
      volumes: true,
      volumesIncludeNamed: true,
    });
    expect(preview.images.map((i) => i.id)).toEqual(["i-tagged", "i-old"]);
    expect(preview.volumes.map((v) => v.name)).toEqual(["named", "anon-old"]);
  });

  it("a label filter keeps what lacks the label and the whole build cache", () => {
    const preview = systemPrunePreviewFrom(df, [], { ...base, allImages: true, labels: ["team=a"] });
    expect(preview.containers.map((c) => c.name)).toEqual(["old"]);
    expect(preview.images.map((i) => i.id)).toEqual(["i-old"]);
    expect(preview.buildCache).toBeNull();
    expect(systemPrunePreviewFrom(df, [], { ...base, labels: ["team=b"] }).containers).toEqual([]);
  });

  it("matches labels as the engine does: key, or key=value, all of them", () => {
    expect(matchesLabels({ a: "1", b: "" }, ["a", "b="])).toBe(true);
    expect(matchesLabels({ a: "1" }, ["a=2"])).toBe(false);
    expect(matchesLabels(undefined, ["a"])).toBe(false);
    expect(matchesLabels(undefined, [])).toBe(true);
  });
});

describe("disk usage by kind", () => {
  it("totals each kind and what a prune could free", () => {
    const usage = usageFromDf("e1", df);
    const kind = (k: string) => usage.kinds.find((u) => u.kind === k)!;
    expect(kind("images")).toMatchObject({ count: 3, active: 2, bytes: 300 });
    expect(kind("containers")).toMatchObject({ count: 3, active: 2, bytes: 13, reclaimableBytes: 7 });
    expect(kind("volumes")).toMatchObject({ count: 2, active: 1, bytes: 13, reclaimableBytes: 9 });
    expect(kind("buildCache")).toMatchObject({ count: 2, active: 1, bytes: 50, reclaimableBytes: 20 });
  });
});
