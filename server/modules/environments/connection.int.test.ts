// Changing where an environment points is as strong as adding one (issue #11 item 1): a user
// who manages one environment may rename, organise and pause it, but not point it at another
// engine the server can reach, nor probe addresses with the connection test.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { codeOf } from "../../testing/calls";
import { openHarness, type Harness } from "../../testing/harness";
import { need } from "../../testing/testbed-env";
import type { Actor } from "../../core/context";

const testbed = inject("testbed");
let h: Harness;
let admin: Actor;
let manager: Actor;
let environmentId: string;

beforeAll(async () => {
  h = await openHarness();
  admin = await h.actorFor((await h.makeUser([{ role: "Administrator" }], "conn-admin")).id);
  const env = await h.caller(admin).environments.create({
    name: "managed",
    url: `unix://${need(testbed, "TESTBED_STANDALONE_SOCKET")}`,
  });
  environmentId = env.id;
  // Everything inside this one environment, environment.manage included.
  const user = await h.makeUser([{ role: "Environment admin", environmentId }], "conn-manager");
  manager = await h.actorFor(user.id);
});
afterAll(async () => {
  h?.services.fleet.close();
  await h?.close();
});

describe("an environment's connection", () => {
  it("cannot be pointed elsewhere by a manager of that environment alone", async () => {
    const before = await h.prisma.environment.findUniqueOrThrow({ where: { id: environmentId } });
    const elsewhere = `unix://${need(testbed, "TESTBED_SWARM_MANAGER_SOCKET")}`;
    const api = h.caller(manager);
    expect(await codeOf(api.environments.update({ environmentId, connection: { url: elsewhere } }))).toBe("FORBIDDEN");
    // …not even together with a harmless rename.
    expect(
      await codeOf(api.environments.update({ environmentId, name: "renamed", connection: { url: elsewhere } })),
    ).toBe("FORBIDDEN");
    const after = await h.prisma.environment.findUniqueOrThrow({ where: { id: environmentId } });
    expect(after).toEqual(before);
    const denied = await h.prisma.auditEvent.findMany({
      where: { action: "environments.update", actorUserId: manager.userId, outcome: "denied" },
    });
    expect(denied).toHaveLength(2);
    expect(denied[0]!.error).toMatch(/on every environment/);
  });

  it("cannot be tested (probing any address) by a manager of one environment", async () => {
    const api = h.caller(manager);
    const probe = { url: `unix://${need(testbed, "TESTBED_SWARM_MANAGER_SOCKET")}` };
    expect(await codeOf(api.environments.test(probe))).toBe("FORBIDDEN");
    expect(await codeOf(api.environments.test({ ...probe, environmentId } as typeof probe))).toBe("FORBIDDEN");
  });

  it("still lets that manager rename, organise and pause it", async () => {
    const api = h.caller(manager);
    const renamed = await api.environments.update({ environmentId, name: "managed-2", tags: ["a"], group: "g" });
    expect(renamed).toMatchObject({ name: "managed-2", tags: ["a"], group: "g" });
    await api.environments.setPaused({ environmentId, paused: true });
    await api.environments.setPaused({ environmentId, paused: false });
    const row = await h.prisma.environment.findUniqueOrThrow({ where: { id: environmentId } });
    expect(row.url).toBe(`unix://${need(testbed, "TESTBED_STANDALONE_SOCKET")}`);
  });

  it("can be changed, after a test, by one who may add environments", async () => {
    const elsewhere = `unix://${need(testbed, "TESTBED_SWARM_MANAGER_SOCKET")}`;
    const changed = await h.caller(admin).environments.update({ environmentId, connection: { url: elsewhere } });
    expect(changed.url).toBe(elsewhere);
    expect(await h.caller(admin).environments.test({ url: elsewhere })).toMatchObject({
      swarm: { role: "manager" },
    });
  });
});
