// Volumes on a real engine: create (host-binding driver options need host access), inspect
// with the containers using it, remove refused while mounted (naming the container), prune
// after its preview, and the files of a volume browsed, downloaded and uploaded through a
// helper container that is gone when the request is. Every action is on the record.
import { request } from "node:http";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { codeOf } from "../../testing/calls";
import { openHarness, type Harness } from "../../testing/harness";
import { need } from "../../testing/testbed-env";
import type { Actor } from "../../core/context";
import { engine, removeLabelled, serveRoute, TEST_LABEL, until } from "../testing/engines";
import { HELPER_LABEL } from "./helper";
import { VOLUME_FILES_PATH, volumeFilesRoute } from "./http";

const testbed = inject("testbed");
const fixture = need(testbed, "TESTBED_FIXTURE_IMAGE");
const socket = need(testbed, "TESTBED_STANDALONE_SOCKET");
const docker = engine(socket);
const LABEL = "volumes";
const run = Date.now().toString(36);
const named = (what: string) => `h10-vol-${what}-${run}`;

let h: Harness;
let admin: Actor;
let operator: Actor;
let readOnly: Actor;
let helpdesk: Actor;
let envId: string;
let http: Awaited<ReturnType<typeof serveRoute>>;
const tokens: Record<"admin" | "operator" | "readOnly" | "helpdesk", string> = {
  admin: "",
  operator: "",
  readOnly: "",
  helpdesk: "",
};

beforeAll(async () => {
  h = await openHarness();
  admin = await h.actorFor((await h.makeUser([{ role: "Administrator" }], "volumes-admin")).id);
  operator = await h.actorFor((await h.makeUser([{ role: "Operator" }], "volumes-operator")).id);
  readOnly = await h.actorFor((await h.makeUser([{ role: "Read-only" }], "volumes-readonly")).id);
  helpdesk = await h.actorFor((await h.makeUser([{ role: "Helpdesk" }], "volumes-helpdesk")).id);
  for (const [who, actor] of Object.entries({ admin, operator, readOnly, helpdesk })) {
    tokens[who as keyof typeof tokens] = (
      await h.caller(actor).tokens.create({ name: "volumes", expiresInDays: 1 })
    ).token;
  }
  envId = (await h.caller(admin).environments.create({ name: "standalone", url: `unix://${socket}` })).id;
  http = await serveRoute(volumeFilesRoute(), h.services);
  await until(() => h.services.fleet.picture.isWarm(envId), "a warm picture");
});

afterAll(async () => {
  http?.server.close();
  await removeLabelled(docker, LABEL);
  const left = await docker.listVolumes({ filters: { name: [`h10-vol-`] } } as object);
  for (const v of left.Volumes ?? []) {
    if (v.Name.endsWith(run))
      await docker
        .getVolume(v.Name)
        .remove({ force: true } as object)
        .catch(() => undefined);
  }
  h?.services.fleet.close();
  await h?.close();
});

const volumeExists = (name: string) =>
  docker
    .getVolume(name)
    .inspect()
    .then(() => true)
    .catch(() => false);

const helpersLeft = async () =>
  (await docker.listContainers({ all: true, filters: { label: [`${HELPER_LABEL}=volume-files`] } })).length;

