// fleet.changes against a real engine: a container starting moves the environment's counts,
// which is not a status change (lists hear the object, Home hears the counts); an environment
// whose picture is rebuilt (paused and resumed, as after a reconnect) is announced as a resync;
// a list read before the feed starts, as a page reads it, loses no change made in between; nor
// does a page's read of the environments (their status), whose feed starts with the statuses.
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openHarness, type Harness } from "../../testing/harness";
import { need } from "../../testing/testbed-env";
import type { Actor } from "../../core/context";
import type { FleetChange } from "./changes";
import { LiveListSync, type StampedList } from "../../../components/data-table/live-list-sync";
import { LiveStatusSync } from "../../../components/data-table/live-status-sync";
import { waitUntil } from "../../testing/wait-until";

const testbed = inject("testbed");
const engine = new Docker({ socketPath: need(testbed, "TESTBED_STANDALONE_SOCKET"), version: "v1.41" });
let h: Harness;
let admin: Actor;
let environmentId: string;

beforeAll(async () => {
  h = await openHarness();
  admin = await h.actorFor((await h.makeUser([{ role: "Administrator" }], "changes-admin")).id);
  environmentId = (
    await h
      .caller(admin)
      .environments.create({ name: "standalone", url: `unix://${need(testbed, "TESTBED_STANDALONE_SOCKET")}` })
  ).id;
  const until = Date.now() + 15_000;
  while (!h.services.fleet.picture.isWarm(environmentId)) {
    if (Date.now() > until) throw new Error("the picture did not warm");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
});

afterAll(async () => {
  const leftovers = await engine.listContainers({ all: true, filters: { label: ["stevedore.test=changes"] } });
  await Promise.all(leftovers.map((c) => engine.getContainer(c.Id).remove({ force: true })));
  await h?.close();
});

/** Reads `feed` until `until` says stop; returns what was read. */
async function readUntil(
  feed: AsyncIterable<FleetChange>,
  until: (change: FleetChange) => boolean,
): Promise<FleetChange[]> {
  const seen: FleetChange[] = [];
  for await (const change of feed) {
    seen.push(change);
    if (until(change)) break; // leaving the loop ends the subscription
  }
  return seen;
}

describe("fleet.changes", () => {
  it("sends counts, not a status, when a container starts; and counts only to pages that ask", async () => {
    const api = h.caller(admin);
    const before = h.services.fleet.status(environmentId)?.counts;
    const list = await api.fleet.changes({ environmentIds: [environmentId] });
    const home = await api.fleet.changes({ environmentIds: [environmentId], counts: true });
    const name = `changes-${Date.now()}`;
    const listHeard = readUntil(list, (c) => running(c, name));
    const homeHeard = readUntil(home, (c) => c.type === "counts" && c.counts?.running === (before?.running ?? 0) + 1);

    const container = await engine.createContainer({
      Image: need(testbed, "TESTBED_FIXTURE_IMAGE"),
      name,
      Cmd: ["sleep", "300"],
      Labels: { "stevedore.test": "changes" },
    });
    await container.start();

    const [forList, forHome] = await Promise.all([listHeard, homeHeard]);
    // A status message for this environment would have been queued before the picture change.
    expect(forList.filter((c) => c.type === "status" || c.type === "counts")).toEqual([]);
    expect(forHome.at(-1)).toMatchObject({ type: "counts", environmentId });
    expect(forHome.filter((c) => c.type === "status")).toEqual([]);
    await container.remove({ force: true });
  });

  it("announces a resync once the environment's picture is rebuilt", async () => {
    const api = h.caller(admin);
    const feed = await api.fleet.changes({ environmentIds: [environmentId] });
    const heard = readUntil(feed, (c) => c.type === "resync");
    await api.environments.setPaused({ environmentId, paused: true });
    await api.environments.setPaused({ environmentId, paused: false });
    const seen = await heard;
    expect(seen.at(-1)).toEqual({ type: "resync", environmentIds: [environmentId] });
    // The page was told the status (paused, then back) along the way.
    expect(seen.some((c) => c.type === "status" && c.status.state === "paused")).toBe(true);
  });
});

describe("a list read before its feed starts", () => {
  it("gets the change made in between: the feed's start names the environment, read again", async () => {
    const api = h.caller(admin);
    type List = StampedList<{ environmentId: string; name: string }>;
    let held: List | undefined;
    const reads: Array<string[] | undefined> = [];
    // The page's own join (components/data-table/live-list-sync.ts) over the real API.
    const sync: LiveListSync<List> = new LiveListSync<List>("containers", {
      read: async (environmentIds) => {
        reads.push(environmentIds);
        return api.containers.list(environmentIds ? { environmentIds } : undefined);
      },
      get: () => held,
      update: (change) => {
        if (held) held = change(held);
      },
      rereadAll: () => void sync.readAll().then((list) => (held = list)),
    });
    // The page reads the list at once; the feed is not there yet.
    held = await sync.readAll();
    const name = `changes-gap-${Date.now()}`;
    expect(held.items.some((c) => c.name === name)).toBe(false);

    // A container is made between the read and the feed's start, and the picture has it.
    const container = await engine.createContainer({
      Image: need(testbed, "TESTBED_FIXTURE_IMAGE"),
      name,
      Cmd: ["sleep", "300"],
      Labels: { "stevedore.test": "changes" },
    });
    await waitUntil(() =>
      Promise.resolve(
        [...(h.services.fleet.picture.values(environmentId, "containers") ?? [])].some((c) => c.name === name)
          ? true
          : undefined,
      ),
    );

    const feed = await api.fleet.changes({ list: "containers" });
    const iterator = feed[Symbol.asyncIterator]();
    const start = (await iterator.next()).value as FleetChange;
    expect(start.type).toBe("start");
    if (start.type !== "start") return;
    expect(start.stamps[environmentId]!.version).toBeGreaterThan(held.stamps![environmentId]!.version);
    sync.started(start.stamps);
    // Only the environment that moved is read again, and the page then holds the container.
    await waitUntil(() => Promise.resolve(held!.items.some((c) => c.name === name) ? true : undefined), 30_000);
    expect(reads).toEqual([undefined, [environmentId]]);

    // A read after the start misses nothing, so its stamps are never older than the start's.
    const after = await api.containers.list();
    expect(after.stamps[environmentId]!.version).toBeGreaterThanOrEqual(start.stamps[environmentId]!.version);
    await iterator.return?.();
    await container.remove({ force: true });
  });
});

describe("Home's environments read before their feed starts", () => {
  it("show a status change made in between: the feed's start carries the statuses", async () => {
    const api = h.caller(admin);
    const sync = new LiveStatusSync();
    // Home reads the environments at once; the feed is not there yet.
    let held = sync.settle(await api.environments.list());
    expect(held.find((env) => env.id === environmentId)?.status?.state).not.toBe("paused");
    try {
      // The environment is paused between the read and the feed's start.
      await api.environments.setPaused({ environmentId, paused: true });
      const feed = await api.fleet.changes({ counts: true });
      const iterator = feed[Symbol.asyncIterator]();
      const start = (await iterator.next()).value as FleetChange;
      await iterator.return?.();
      expect(start.type).toBe("start");
      if (start.type !== "start") return;
      held = sync.started(start.statuses, held)!;
      expect(held.find((env) => env.id === environmentId)?.status?.state).toBe("paused");
    } finally {
      await api.environments.setPaused({ environmentId, paused: false });
    }
  });

  it("start with only the statuses of environments the caller may read", async () => {
    const other = await h.caller(admin).environments.create({
      name: "changes-other",
      url: "unix:///tmp/changes-none.sock",
      skipTest: true,
    });
    try {
      const viewer = await h.actorFor((await h.makeUser([{ role: "Read-only", environmentId }], "changes-viewer")).id);
      // Home asks with counts; the Environments page, which holds no list, for the statuses alone.
      for (const input of [{ counts: true }, { statuses: true }]) {
        const feed = await h.caller(viewer).fleet.changes(input);
        const iterator = feed[Symbol.asyncIterator]();
        const start = (await iterator.next()).value as FleetChange;
        await iterator.return?.();
        expect(start).toMatchObject({ type: "start", stamps: {} });
        if (start.type !== "start") return;
        expect(start.statuses.map((s) => s.environmentId)).toEqual([environmentId]);
      }
    } finally {
      await h.caller(admin).environments.remove({ environmentId: other.id });
    }
  });
});

function running(change: FleetChange, name: string): boolean {
  return (
    change.type === "picture" &&
    change.events.some(
      (e) =>
        "kind" in e &&
        e.kind === "containers" &&
        e.type === "upsert" &&
        e.item.name === name &&
        e.item.state === "running",
    )
  );
}
