import { describe, expect, it } from "vitest";
import type { EnvironmentStatus, PictureEvent } from "../../docker/index";
import { ChangeQueue, resyncFor, statusDifference, type FleetChange } from "./changes";

function status(patch: Partial<EnvironmentStatus> = {}): EnvironmentStatus {
  return {
    environmentId: "e1",
    name: "one",
    url: "unix:///x.sock",
    state: "up",
    since: 1,
    degradedReasons: [],
    pictureWarm: true,
    counts: { containers: 3, running: 2, paused: 0, stopped: 1, images: 1 },
    ...patch,
  };
}

const upsert = (environmentId: string, id: string): PictureEvent => ({
  environmentId,
  kind: "volumes",
  type: "upsert",
  id,
  item: { name: id, driver: "local", scope: "local", labels: {} },
});

describe("statusDifference", () => {
  it("tells a move of the counts alone from a change of status", () => {
    const before = status();
    const moreRunning = status({ counts: { containers: 3, running: 3, paused: 0, stopped: 0, images: 1 } });
    expect(statusDifference(moreRunning, before)).toEqual({ status: false, counts: true });
    expect(statusDifference(status({ state: "degraded" }), before)).toEqual({ status: true, counts: false });
    expect(statusDifference(status({ pictureWarm: false }), before).status).toBe(true);
  });

  it("ignores the timestamps of routine probes", () => {
    const before = status({ checkedAt: 1, latencyMs: 3 });
    expect(statusDifference(status({ checkedAt: 2, latencyMs: 9 }), before)).toEqual({
      status: false,
      counts: false,
    });
    const failing = (at: number) =>
      status({ state: "down", lastError: { code: "UNREACHABLE", message: "refused", since: 1, at } });
    expect(statusDifference(failing(5), failing(4)).status).toBe(false);
  });

  it("counts a first status as a change", () => {
    expect(statusDifference(status(), undefined)).toEqual({ status: true, counts: true });
  });
});

describe("resyncFor", () => {
  it("names environments whose picture was rebuilt or dropped", () => {
    expect(
      resyncFor([
        { environmentId: "a", type: "warm" },
        { environmentId: "b", type: "cold" },
        { environmentId: "c", type: "dropped" },
        upsert("d", "v"),
        { environmentId: "a", type: "warm" },
      ]),
    ).toEqual(["a", "c"]);
  });
});

describe("ChangeQueue", () => {
  const drain = (queue: ChangeQueue) => {
    const out: FleetChange[] = [];
    for (let change = queue.shift(); change; change = queue.shift()) out.push(change);
    return out;
  };

  it("passes messages through in order while the page keeps up", () => {
    const queue = new ChangeQueue({ messages: 10, events: 100 });
    queue.push({ type: "status", status: status() });
    queue.push({ type: "picture", events: [upsert("e1", "v1")] });
    expect(drain(queue).map((c) => c.type)).toEqual(["status", "picture"]);
    expect(queue.overflows).toBe(0);
  });

  it("replaces what a slow page missed by a resync of those environments, keeping the latest status", () => {
    const queue = new ChangeQueue({ messages: 5, events: 1_000 });
    queue.push({ type: "status", status: status({ state: "degraded" }) });
    for (let i = 0; i < 4; i++) queue.push({ type: "picture", events: [upsert(i % 2 ? "e1" : "e2", `v${i}`)] });
    queue.push({ type: "status", status: status({ state: "up" }) });
    expect(queue.overflows).toBe(1);
    const left = drain(queue);
    expect(left).toEqual([
      { type: "status", status: status({ state: "up" }) },
      { type: "resync", environmentIds: ["e2", "e1"] },
    ]);
  });

  it("collapses on the number of events too, and reads everything again past a resync of all", () => {
    const queue = new ChangeQueue({ messages: 100, events: 3 });
    queue.push({ type: "resync", environmentIds: "all" });
    queue.push({
      type: "picture",
      events: [upsert("e1", "a"), upsert("e1", "b"), upsert("e1", "c"), upsert("e1", "d")],
    });
    expect(drain(queue)).toEqual([{ type: "resync", environmentIds: "all" }]);
  });

  it("keeps a page's start first through a collapse (the stamps its list is checked against)", () => {
    const queue = new ChangeQueue({ messages: 100, events: 2 });
    const start = { type: "start" as const, stamps: { e1: { warm: true, version: 7 } }, statuses: [] };
    queue.push(start);
    queue.push({ type: "picture", events: [upsert("e1", "a"), upsert("e1", "b"), upsert("e1", "c")] });
    expect(drain(queue)).toEqual([start, { type: "resync", environmentIds: ["e1"] }]);
  });

  it("keeps taking messages after a collapse", () => {
    const queue = new ChangeQueue({ messages: 2, events: 100 });
    for (let i = 0; i < 3; i++) queue.push({ type: "picture", events: [upsert("e1", `v${i}`)] });
    queue.push({ type: "picture", events: [upsert("e3", "late")] });
    expect(drain(queue)).toEqual([
      { type: "resync", environmentIds: ["e1"] },
      { type: "picture", events: [upsert("e3", "late")] },
    ]);
  });
});
