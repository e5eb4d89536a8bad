// Container actions through the API on real engines: a standalone host and a swarm worker
// reached through its own endpoint. Each action changes the engine; a refusal or an
// unwritable audit trail leaves it alone.
import Docker from "dockerode";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { need } from "../../testing/testbed-env";
import { openHarness, type Harness } from "../../testing/harness";
import type { Actor } from "../../core/context";
import { reconcileOpenIntents } from "../../audit/reconcile";
import { observeWithFleet } from "../../environments/observe";
import { MASKED } from "./router";
import { batchLines } from "../../docker/index";
import { shellQuote } from "../../workloads/cli";

const testbed = inject("testbed");
let h: Harness;
let admin: Actor;

const engines = {
  standalone: need(testbed, "TESTBED_STANDALONE_SOCKET"),
  "swarm worker": need(testbed, "TESTBED_SWARM_WORKER1_SOCKET"),
};
const environmentIds: Record<string, string> = {};

beforeAll(async () => {
  h = await openHarness();
  admin = await h.actorFor((await h.makeUser([{ role: "Administrator" }], "containers-admin")).id);
  for (const [name, socket] of Object.entries(engines)) {
    environmentIds[name] = (await h.caller(admin).environments.create({ name, url: `unix://${socket}` })).id;
  }
});
afterAll(async () => {
  for (const socket of Object.values(engines)) {
    const docker = new Docker({ socketPath: socket, version: "v1.41" });
    const left = await docker.listContainers({ all: true, filters: { label: ["stevedore.test=containers"] } });
    await Promise.all(left.map((c) => docker.getContainer(c.Id).remove({ force: true })));
  }
  await h?.close();
});

async function fixtureContainer(socket: string) {
  const docker = new Docker({ socketPath: socket, version: "v1.41" });
  const container = await docker.createContainer({
    Image: need(testbed, "TESTBED_FIXTURE_IMAGE"),
    name: `act-${Date.now()}-${Math.floor(Math.random() * 1000)}`,
    Cmd: ["sleep", "600"],
    Env: ["DB_PASSWORD=hunter2-env", "MODE=prod"],
    Labels: { "stevedore.test": "containers" },
  });
  await container.start();
  return { docker, container, state: async () => (await container.inspect()).State };
}

