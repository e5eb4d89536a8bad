// Looking inside containers through the API, on real engines (the standalone host and a swarm
// worker reached through its own endpoint): processes, filesystem changes, live stats, the
// list's usage feed, folder listings, and the raw inspect with secrets masked.
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { listDirectory } from "../../docker/index";
import { codeOf } from "../../testing/calls";
import { need } from "../../testing/testbed-env";
import { openHarness, type Harness } from "../../testing/harness";
import { waitUntil } from "../../testing/wait-until";
import type { Actor } from "../../core/context";
import { MASKED } from "./inspect.router";

const testbed = inject("testbed");
const LABEL = "stevedore.test=details";
let h: Harness;
let admin: Actor;
let reader: Actor;

const engines = {
  standalone: need(testbed, "TESTBED_STANDALONE_SOCKET"),
  "swarm worker": need(testbed, "TESTBED_SWARM_WORKER1_SOCKET"),
};
type EngineName = keyof typeof engines;
const environmentIds: Record<string, string> = {};
const busy: Record<string, Docker.Container> = {};
const stopped: Record<string, Docker.Container> = {};

// Busy (one CPU spinning), with a filesystem that differs from the image in known ways.
const BUSY_SCRIPT = [
  "mkdir -p /srv/data",
  "printf 'hello stevedore\\n' > /srv/data/greeting.txt",
  "echo extra:x:1000:1000::/:/bin/sh >> /etc/passwd",
  "rm /bin/arch",
  "exec sh -c 'while :; do :; done'",
].join("; ");

beforeAll(async () => {
  h = await openHarness();
  admin = await h.actorFor((await h.makeUser([{ role: "Administrator" }], "details-admin")).id);
  reader = await h.actorFor((await h.makeUser([{ role: "Read-only" }], "details-reader")).id);
  const stamp = Date.now();
  for (const [name, socket] of Object.entries(engines)) {
    environmentIds[name] = (await h.caller(admin).environments.create({ name, url: `unix://${socket}` })).id;
    const docker = new Docker({ socketPath: socket, version: "v1.41" });
    const image = need(testbed, "TESTBED_FIXTURE_IMAGE");
    const labels = { "stevedore.test": "details" };
    const b = await docker.createContainer({
      Image: image,
      name: `details-busy-${stamp}-${name.replace(/\W/g, "")}`,
      Cmd: ["sh", "-c", BUSY_SCRIPT],
      Env: ["DB_PASSWORD=hunter2-raw", "MODE=prod"],
      Labels: labels,
    });
    await b.start();
    busy[name] = b;
    const s = await docker.createContainer({ Image: image, Cmd: ["true"], Labels: labels });
    stopped[name] = s;
    await waitUntil(
      async () => {
        const changes = (await b.changes()) as { Path: string }[] | null;
        return (changes ?? []).some((c) => c.Path === "/bin/arch");
      },
      { ms: 10_000, what: "the busy container's script" },
    );
  }
});

afterAll(async () => {
  for (const socket of Object.values(engines)) {
    const docker = new Docker({ socketPath: socket, version: "v1.41" });
    const left = await docker.listContainers({ all: true, filters: { label: [LABEL] } });
    await Promise.all(left.map((c) => docker.getContainer(c.Id).remove({ force: true })));
  }
  await h?.close();
});

