import { describe, expect, it } from "vitest";
import { Picture, type PictureEvent } from "./picture";
import type { ContainerSummary } from "./resources";

function container(id: string, state = "running"): ContainerSummary {
  return {
    id,
    name: id,
    names: [id],
    image: "busybox",
    imageId: "sha256:1",
    command: "sleep 300",
    state,
    status: state,
    created: 1,
    ports: [],
    labels: {},
    networks: [],
    volumes: [],
  };
}

describe("Picture", () => {
  it("is cold until warmed, and lists only then", () => {
    const picture = new Picture();
    picture.replace("e", "containers", [container("a")]);
    expect(picture.list("e", "containers")).toBeUndefined();
    picture.setWarm("e", true);
    expect(picture.list("e", "containers")?.map((c) => c.id)).toEqual(["a"]);
    expect(picture.list("e", "services")).toEqual([]);
  });

  it("stamps each kind with a new version on every change, and keeps it when nothing changed", () => {
    const picture = new Picture();
    expect(picture.version("e", "containers")).toBe(0);
    picture.replace("e", "containers", [container("a")]);
    const first = picture.version("e", "containers");
    expect(first).toBeGreaterThan(0);
    picture.replace("e", "containers", [container("a")]);
    picture.apply("e", "containers", ["zz"], []);
    expect(picture.version("e", "containers")).toBe(first);
    picture.apply("e", "containers", ["a"], [container("a", "exited")]);
    const second = picture.version("e", "containers");
    expect(second).toBeGreaterThan(first);
    picture.apply("e", "containers", ["a"], []);
    expect(picture.version("e", "containers")).toBeGreaterThan(second);
    // A kind never changed carries the stamp of the environment's arrival (older than any change).
    expect(picture.version("e", "images")).toBeGreaterThan(0);
    expect(picture.version("e", "images")).toBeLessThan(first);
    // Forgotten and made again: never a version seen before, even for a kind that stays empty.
    const last = picture.version("e", "containers");
    picture.drop("e");
    picture.setWarm("e", true);
    expect(picture.version("e", "containers")).toBeGreaterThan(last);
    picture.replace("e", "containers", [container("a")]);
    expect(picture.version("e", "containers")).toBeGreaterThan(last);
  });

  it("reports only differences on a resync", () => {
    const picture = new Picture();
    picture.replace("e", "containers", [container("a"), container("b")]);
    const changes = picture.replace("e", "containers", [container("a"), container("b", "exited"), container("c")]);
    expect(changes.map((c) => [c.type, c.id])).toEqual([
      ["upsert", "b"],
      ["upsert", "c"],
    ]);
    expect(picture.replace("e", "containers", [container("c")]).map((c) => [c.type, c.id])).toEqual([
      ["remove", "a"],
      ["remove", "b"],
    ]);
  });

  it("applies a targeted refresh: what the engine no longer knows is removed", () => {
    const picture = new Picture();
    picture.replace("e", "containers", [container("a"), container("b")]);
    const changes = picture.apply("e", "containers", ["a", "b"], [container("a", "paused")]);
    expect(changes.map((c) => [c.type, c.id])).toEqual([
      ["upsert", "a"],
      ["remove", "b"],
    ]);
    expect(picture.get("e", "containers", "a")?.state).toBe("paused");
    expect(picture.apply("e", "containers", ["zzz"], [])).toEqual([]);
  });

  it("tells subscribers about their environments only, and survives a throwing listener", () => {
    const picture = new Picture();
    const heard: PictureEvent[] = [];
    picture.subscribe(() => {
      throw new Error("broken page");
    });
    const unsubscribe = picture.subscribe((events) => heard.push(...events), ["e"]);
    const original = console.error;
    console.error = () => undefined;
    try {
      picture.emit(picture.replace("e", "containers", [container("a")]));
      picture.emit(picture.replace("other", "containers", [container("x")]));
      picture.setWarm("e", true);
      unsubscribe();
      picture.setWarm("e", false);
    } finally {
      console.error = original;
    }
    expect(heard.map((e) => e.type)).toEqual(["upsert", "warm"]);
  });

  it("drops a kind and an environment", () => {
    const picture = new Picture();
    picture.replace("e", "nodes", []);
    expect(picture.count("e", "nodes")).toBe(0);
    picture.dropKind("e", "nodes");
    expect(picture.count("e", "nodes")).toBeUndefined();
    picture.setWarm("e", true);
    picture.drop("e");
    expect(picture.isWarm("e")).toBe(false);
  });
});
