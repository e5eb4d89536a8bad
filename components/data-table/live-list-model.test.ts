import { describe, expect, it } from "vitest";
import {
  applyPictureEvents,
  errorsAfterStatus,
  mergeEnvironments,
  type EnvironmentStatus,
  type LiveListData,
  type PictureEvent,
} from "./live-list-model";

type Row = { environmentId: string; id: string; name: string; state: string };
const row = (environmentId: string, id: string, state = "running"): Row => ({ environmentId, id, name: id, state });

const list = (): LiveListData<Row> => ({
  items: [row("a", "web"), row("a", "db"), row("b", "api")],
  errors: [{ environmentId: "c", code: "unreachable", message: "refused", latencyMs: 3 }],
  paused: [],
});

const upsert = (environmentId: string, id: string, state: string): PictureEvent =>
  ({ environmentId, kind: "containers", type: "upsert", id, item: { id, name: id, state } }) as unknown as PictureEvent;

function status(environmentId: string, state: EnvironmentStatus["state"], message?: string): EnvironmentStatus {
  return {
    environmentId,
    name: environmentId,
    url: "unix:///x",
    state,
    since: 0,
    degradedReasons: [],
    pictureWarm: true,
    ...(message ? { lastError: { code: "unreachable", message, since: 0, at: 0 } } : {}),
  };
}

describe("applying the picture's changes to a live list", () => {
  it("replaces an upserted row in place and keeps every other row the same object", () => {
    const before = list();
    const after = applyPictureEvents(before, "containers", [upsert("a", "db", "exited")]);
    expect(after.items.map((r) => `${r.id}:${r.state}`)).toEqual(["web:running", "db:exited", "api:running"]);
    expect(after.items[0]).toBe(before.items[0]);
    expect(after.items[2]).toBe(before.items[2]);
  });

  it("adds new rows at the end, removes removed ones, and drops an environment's rows and error", () => {
    const after = applyPictureEvents(list(), "containers", [
      upsert("b", "cache", "created"),
      { environmentId: "a", kind: "containers", type: "remove", id: "web" },
      { environmentId: "c", type: "dropped" },
    ]);
    expect(after.items.map((r) => r.id)).toEqual(["db", "api", "cache"]);
    expect(after.items[2]!.environmentId).toBe("b");
    expect(after.errors).toEqual([]);
  });

  it("keeps what one batch says of an environment after dropping it (added back)", () => {
    const after = applyPictureEvents(list(), "containers", [
      upsert("a", "old", "running"),
      { environmentId: "a", type: "dropped" },
      upsert("a", "fresh", "created"),
    ]);
    expect(after.items.map((r) => `${r.environmentId}/${r.id}`)).toEqual(["b/api", "a/fresh"]);
  });

  it("takes the last word when one batch upserts and removes the same row", () => {
    const removedLast = applyPictureEvents(list(), "containers", [
      upsert("a", "web", "exited"),
      { environmentId: "a", kind: "containers", type: "remove", id: "web" },
    ]);
    expect(removedLast.items.map((r) => r.id)).toEqual(["db", "api"]);
  });

  it("answers the very same list when nothing of its kind changed (no re-render)", () => {
    const before = list();
    const events: PictureEvent[] = [
      { environmentId: "a", kind: "images", type: "remove", id: "sha256:1" },
      { environmentId: "a", type: "warm" },
      { environmentId: "a", type: "cold" },
    ];
    expect(applyPictureEvents(before, "containers", events)).toBe(before);
  });

  it("keys volumes by name", () => {
    const volumes = {
      items: [{ environmentId: "a", name: "data", driver: "local" }],
      errors: [],
      paused: [],
    };
    const after = applyPictureEvents(volumes, "volumes", [
      { environmentId: "a", kind: "volumes", type: "remove", id: "data" },
    ]);
    expect(after.items).toEqual([]);
  });
});

describe("a status message", () => {
  it("adds a banner for an environment that went down and takes it away when it is back", () => {
    const down = errorsAfterStatus([], status("a", "down", "connection refused"));
    expect(down).toEqual([{ environmentId: "a", code: "unreachable", message: "connection refused", latencyMs: 0 }]);
    expect(errorsAfterStatus(down, status("a", "down", "connection refused"))).toBe(down);
    expect(errorsAfterStatus(down, status("a", "up"))).toEqual([]);
    const none: never[] = [];
    expect(errorsAfterStatus(none, status("a", "up"))).toBe(none);
  });
});

describe("a resync of some environments", () => {
  it("replaces their rows, errors and pauses, and leaves the others alone", () => {
    const before = list();
    const after = mergeEnvironments(before, { items: [row("c", "new")], errors: [], paused: [] }, ["a", "c"]);
    expect(after.items.map((r) => r.id)).toEqual(["api", "new"]);
    expect(after.items[0]).toBe(before.items[2]);
    expect(after.errors).toEqual([]);
  });
});
