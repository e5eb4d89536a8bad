// The live picture through the API: a container started straight on an engine shows up in
// containers.list and in an open subscription within a second; a caller scoped to another
// environment hears nothing of it.
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { need } from "../testing/testbed-env";
import { openHarness, type Harness } from "../testing/harness";
import { waitUntil } from "../testing/wait-until";
import type { Actor } from "../core/context";

const testbed = inject("testbed");
let h: Harness;
let admin: Actor;
let standaloneId: string;
let swarmId: string;
const engine = new Docker({ socketPath: need(testbed, "TESTBED_STANDALONE_SOCKET"), version: "v1.41" });

beforeAll(async () => {
  h = await openHarness();
  admin = await h.actorFor((await h.makeUser([{ role: "Administrator" }], "live-admin")).id);
  const api = h.caller(admin);
  standaloneId = (
    await api.environments.create({ name: "standalone", url: `unix://${need(testbed, "TESTBED_STANDALONE_SOCKET")}` })
  ).id;
  swarmId = (
    await api.environments.create({ name: "swarm", url: `unix://${need(testbed, "TESTBED_SWARM_MANAGER_SOCKET")}` })
  ).id;
});
afterAll(async () => {
  const leftovers = await engine.listContainers({ all: true, filters: { label: ["stevedore.test=live"] } });
  await Promise.all(leftovers.map((c) => engine.getContainer(c.Id).remove({ force: true })));
  await h?.close();
});

describe("live picture", () => {
  it("shows a container started from the CLI side in the list and an open subscription, from the engine's event", async () => {
    const api = h.caller(admin);
    // Wait until the picture is warm so the list is answered from it.
    await waitUntil(() => Promise.resolve(h.services.fleet.picture.isWarm(standaloneId) ? true : undefined), {
      ms: 15_000,
      everyMs: 25,
    });
    const changes = await api.fleet.changes({ environmentIds: [standaloneId] });
    const name = `live-${Date.now()}`;
    const heard = (async () => {
      for await (const change of changes) {
        if (change.type !== "picture") continue;
        const hit = change.events.find(
          (e) =>
            "kind" in e &&
            e.kind === "containers" &&
            e.type === "upsert" &&
            e.item.name === name &&
            e.item.state === "running",
        );
        if (hit) return performance.now();
      }
      return null;
    })();

    const container = await engine.createContainer({
      Image: need(testbed, "TESTBED_FIXTURE_IMAGE"),
      name,
      Cmd: ["sleep", "300"],
      Labels: { "stevedore.test": "live" },
    });
    await container.start();
    // From the moment the engine says it started (its own create/start time is not ours).
    const started = performance.now();
    const heardAt = await heard; // returning from the loop ends the subscription
    expect(heardAt).not.toBeNull();
    // Carried by the engine's event, not a later re-read: a loose bound holds on a loaded machine.
    expect(Math.max(0, heardAt! - started)).toBeLessThan(10_000);

    const list = await api.containers.list({ environmentIds: [standaloneId] });
    expect(list.errors).toEqual([]);
    expect(list.items.find((c) => c.name === name)).toMatchObject({ environmentId: standaloneId, state: "running" });
    await container.remove({ force: true });
    await waitUntil(
      async () =>
        (await api.containers.list({ environmentIds: [standaloneId] })).items.some((c) => c.name === name)
          ? undefined
          : true,
      { ms: 5000, everyMs: 25 },
    );
  });

  it("keeps each caller to their environments", async () => {
    const scoped = await h.actorFor(
      (await h.makeUser([{ role: "Read-only", environmentId: swarmId }], "swarm-only")).id,
    );
    const api = h.caller(scoped);
    const list = await api.containers.list();
    expect(new Set(list.items.map((c) => c.environmentId))).toEqual(new Set(list.items.length ? [swarmId] : []));
    expect((await api.containers.list({ environmentIds: [standaloneId] })).items).toEqual([]);
    expect((await api.environments.list()).map((e) => e.name)).toEqual(["swarm"]);
  });
});
