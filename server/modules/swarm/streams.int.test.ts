// The swarm's live streams hold their permission as every stream does (trpc/streaming.ts
// whileAllowed): a page following a cluster's changes stops when its binding goes, and a
// binding on a worker's environment opens no stream on the whole cluster.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { codeOf } from "../../testing/calls";
import { openHarness, type Harness } from "../../testing/harness";
import { need } from "../../testing/testbed-env";
import type { Actor } from "../../core/context";

const testbed = inject("testbed");
let h: Harness;
let admin: Actor;
const env = { manager: "", w1: "" };

async function waitFor<T>(probe: () => Promise<T | undefined>, ms: number, what: string): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  h = await openHarness();
  admin = await h.actorFor((await h.makeUser([{ role: "Administrator" }], "streams-admin")).id);
  const api = h.caller(admin);
  env.manager = (
    await api.environments.create({ name: "mgr", url: `unix://${need(testbed, "TESTBED_SWARM_MANAGER_SOCKET")}` })
  ).id;
  env.w1 = (
    await api.environments.create({ name: "w1", url: `unix://${need(testbed, "TESTBED_SWARM_WORKER1_SOCKET")}` })
  ).id;
  await waitFor(
    async () => {
      const { items } = await api.swarm.clusters();
      return items.length === 1 && items[0]!.environments.length === 2 ? items : undefined;
    },
    30_000,
    "one cluster of two environments",
  );
});

afterAll(async () => {
  await h?.close();
});

describe("swarm streams", () => {
  it("a reader's cluster feed ends when the binding on the manager is removed", async () => {
    const user = await h.makeUser([{ role: "Read-only", environmentId: env.manager }]);
    const reader = await h.actorFor(user.id);
    const feed = (await h.caller(reader).swarm.changes({ environmentId: env.w1 }))[Symbol.asyncIterator]();
    expect((await feed.next()).value).toEqual({ type: "resync", reason: "connected" });
    await h.prisma.roleBinding.deleteMany({ where: { userId: user.id } });
    // The one re-check (every 2 s) ends it quietly: a normal end of the stream, not an error.
    const end = await Promise.race([
      (async () => {
        for (;;) if ((await feed.next()).done) return "ended";
      })(),
      new Promise((r) => setTimeout(() => r("still open"), 20_000)),
    ]);
    expect(end).toBe("ended");
  });

  it("a binding on a worker's environment opens none of the cluster's streams", async () => {
    const user = await h.makeUser([{ role: "Administrator", environmentId: env.w1 }]);
    const workerAdmin = h.caller(await h.actorFor(user.id));
    expect(await codeOf(workerAdmin.swarm.changes({ environmentId: env.w1 }))).toBe("FORBIDDEN");
    // Refused on the binding, before anything is looked up: no service needs to exist.
    const target = { environmentId: env.w1, id: "web" };
    expect(await codeOf(workerAdmin.services.rollout(target))).toBe("FORBIDDEN");
    expect(await codeOf(workerAdmin.services.logs(target))).toBe("FORBIDDEN");
  });
});
