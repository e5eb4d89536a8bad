// Environments through the API against the real testbed engines: each kind connects, each
// failure names its cause, keys stay sealed, and status comes from the fleet.
import { readFileSync } from "node:fs";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { need } from "../testing/testbed-env";
import { openHarness, type Harness } from "../testing/harness";
import type { Actor } from "../core/context";

const testbed = inject("testbed");
let h: Harness;
let admin: Actor;

beforeAll(async () => {
  h = await openHarness();
  admin = await h.actorFor((await h.makeUser([{ role: "Administrator" }], "env-admin")).id);
});
afterAll(async () => {
  await h?.close();
});

const tls = () => ({
  ca: readFileSync(need(testbed, "TESTBED_TLS_CA"), "utf8"),
  cert: readFileSync(need(testbed, "TESTBED_TLS_CERT"), "utf8"),
  key: readFileSync(need(testbed, "TESTBED_TLS_KEY"), "utf8"),
});

async function failure(promise: Promise<unknown>): Promise<TRPCError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCError) return error;
    throw error;
  }
  throw new Error("expected a failure");
}

describe("adding environments", () => {
  it("adds the standalone engine and reports what it is", async () => {
    const api = h.caller(admin);
    const env = await api.environments.create({
      name: "standalone",
      url: `unix://${need(testbed, "TESTBED_STANDALONE_SOCKET")}`,
      tags: ["test"],
    });
    expect(env.report).toMatchObject({ swarm: { role: "standalone" } });
    expect(env.report!.engine.version).toMatch(/^20\./);
  });

  it("adds the swarm manager and sees it is one, with three nodes", async () => {
    const env = await h.caller(admin).environments.create({
      name: "swarm",
      url: `unix://${need(testbed, "TESTBED_SWARM_MANAGER_SOCKET")}`,
    });
    expect(env.report!.swarm).toMatchObject({ role: "manager", nodes: 3 });
  });

  it("adds the TLS engine with client certificates, keeps the key sealed and never returns it", async () => {
    const api = h.caller(admin);
    const certs = tls();
    const env = await api.environments.create({ name: "tls", url: need(testbed, "TESTBED_TLS_URL"), tls: certs });
    expect(env.report!.engine.version).toBeTruthy();
    const row = await h.prisma.environment.findUniqueOrThrow({ where: { id: env.id } });
    expect(row.tlsKeySealed).toMatch(/^v1:/);
    expect(row.tlsKeySealed).not.toContain("PRIVATE KEY");
    const everything = JSON.stringify([
      env,
      await api.environments.list(),
      await api.environments.get({ environmentId: env.id }),
    ]);
    expect(everything).not.toContain(certs.key.split("\n")[1]!);
    expect(env.tls).toEqual({ ca: true, cert: true, key: true });
  });

  it("says the TLS handshake failed when the client certificate is missing", async () => {
    const { ca } = tls();
    const error = await failure(
      h.caller(admin).environments.create({ name: "tls-nocert", url: need(testbed, "TESTBED_TLS_URL"), tls: { ca } }),
    );
    expect(error.code).toBe("BAD_GATEWAY");
    expect(error.message).toMatch(/TLS|certificate/i);
    expect(await h.prisma.environment.findUnique({ where: { name: "tls-nocert" } })).toBeNull();
  });

  it("says the connection was refused on a closed port", async () => {
    const error = await failure(
      h
        .caller(admin)
        .environments.create({ name: "closed", url: `tcp://${need(testbed, "TESTBED_SWARM_MANAGER_ADDR")}:2399` }),
    );
    expect(error.message).toMatch(/refused/i);
  });

  it("says the socket does not exist", async () => {
    const error = await failure(
      h.caller(admin).environments.create({ name: "nosock", url: "unix:///tmp/stevedore-no-such.sock" }),
    );
    expect(error.message).toMatch(/no docker socket exists/i);
  });

  it("lists them with live status from the fleet", async () => {
    const api = h.caller(admin);
    let list = await api.environments.list();
    for (let i = 0; i < 50 && list.some((e) => e.status?.state !== "up"); i++) {
      await new Promise((r) => setTimeout(r, 100));
      list = await api.environments.list();
    }
    expect(list.map((e) => [e.name, e.status?.state])).toEqual([
      ["standalone", "up"],
      ["swarm", "up"],
      ["tls", "up"],
    ]);
    expect(list.find((e) => e.name === "swarm")!.status!.swarm!.role).toBe("manager");
  });
});