describe.each(Object.keys(engines) as EngineName[])("on the %s", (engine) => {
  const target = () => ({ environmentId: environmentIds[engine]!, id: busy[engine]!.id });

  it("lists the container's processes (top)", async () => {
    const top = await h.caller(reader).containers.top(target());
    expect(top.titles).toContain("PID");
    const cmd = top.titles.indexOf("CMD");
    expect(top.processes.some((p) => p[cmd]?.includes("while :; do :; done"))).toBe(true);
  });

  it("lists what changed in the filesystem (diff)", async () => {
    const diff = await h.caller(reader).containers.changes(target());
    expect(diff.changes).toEqual(
      expect.arrayContaining([
        { kind: "A", path: "/srv/data/greeting.txt" },
        { kind: "C", path: "/etc/passwd" },
        { kind: "D", path: "/bin/arch" },
      ]),
    );
    expect(diff.truncated).toBe(false);
  });

  it("answers an empty list for a container whose filesystem did not change (the engine says null)", async () => {
    const diff = await h
      .caller(reader)
      .containers.changes({ environmentId: environmentIds[engine]!, id: stopped[engine]!.id });
    expect(diff).toEqual({ changes: [], truncated: false, total: 0 });
  });

  it("streams live stats: a busy container shows CPU above zero, memory within its limit", async () => {
    const samples = [];
    for await (const sample of await h.caller(reader).containers.stats(target())) {
      samples.push(sample);
      if (samples.length >= 3) break; // returning ends the stream
    }
    const last = samples.at(-1)!;
    expect(last.cpuPercent).toBeGreaterThan(0);
    expect(last.memoryBytes).toBeGreaterThan(0);
    expect(last.memoryLimitBytes).toBeGreaterThanOrEqual(last.memoryBytes);
    expect(last.pids).toBeGreaterThanOrEqual(1);
    expect(last.netRxRate).not.toBeNull();
  });

  it("refuses stats of a stopped container with a reason", async () => {
    await expect(
      h.caller(reader).containers.stats({ environmentId: environmentIds[engine]!, id: stopped[engine]!.id }),
    ).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("not running") as string,
    });
  });

  it("lists a folder from the archive stream, with types, sizes and link targets", async () => {
    const api = h.caller(admin);
    const root = await api.containers.files({ ...target(), path: "/" });
    expect(root.path).toBe("/");
    expect(root.entries.find((e) => e.name === "bin")).toMatchObject({ type: "directory" });
    expect(root.entries.find((e) => e.name === "srv")).toMatchObject({ type: "directory" });
    expect(root.truncated).toBeNull();
    const data = await api.containers.files({ ...target(), path: "/srv/data/" });
    expect(data.entries).toEqual([
      expect.objectContaining({ name: "greeting.txt", type: "file", size: 16, mode: 0o644 }),
    ]);
    const bin = await api.containers.files({ ...target(), path: "/bin" });
    expect(bin.entries.find((e) => e.name === "sh")).toMatchObject({ type: "symlink", linkTarget: "/bin/busybox" });
    expect(bin.entries.find((e) => e.name === "arch")).toBeUndefined();
    await expect(api.containers.files({ ...target(), path: "/srv/data/greeting.txt" })).rejects.toMatchObject({
      code: "CONFLICT",
    });
    await expect(api.containers.files({ ...target(), path: "/no/such/place" })).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: expect.stringContaining("/no/such/place") as string,
    });
    await expect(api.containers.files({ ...target(), path: "relative" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    // With container.read but without container.files.read: refused.
    const looker = await h.makeRole(["container.read"]);
    const onlyRead = await h.actorFor((await h.makeUser([{ role: looker.name }])).id);
    await expect(h.caller(onlyRead).containers.files({ ...target(), path: "/" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
  });
});

describe("folder listings are bounded", () => {
  it("stops at the entry limit and says so", async () => {
    const listing = await listDirectory(h.services.fleet, environmentIds.standalone!, busy.standalone!.id, "/bin", {
      maxEntries: 5,
      maxBytes: 64 * 1024 * 1024,
      deadlineMs: 15_000,
    });
    expect(listing.entries).toHaveLength(5);
    expect(listing.truncated).toEqual({ reason: "entries", limit: 5 });
  });

  it("stops at the byte limit and says so", async () => {
    const listing = await listDirectory(h.services.fleet, environmentIds.standalone!, busy.standalone!.id, "/", {
      maxEntries: 10_000,
      maxBytes: 4096,
      deadlineMs: 15_000,
    });
    expect(listing.truncated).toEqual({ reason: "bytes", limit: 4096 });
  });
});

describe("raw inspect", () => {
  it("masks secret-looking values in Config.Env unless the caller may see them", async () => {
    const t = { environmentId: environmentIds.standalone!, id: busy.standalone!.id };
    const masked = await h.caller(reader).containers.inspect(t);
    const env = (masked.inspect.Config as { Env: string[] }).Env;
    expect(env).toContain(`DB_PASSWORD=${MASKED}`);
    expect(env).toContain("MODE=prod");
    expect(masked.secretsRevealed).toBe(false);
    expect(JSON.stringify(masked)).not.toContain("hunter2-raw");
    const full = await h.caller(admin).containers.inspect(t);
    expect((full.inspect.Config as { Env: string[] }).Env).toContain("DB_PASSWORD=hunter2-raw");
    expect(full.inspect.Id).toBe(busy.standalone!.id);
  });
});

describe("usage feed for the list", () => {
  it("streams CPU and memory of running containers only, for environments the caller may read", async () => {
    const standalone = environmentIds.standalone!;
    const worker = environmentIds["swarm worker"]!;
    // Reads the standalone environment only.
    const scoped = await h.actorFor((await h.makeUser([{ role: "Read-only", environmentId: standalone }])).id);
    const ticks = [];
    const feed = await h.caller(scoped).containers.usage({
      containers: [
        { environmentId: standalone, id: busy.standalone!.id.slice(0, 12) },
        { environmentId: standalone, id: stopped.standalone!.id },
        { environmentId: worker, id: busy["swarm worker"]!.id },
        { environmentId: standalone, id: "0123456789abcdef" },
      ],
    });
    for await (const tick of feed) {
      ticks.push(tick);
      if (ticks.length >= 2) break;
    }
    const second = ticks[1]!;
    const ids = second.items.map((i) => i.id);
    expect(ids).toContain(busy.standalone!.id.slice(0, 12));
    expect(ids).not.toContain(busy["swarm worker"]!.id); // not readable by this caller
    const item = second.items.find((i) => i.id === busy.standalone!.id.slice(0, 12))!;
    expect(item.cpuPercent).toBeGreaterThan(0);
    expect(item.memoryBytes).toBeGreaterThan(0);
    expect(second.errors.map((e) => e.id)).toContain("0123456789abcdef");
    // The stopped one: either left out (the live picture knew) or reported with no CPU.
    const stoppedItem = second.items.find((i) => i.id === stopped.standalone!.id);
    if (stoppedItem) expect(stoppedItem.cpuPercent ?? 0).toBe(0);

    await expect(
      h.caller(scoped).containers.usage({
        containers: Array.from({ length: 101 }, (_, i) => ({ environmentId: standalone, id: `c${i}` })),
      }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});

describe("revocation", () => {
  it("ends a live stats stream once container.read is taken away", async () => {
    const standalone = environmentIds.standalone!;
    const user = await h.makeUser([{ role: "Read-only", environmentId: standalone }]);
    const actor = await h.actorFor(user.id);
    let samples = 0;
    const stream = await h.caller(actor).containers.stats({ environmentId: standalone, id: busy.standalone!.id });
    for await (const sample of stream) {
      void sample;
      if (++samples === 1) await h.prisma.roleBinding.deleteMany({ where: { userId: user.id } });
      if (samples > 60) break; // never: the stream ends first (the watch re-checks every 5 s)
    }
    expect(samples).toBeGreaterThanOrEqual(1);
    expect(samples).toBeLessThanOrEqual(60);
  });
});

describe("container ids are ids, never a piece of an Engine path", () => {
  it("refuses an id that would reach another endpoint, before any engine call", async () => {
    const environmentId = environmentIds.standalone!;
    // dockerode puts the id into the request path unencoded: this would be GET .../archive.
    expect(
      await codeOf(h.caller(admin).containers.inspect({ environmentId, id: "x/archive?path=/etc/hosts&x=" })),
    ).toBe("BAD_REQUEST");
    expect(await codeOf(h.caller(admin).containers.top({ environmentId, id: "../containers/prune?" }))).toBe(
      "BAD_REQUEST",
    );
    expect(
      await codeOf(h.caller(admin).containers.update({ environmentId, id: "prune?", restartPolicy: { name: "no" } })),
    ).toBe("BAD_REQUEST");
  });
});