describe.each(Object.keys(engines))("container actions on the %s", (kind) => {
  it("stop, start, restart, pause, unpause, kill, rename and remove reach the engine", async () => {
    const { container, state, docker } = await fixtureContainer(engines[kind as keyof typeof engines]);
    const api = h.caller(admin);
    const target = { environmentId: environmentIds[kind]!, id: container.id };

    // The line names the environment as a docker context and the container by its name.
    const name = (await container.inspect()).Name.slice(1);
    expect(await api.containers.stop({ ...target, timeoutSeconds: 1 })).toMatchObject({
      cli: `docker --context ${shellQuote(kind)} container stop -t 1 ${name}`,
    });
    expect((await state()).Running).toBe(false);
    await api.containers.start(target);
    expect((await state()).Running).toBe(true);
    const startedAt = (await state()).StartedAt;
    await api.containers.restart({ ...target, timeoutSeconds: 0 });
    expect((await state()).StartedAt).not.toBe(startedAt);
    await api.containers.pause(target);
    expect((await state()).Paused).toBe(true);
    await api.containers.unpause(target);
    expect((await state()).Paused).toBe(false);
    await api.containers.kill({ ...target, signal: "SIGKILL" });
    expect((await state()).Running).toBe(false);
    const newName = `renamed-${Date.now()}`;
    await api.containers.rename({ ...target, name: newName });
    expect((await container.inspect()).Name).toBe(`/${newName}`);
    await api.containers.remove({ ...target, force: true });
    await expect(docker.getContainer(container.id).inspect()).rejects.toThrow(/no such container/i);
  });

  it("masks secret-looking environment values unless the caller may see them", async () => {
    const { container } = await fixtureContainer(engines[kind as keyof typeof engines]);
    const target = { environmentId: environmentIds[kind]!, id: container.id };
    const reader = await h.actorFor((await h.makeUser([{ role: "Read-only" }])).id);
    const masked = await h.caller(reader).containers.get(target);
    expect(masked.env.find((e) => e.name === "DB_PASSWORD")?.value).toBe(MASKED);
    expect(masked.env.find((e) => e.name === "MODE")?.value).toBe("prod");
    expect(JSON.stringify(masked)).not.toContain("hunter2-env");
    const full = await h.caller(admin).containers.get(target);
    expect(full.env.find((e) => e.name === "DB_PASSWORD")?.value).toBe("hunter2-env");
  });

  it("refuses a Read-only user, and the container keeps running", async () => {
    const { container, state } = await fixtureContainer(engines[kind as keyof typeof engines]);
    const reader = await h.actorFor((await h.makeUser([{ role: "Read-only" }])).id);
    const target = { environmentId: environmentIds[kind]!, id: container.id };
    await expect(h.caller(reader).containers.stop(target)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(h.caller(reader).containers.remove({ ...target, force: true })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    expect((await state()).Running).toBe(true);
  });
});

describe("the list's first screen", () => {
  it("answers the top rows of the asked view, with the whole list's stamps and errors", async () => {
    const socket = engines.standalone;
    const docker = new Docker({ socketPath: socket, version: "v1.41" });
    const tag = `first-${Date.now()}`;
    for (const suffix of ["c", "a", "b"]) {
      await docker.createContainer({
        Image: need(testbed, "TESTBED_FIXTURE_IMAGE"),
        name: `${tag}-${suffix}`,
        Cmd: ["sleep", "600"],
        Labels: { "stevedore.test": "containers" },
      });
    }
    const caller = h.caller(admin);
    const first = { limit: 2, q: tag, sort: { id: "name", desc: false } };
    // The watcher hears the creations within moments: wait for all three in the whole list.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const whole = await caller.containers.list();
      if (whole.items.filter((c) => c.name.startsWith(tag)).length === 3) break;
      if (Date.now() > deadline) throw new Error("the new containers never reached the list");
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const screen = await caller.containers.list({ first });
    expect(screen.items.map((c) => c.name)).toEqual([`${tag}-a`, `${tag}-b`]);
    const whole = await caller.containers.list();
    expect(Object.keys(screen.stamps).sort()).toEqual(Object.keys(whole.stamps).sort());
    expect(screen.errors).toEqual(whole.errors);
    const last = await caller.containers.list({ first: { ...first, sort: { id: "name", desc: true }, limit: 1 } });
    expect(last.items.map((c) => c.name)).toEqual([`${tag}-c`]);
    const exited = await caller.containers.list({ first: { limit: 10, q: tag, filters: { state: "running" } } });
    expect(exited.items).toEqual([]);
    await expect(caller.containers.list({ first: { limit: 0 } })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});

describe("fail closed", () => {
  it("a stop whose audit event cannot be written never reaches Docker", async () => {
    const { container, state } = await fixtureContainer(engines.standalone);
    await h.prisma.$executeRawUnsafe(`ALTER TABLE "AuditEvent" RENAME TO "AuditEvent_away"`);
    let error: unknown;
    try {
      await h
        .caller(admin)
        .containers.stop({ environmentId: environmentIds.standalone!, id: container.id, timeoutSeconds: 0 });
    } catch (e) {
      error = e;
    } finally {
      await h.prisma.$executeRawUnsafe(`ALTER TABLE "AuditEvent_away" RENAME TO "AuditEvent"`);
    }
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).message).toMatch(/audit trail cannot be written/);
    expect((await state()).Running).toBe(true);
  });

  it("an unknown container is NOT_FOUND, on the record as an error", async () => {
    await expect(
      h.caller(admin).containers.start({ environmentId: environmentIds.standalone!, id: "0123456789ab" }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    const event = await h.prisma.auditEvent.findFirst({
      where: { action: "containers.start", targetId: "0123456789ab" },
    });
    expect(event).toMatchObject({ outcome: "error", environmentId: environmentIds.standalone });
  });
});

describe("logs", () => {
  it("follows a container's stdout and stderr apart, and reads the tail without following", async () => {
    const docker = new Docker({ socketPath: engines.standalone, version: "v1.41" });
    const container = await docker.createContainer({
      Image: need(testbed, "TESTBED_FIXTURE_IMAGE"),
      Cmd: ["sh", "-c", "for i in 1 2 3; do echo out$i; echo err$i >&2; done; sleep 1; echo later; sleep 600"],
      Labels: { "stevedore.test": "containers" },
    });
    await container.start();
    const target = { environmentId: environmentIds.standalone!, id: container.id };
    const seen: { stream: string; text: string }[] = [];
    for await (const batch of await h.caller(admin).containers.logs({ ...target, tail: "all" })) {
      seen.push(...batchLines(batch, false));
      if (seen.some((l) => l.text === "later")) break; // returning ends the follow
    }
    expect(seen.filter((l) => l.stream === "stdout").map((l) => l.text)).toEqual(["out1", "out2", "out3", "later"]);
    expect(seen.filter((l) => l.stream === "stderr").map((l) => l.text)).toEqual(["err1", "err2", "err3"]);

    const tail: string[] = [];
    for await (const batch of await h.caller(admin).containers.logs({ ...target, follow: false, tail: 2 })) {
      tail.push(...batchLines(batch, false).map((l) => l.text));
    }
    // The last two lines; out3 and err3 were written within microseconds of each other.
    expect(tail).toHaveLength(2);
    expect(["out3", "err3"]).toContain(tail[0]);
    expect(tail[1]).toBe("later");
    const nobody = await h.actorFor((await h.makeUser([])).id);
    await expect(h.caller(nobody).containers.logs(target)).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});

describe("after a crash", () => {
  it("completes an interrupted action's event with what the engine shows now", async () => {
    const { container } = await fixtureContainer(engines.standalone);
    const environmentId = environmentIds.standalone!;
    const running = await h.services.audit.begin({
      action: "containers.stop",
      environmentId,
      targetKind: "container",
      targetId: container.id,
    });
    const gone = await h.services.audit.begin({
      action: "containers.remove",
      environmentId,
      targetKind: "container",
      targetId: "feedfacecafe",
    });
    const { completed } = await reconcileOpenIntents(h.prisma, h.services.audit, {
      observe: observeWithFleet(h.services.fleet),
    });
    expect(completed).toBeGreaterThanOrEqual(2);
    const events = await h.prisma.auditEvent.findMany({ where: { id: { in: [running, gone] } } });
    expect(events.find((e) => e.id === running)).toMatchObject({
      outcome: "interrupted",
      error: expect.stringContaining("the container was running") as string,
    });
    expect(events.find((e) => e.id === gone)!.error).toContain("the container no longer existed");
  });
});