function call(
  method: "GET" | "PUT",
  query: Record<string, string>,
  token: string,
  body?: Buffer,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${http.base}${VOLUME_FILES_PATH}?${new URLSearchParams(query).toString()}`,
      {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body ? { "content-length": String(body.length), "content-type": "application/octet-stream" } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** The names of the regular files in a tar. */
function tarNames(tar: Buffer): string[] {
  const names: string[] = [];
  for (let at = 0; at + 512 <= tar.length;) {
    const header = tar.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    const name = header.subarray(0, 100).toString("utf8").replace(/\0.*$/s, "");
    const size = parseInt(header.subarray(124, 136).toString("utf8").replace(/\0.*$/s, "").trim() || "0", 8);
    if (String.fromCharCode(header[156] ?? 48) === "0") names.push(name);
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return names;
}

describe("create, inspect, remove", () => {
  it("creates a volume with labels, lists and inspects it; a taken name is a conflict", async () => {
    const api = h.caller(operator);
    const name = named("data");
    const created = await api.volumes.create({ environmentId: envId, name, labels: { team: "a" } });
    expect(created).toMatchObject({ name, driver: "local" });
    expect(created.cli).toBe(`docker --context standalone volume create --label team=a ${name}`);
    expect(await volumeExists(name)).toBe(true);

    await until(async () => (await api.volumes.list({})).items.some((v) => v.name === name), "the volume in the list");
    const detail = await api.volumes.get({ environmentId: envId, name });
    expect(detail).toMatchObject({ name, driver: "local", scope: "local", labels: { team: "a" }, users: [] });

    expect(await codeOf(api.volumes.create({ environmentId: envId, name }))).toBe("CONFLICT");
    const event = await h.prisma.auditEvent.findFirst({ where: { action: "volumes.create", outcome: "ok" } });
    expect(event).toMatchObject({ targetKind: "volume", targetId: name, permission: "volume.create" });
  });

  it("an anonymous volume gets the engine's name", async () => {
    const created = await h.caller(admin).volumes.create({ environmentId: envId, name: "", labels: {} });
    expect(created.name).toMatch(/^[a-f0-9]{64}$/);
    await h.caller(admin).volumes.remove({ environmentId: envId, name: created.name });
  });

  it("options that bind a host path need host access: refused to an Operator, changing nothing", async () => {
    const name = named("bind");
    const folder = mkdtempSync(join(tmpdir(), "h10-vol-"));
    const options = { type: "none", o: "bind", device: folder };
    const before = await h.snapshot();
    await expect(h.caller(operator).volumes.create({ environmentId: envId, name, options })).rejects.toThrow(
      /container\.create\.privileged/,
    );
    expect(await h.snapshot()).toEqual(before);
    expect(await volumeExists(name)).toBe(false);
    expect(
      await h.prisma.auditEvent.findFirst({
        where: { action: "volumes.create", actorUserId: operator.userId, outcome: "denied" },
      }),
    ).not.toBeNull();

    // An admin may; and then reading its files (the host's) needs host access too.
    await h.caller(admin).volumes.create({ environmentId: envId, name, options });
    expect((await h.caller(admin).volumes.get({ environmentId: envId, name })).options).toMatchObject({ o: "bind" });
    expect(await codeOf(h.caller(operator).volumes.files({ environmentId: envId, name, path: "/" }))).toBe("FORBIDDEN");
    const download = await call("GET", { environmentId: envId, volume: name, path: "/" }, tokens.operator);
    expect(download.status).toBe(403);
    await h.caller(admin).volumes.remove({ environmentId: envId, name });
  });

  it("removing a volume a container mounts is refused naming it; then it goes", async () => {
    const api = h.caller(admin);
    const name = named("mounted");
    await api.volumes.create({ environmentId: envId, name });
    const container = await docker.createContainer({
      Image: fixture,
      name: `h10-vol-user-${run}`,
      Cmd: ["true"],
      Labels: { [TEST_LABEL]: LABEL },
      HostConfig: { Binds: [`${name}:/data`], NetworkMode: "none" },
    });
    const refusal = api.volumes.remove({ environmentId: envId, name });
    await expect(refusal).rejects.toThrow(new RegExp(`in use by container h10-vol-user-${run}`));
    expect(await codeOf(api.volumes.remove({ environmentId: envId, name }))).toBe("CONFLICT");
    expect((await api.volumes.get({ environmentId: envId, name })).users.map((u) => u.name)).toEqual([
      `h10-vol-user-${run}`,
    ]);
    await container.remove({ force: true });
    const removed = await api.volumes.remove({ environmentId: envId, name });
    expect(removed.cli).toBe(`docker --context standalone volume rm ${name}`);
    expect(await volumeExists(name)).toBe(false);
    expect(await codeOf(api.volumes.remove({ environmentId: envId, name }))).toBe("NOT_FOUND");
    expect(await codeOf(api.volumes.get({ environmentId: envId, name }))).toBe("NOT_FOUND");
  });

  it("bad input is a 400; an Operator may not remove, a Read-only user may not create", async () => {
    const api = h.caller(admin);
    expect(await codeOf(api.volumes.create({ environmentId: envId, name: "../etc" }))).toBe("BAD_REQUEST");
    expect(await codeOf(api.volumes.create({ environmentId: envId, name: "x y" }))).toBe("BAD_REQUEST");
    expect(await codeOf(api.volumes.create({ environmentId: envId, name: named("d"), driver: "no such;driver" }))).toBe(
      "BAD_REQUEST",
    );
    expect(await codeOf(api.volumes.get({ environmentId: envId, name: "a".repeat(300) }))).toBe("BAD_REQUEST");
    expect(await codeOf(h.caller(operator).volumes.remove({ environmentId: envId, name: named("data") }))).toBe(
      "FORBIDDEN",
    );
    expect(await codeOf(h.caller(operator).volumes.prune({ environmentId: envId }))).toBe("FORBIDDEN");
    expect(await codeOf(h.caller(readOnly).volumes.create({ environmentId: envId, name: named("ro") }))).toBe(
      "FORBIDDEN",
    );
    expect(await volumeExists(named("ro"))).toBe(false);
    expect(await volumeExists(named("data"))).toBe(true);
  });
});

describe("prune", () => {
  it("shows first which unused volumes go, then removes exactly those", async () => {
    const api = h.caller(admin);
    const unused = named("unused");
    const kept = named("kept");
    await api.volumes.create({ environmentId: envId, name: unused });
    await api.volumes.create({ environmentId: envId, name: kept });
    const user = await docker.createContainer({
      Image: fixture,
      Cmd: ["true"],
      Labels: { [TEST_LABEL]: LABEL },
      HostConfig: { Binds: [`${kept}:/data`], NetworkMode: "none" },
    });
    const preview = await api.volumes.prunePreview({ environmentId: envId, all: true });
    expect(preview.includesNamed).toBe(true);
    const going = preview.volumes.map((v) => v.name);
    expect(going).toContain(unused);
    expect(going).not.toContain(kept);

    const pruned = await api.volumes.prune({ environmentId: envId, all: true });
    expect(pruned.deleted).toContain(unused);
    expect(pruned.deleted).not.toContain(kept);
    expect(pruned.cli).toBe("docker --context standalone volume prune -f --all");
    expect(await volumeExists(unused)).toBe(false);
    expect(await volumeExists(kept)).toBe(true);
    const event = await h.prisma.auditEvent.findFirst({ where: { action: "volumes.prune", outcome: "ok" } });
    expect(event).toMatchObject({ permission: "volume.delete" });
    await user.remove({ force: true });
  });
});

describe("files", () => {
  it("uploads, browses and downloads a file and a folder; no helper stays behind", async () => {
    const name = named("files");
    await h.caller(admin).volumes.create({ environmentId: envId, name });
    const content = Buffer.from(`hello from ${run}\n`);

    const forbidden = await call(
      "PUT",
      { environmentId: envId, volume: name, path: "/", name: "x.txt" },
      tokens.operator,
      content,
    );
    expect(forbidden.status).toBe(403);

    const put = await call(
      "PUT",
      { environmentId: envId, volume: name, path: "/", name: "hello.txt" },
      tokens.admin,
      content,
    );
    expect(put.status).toBe(201);
    expect(JSON.parse(put.body.toString())).toEqual({ path: "/hello.txt", size: content.length });

    // File contents may carry secrets: Read-only sees the volume, not what is in it (as with logs).
    expect(await codeOf(h.caller(readOnly).volumes.files({ environmentId: envId, name, path: "/" }))).toBe("FORBIDDEN");
    expect(
      (await call("GET", { environmentId: envId, volume: name, path: "/hello.txt" }, tokens.readOnly)).status,
    ).toBe(403);
    const listing = await h.caller(helpdesk).volumes.files({ environmentId: envId, name, path: "/" });
    expect(listing.path).toBe("/");
    expect(listing.entries.map((e) => [e.name, e.type, e.size])).toEqual([["hello.txt", "file", content.length]]);

    const file = await call("GET", { environmentId: envId, volume: name, path: "/hello.txt" }, tokens.helpdesk);
    expect(file.status).toBe(200);
    expect(file.headers["content-disposition"]).toContain("hello.txt");
    expect(file.body.equals(content)).toBe(true);

    const folder = await call("GET", { environmentId: envId, volume: name, path: "/" }, tokens.helpdesk);
    expect(folder.status).toBe(200);
    expect(folder.headers["content-type"]).toBe("application/x-tar");
    expect(tarNames(folder.body).some((n) => n.endsWith("hello.txt"))).toBe(true);

    const missing = await call("GET", { environmentId: envId, volume: name, path: "/nope" }, tokens.admin);
    expect(missing.status).toBe(404);
    expect(
      (await call("GET", { environmentId: envId, volume: "no-such-volume-x", path: "/" }, tokens.admin)).status,
    ).toBe(404);
    expect((await call("GET", { environmentId: envId, volume: name, path: "relative" }, tokens.admin)).status).toBe(
      400,
    );
    // `..` stops at the volume's root.
    expect(await codeOf(h.caller(admin).volumes.files({ environmentId: envId, name, path: "/../../etc" }))).toBe(
      "NOT_FOUND",
    );
    expect(await codeOf(h.caller(admin).volumes.files({ environmentId: envId, name, path: "/hello.txt" }))).toBe(
      "BAD_REQUEST",
    );
    // Listing a missing volume never creates it.
    expect(await codeOf(h.caller(admin).volumes.files({ environmentId: envId, name: named("ghost"), path: "/" }))).toBe(
      "NOT_FOUND",
    );
    expect(await volumeExists(named("ghost"))).toBe(false);

    await until(async () => (await helpersLeft()) === 0, "helpers removed");
    const events = await h.prisma.auditEvent.findMany({
      where: { action: { in: ["volumes.files.upload", "volumes.files.download"] } },
    });
    expect(
      events
        .filter((e) => e.action === "volumes.files.upload")
        .map((e) => e.outcome)
        .sort(),
    ).toEqual(["denied", "ok"]);
    expect(events.some((e) => e.action === "volumes.files.download" && e.outcome === "ok")).toBe(true);
  });

  it("a symbolic link that leads out of the volume is refused, not followed", async () => {
    const name = named("links");
    await h.caller(admin).volumes.create({ environmentId: envId, name });
    const writer = await docker.createContainer({
      Image: fixture,
      Cmd: ["sh", "-c", "ln -s /etc /v/out && mkdir /v/in && echo x > /v/in/f"],
      Labels: { [TEST_LABEL]: LABEL },
      HostConfig: { Binds: [`${name}:/v`], NetworkMode: "none" },
    });
    await writer.start();
    await writer.wait();
    await writer.remove({ force: true });
    await expect(h.caller(admin).volumes.files({ environmentId: envId, name, path: "/out" })).rejects.toThrow(
      /leads out of the volume/,
    );
    const inner = await h.caller(admin).volumes.files({ environmentId: envId, name, path: "/in" });
    expect(inner.entries.map((e) => e.name)).toEqual(["f"]);
    expect((await call("GET", { environmentId: envId, volume: name, path: "/out" }, tokens.admin)).status).toBe(400);
    await until(async () => (await helpersLeft()) === 0, "helpers removed");
  });

  it("a download the browser abandons half-way still removes its helper", async () => {
    const name = named("big");
    await h.caller(admin).volumes.create({ environmentId: envId, name });
    const writer = await docker.createContainer({
      Image: fixture,
      Cmd: ["sh", "-c", "head -c 33554432 /dev/zero > /v/big"],
      Labels: { [TEST_LABEL]: LABEL },
      HostConfig: { Binds: [`${name}:/v`], NetworkMode: "none" },
    });
    await writer.start();
    await writer.wait();
    await writer.remove({ force: true });
    await new Promise<void>((resolve, reject) => {
      const req = request(
        `${http.base}${VOLUME_FILES_PATH}?${new URLSearchParams({ environmentId: envId, volume: name, path: "/big" }).toString()}`,
        { headers: { authorization: `Bearer ${tokens.admin}` } },
        (res) => {
          expect(res.statusCode).toBe(200);
          res.once("data", () => {
            req.destroy();
            resolve();
          });
        },
      );
      req.on("error", (error) => (req.destroyed ? undefined : reject(error)));
      req.end();
    });
    await until(async () => (await helpersLeft()) === 0, "the abandoned download's helper removed");
  });
});
