// Images on real engines, pulled from and pushed to the test bed's registry (htpasswd) through
// a saved registry: progress layer by layer, two environments at once, tags, removal refused
// while in use (naming the users) unless forced, prune after its preview, inspect with layers
// and users, export and import over HTTP. Every action is on the record.
import type Docker from "dockerode";
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { codeOf } from "../../testing/calls";
import { openHarness, type Harness } from "../../testing/harness";
import { need } from "../../testing/testbed-env";
import type { Actor } from "../../core/context";
import {
  engine,
  makeLayeredImage,
  removeImageQuietly,
  removeLabelled,
  serveRoute,
  TEST_LABEL,
  until,
} from "../testing/engines";
import { IMAGES_EXPORT_PATH, IMAGES_IMPORT_PATH, imagesRoute } from "./http";
import { transfersOf, type TransferView } from "./transfers";

const testbed = inject("testbed");
const registryHost = need(testbed, "TESTBED_REGISTRY");
const fixture = need(testbed, "TESTBED_FIXTURE_IMAGE");
const inRegistry = need(testbed, "TESTBED_REGISTRY_FIXTURE_IMAGE");
const sockets = {
  standalone: need(testbed, "TESTBED_STANDALONE_SOCKET"),
  manager: need(testbed, "TESTBED_SWARM_MANAGER_SOCKET"),
};
const docker = { standalone: engine(sockets.standalone), manager: engine(sockets.manager) };
const env: Record<keyof typeof sockets, string> = { standalone: "", manager: "" };
const LABEL = "images";
const run = `${Date.now().toString(36)}`;
const layered = `${registryHost}/h10-test/layered:${run}`;

let h: Harness;
let admin: Actor;
let operator: Actor;
let registryId: string;
let http: Awaited<ReturnType<typeof serveRoute>>;
let adminToken: string;

beforeAll(async () => {
  h = await openHarness();
  const adminUser = await h.makeUser([{ role: "Administrator" }], "images-admin");
  admin = await h.actorFor(adminUser.id);
  operator = await h.actorFor((await h.makeUser([{ role: "Operator" }], "images-operator")).id);
  adminToken = (await h.caller(admin).tokens.create({ name: "images", expiresInDays: 1 })).token;
  for (const [name, socket] of Object.entries(sockets)) {
    env[name as keyof typeof sockets] = (
      await h.caller(admin).environments.create({ name, url: `unix://${socket}` })
    ).id;
  }
  registryId = (
    await h.caller(admin).registries.create({
      name: "testbed",
      url: `http://${registryHost}`,
      username: need(testbed, "TESTBED_REGISTRY_USER"),
      password: need(testbed, "TESTBED_REGISTRY_PASSWORD"),
    })
  ).id;
  http = await serveRoute(imagesRoute(), h.services);
  await until(
    () => h.services.fleet.picture.isWarm(env.standalone) && h.services.fleet.picture.isWarm(env.manager),
    "warm pictures",
  );
});

afterAll(async () => {
  http?.server.close();
  for (const d of Object.values(docker)) await removeLabelled(d, LABEL);
  for (const d of Object.values(docker)) {
    for (const name of [
      inRegistry,
      layered,
      `h10-test/tagged:${run}`,
      `h10-test/load:${run}`,
      `h10-test/rootfs:${run}`,
    ]) {
      await removeImageQuietly(d, name);
    }
  }
  h?.services.fleet.close();
  await h?.close();
});

/** Every state a transfer went through on the board, as a page following it sees them. */
function follow(id: string): { seen: TransferView[]; stop: () => void } {
  const seen: TransferView[] = [];
  const stop = transfersOf(h.services.fleet).subscribe((view) => {
    if (view.id === id) seen.push(view);
  });
  return { seen, stop };
}

const hasImage = (d: Docker, name: string) =>
  d
    .getImage(name)
    .inspect()
    .then(() => true)
    .catch(() => false);

describe("pull", () => {
  it("pulls through a saved registry onto two environments at once, each followed to its end", async () => {
    for (const d of Object.values(docker)) await removeImageQuietly(d, inRegistry);
    const api = h.caller(admin);
    const ids = { standalone: crypto.randomUUID(), manager: crypto.randomUUID() };
    const followers = Object.values(ids).map(follow);
    const answers = await Promise.all(
      (["standalone", "manager"] as const).map((name) =>
        api.images.pull({
          environmentId: env[name],
          image: "stevedore-fixture/busybox:latest",
          registryId,
          operationId: ids[name],
        }),
      ),
    );
    for (const f of followers) f.stop();
    for (const [i, name] of (["standalone", "manager"] as const).entries()) {
      const answer = answers[i]!;
      expect(answer.transfer).toMatchObject({
        id: ids[name],
        state: "ok",
        fraction: 1,
        reference: inRegistry,
        registryName: "testbed",
      });
      expect(answer.transfer.progress.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
      expect(answer.cli).toBe(`docker --context ${name} image pull ${inRegistry}`);
      expect(await hasImage(docker[name], inRegistry)).toBe(true);
      expect(followers[i]!.seen[0]).toMatchObject({ state: "running", environmentName: name });
      expect(followers[i]!.seen.at(-1)).toMatchObject({ state: "ok" });
    }
    const events = await h.prisma.auditEvent.findMany({ where: { action: "images.pull", outcome: "ok" } });
    expect(events.map((e) => e.environmentId).sort()).toEqual([env.standalone, env.manager].sort());
    expect(events[0]).toMatchObject({ targetKind: "image", targetId: inRegistry, permission: "image.pull" });
  });

  it("without the saved registry's credentials the engine's refusal is the answer, and on the record", async () => {
    const before = await h.prisma.auditEvent.count({ where: { action: "images.pull", outcome: "error" } });
    const attempt = h
      .caller(admin)
      .images.pull({ environmentId: env.standalone, image: `${registryHost}/stevedore-fixture/busybox:latest` });
    expect(await codeOf(attempt)).toBe("BAD_REQUEST");
    await expect(
      h
        .caller(admin)
        .images.pull({ environmentId: env.standalone, image: `${registryHost}/stevedore-fixture/busybox:latest` }),
    ).rejects.toThrow(/could not pull .*(no basic auth credentials|unauthorized|authentication required)/i);
    expect(await h.prisma.auditEvent.count({ where: { action: "images.pull", outcome: "error" } })).toBe(before + 2);
  });

  it("a saved registry's credentials need registry.use there; an image of another registry is refused", async () => {
    const pullOnly = await h.makeRole(["image.pull", "image.read"]);
    const puller = await h.actorFor((await h.makeUser([{ role: pullOnly.name }])).id);
    const snapshot = await h.snapshot();
    expect(
      await codeOf(h.caller(puller).images.pull({ environmentId: env.standalone, image: "x/y", registryId })),
    ).toBe("FORBIDDEN");
    expect(await h.snapshot()).toEqual(snapshot);
    expect(
      await h.prisma.auditEvent.findFirst({ where: { actorUserId: puller.userId, action: "images.pull" } }),
    ).toMatchObject({ outcome: "denied" });
    await expect(
      h.caller(operator).images.pull({ environmentId: env.standalone, image: "other.example:5000/x/y", registryId }),
    ).rejects.toThrow(/is on other\.example:5000, not on testbed/);
    expect(await codeOf(h.caller(operator).images.pull({ environmentId: env.standalone, image: "Bad Name" }))).toBe(
      "BAD_REQUEST",
    );
  });
});

describe("push, layer by layer", () => {
  it("pushes a layered image with progress per layer, then pulls it back with progress per layer", async () => {
    await makeLayeredImage(docker.standalone, fixture, layered, 3, 6 * 1024 * 1024);
    const api = h.caller(admin);
    const pushId = crypto.randomUUID();
    const pushed = follow(pushId);
    const push = await api.images.push({
      environmentId: env.standalone,
      image: layered,
      registryId,
      operationId: pushId,
    });
    pushed.stop();
    expect(push.transfer).toMatchObject({ state: "ok", fraction: 1 });
    expect(push.cli).toBe(`docker --context standalone image push ${layered}`);
    expect(push.transfer.progress.layers.length).toBeGreaterThanOrEqual(4);
    expect(push.transfer.progress.layers.every((l) => l.phase === "done")).toBe(true);

    await removeImageQuietly(docker.standalone, layered);
    const pullId = crypto.randomUUID();
    const pulled = follow(pullId);
    const pull = await api.images.pull({
      environmentId: env.standalone,
      image: layered,
      registryId,
      operationId: pullId,
    });
    pulled.stop();
    expect(pull.transfer.state).toBe("ok");
    // Somewhere on the way, a layer was seen part-way, with its size known.
    const partWay = pulled.seen.flatMap((v) => v.progress.layers).filter((l) => l.total > 0 && l.current < l.total);
    const fractions = pulled.seen.map((v) => v.fraction);
    expect(partWay.length + fractions.filter((f) => f > 0 && f < 1).length).toBeGreaterThan(0);
    expect(fractions.at(-1)).toBe(1);
  });

  it("a tag without the registry's host is refused before the engine is asked", async () => {
    await expect(
      h
        .caller(admin)
        .images.push({ environmentId: env.standalone, image: "stevedore-fixture/busybox:latest", registryId }),
    ).rejects.toThrow(/Tag it for testbed first/);
  });
});

describe("details, tag, remove, prune", () => {
  it("inspect gives layers with size and command, and who uses the image", async () => {
    const container = await docker.standalone.createContainer({
      Image: layered,
      name: `h10-img-user-${run}`,
      Labels: { [TEST_LABEL]: LABEL },
    });
    await until(
      () => Boolean(h.services.fleet.picture.get(env.standalone, "containers", container.id)),
      "the live picture",
    );
    const detail = await h.caller(admin).images.get({ environmentId: env.standalone, image: layered });
    expect(detail.tags).toContain(layered);
    expect(detail.history.length).toBeGreaterThanOrEqual(4);
    expect(detail.history.some((l) => l.size > 5_000_000 && l.createdBy.includes("urandom"))).toBe(true);
    expect(detail.users.containers).toEqual([{ id: container.id, name: `h10-img-user-${run}`, state: "created" }]);
    expect(detail.config.cmd).toEqual(["sleep", "3600"]);
  });

  it("tags, then removing a tag of several untags only", async () => {
    const api = h.caller(admin);
    const tagged = `h10-test/tagged:${run}`;
    expect(await api.images.tag({ environmentId: env.standalone, image: layered, target: tagged })).toMatchObject({
      cli: `docker --context standalone image tag ${layered} ${tagged}`,
    });
    expect(await hasImage(docker.standalone, tagged)).toBe(true);
    const removed = await api.images.remove({ environmentId: env.standalone, image: tagged });
    expect(removed).toMatchObject({ untagged: [tagged], deleted: [] });
    expect(await hasImage(docker.standalone, layered)).toBe(true);
  });

  it("removing an image in use is refused naming the container; forced, its tag goes", async () => {
    const api = h.caller(admin);
    const attempt = api.images.remove({ environmentId: env.standalone, image: layered });
    await expect(attempt).rejects.toThrow(new RegExp(`in use by container h10-img-user-${run} \\(created\\)`));
    expect(await codeOf(api.images.remove({ environmentId: env.standalone, image: layered }))).toBe("CONFLICT");
    expect(await hasImage(docker.standalone, layered)).toBe(true);
    const forced = await api.images.remove({ environmentId: env.standalone, image: layered, force: true });
    expect(forced.untagged).toContain(layered);
    expect(forced.cli).toBe(`docker --context standalone image rm -f ${layered}`);
    expect(await hasImage(docker.standalone, layered)).toBe(false);
  });

  it("prune shows first what goes and how much it frees, then frees it", async () => {
    await removeLabelled(docker.standalone, LABEL);
    // A dangling image: tag an image, then move the tag to another one.
    const name = `h10-test/dangling:${run}`;
    const first = await makeLayeredImage(docker.standalone, fixture, name, 1, 2 * 1024 * 1024);
    await makeLayeredImage(docker.standalone, fixture, name, 1, 1024);
    const api = h.caller(admin);
    const preview = await api.images.prunePreview({ environmentId: env.standalone, all: false });
    const entry = preview.images.find((i) => i.id === first);
    expect(entry).toMatchObject({ tags: [] });
    expect(entry!.size).toBeGreaterThan(2 * 1024 * 1024);
    expect(preview.bytesAtMost).toBeGreaterThanOrEqual(preview.bytesAtLeast);
    expect(preview.bytesAtLeast).toBeGreaterThanOrEqual(2 * 1024 * 1024);
    expect(preview.images.every((i) => i.tags.length === 0)).toBe(true);
    const result = await api.images.prune({ environmentId: env.standalone, all: false });
    expect(result.deleted).toContain(first);
    expect(result.bytesFreed).toBeGreaterThanOrEqual(2 * 1024 * 1024);
    expect(result.cli).toBe("docker --context standalone image prune -f");
    expect(await hasImage(docker.standalone, first)).toBe(false);
    await removeImageQuietly(docker.standalone, name);
  });

  it("an Operator may pull but not remove, prune or push; refusals change nothing", async () => {
    const op = h.caller(operator);
    const before = await h.snapshot();
    expect(await codeOf(op.images.remove({ environmentId: env.standalone, image: fixture }))).toBe("FORBIDDEN");
    expect(await codeOf(op.images.prune({ environmentId: env.standalone, all: true }))).toBe("FORBIDDEN");
    expect(await codeOf(op.images.push({ environmentId: env.standalone, image: inRegistry, registryId }))).toBe(
      "FORBIDDEN",
    );
    expect(await h.snapshot()).toEqual(before);
    expect(await hasImage(docker.standalone, fixture)).toBe(true);
  });
});

// ---- export and import over HTTP ---------------------------------------------------------------

function call(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: Buffer,
): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(`${http.base}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe("export and import", () => {
  it("exports an image as a tar and loads it back under the same name", async () => {
    const auth = { authorization: `Bearer ${adminToken}` };
    const q = new URLSearchParams({ environmentId: env.standalone, image: fixture });
    const exported = await call("GET", `${IMAGES_EXPORT_PATH}?${q}`, auth);
    expect(exported.status).toBe(200);
    expect(exported.headers["content-disposition"]).toContain("stevedore-fixture_busybox_latest.tar");
    expect(exported.body.length).toBeGreaterThan(1_000_000);
    // The archive loads on the other engine under its name.
    const loadName = `h10-test/load:${run}`;
    await docker.manager.getImage(fixture).tag({ repo: "h10-test/load", tag: run });
    await removeImageQuietly(docker.manager, loadName);
    const into = new URLSearchParams({ environmentId: env.manager });
    const imported = await call(
      "PUT",
      `${IMAGES_IMPORT_PATH}?${into}`,
      { ...auth, "content-length": String(exported.body.length) },
      exported.body,
    );
    expect(imported.status, imported.body.toString()).toBe(201);
    expect(JSON.parse(imported.body.toString())).toMatchObject({
      loaded: [fixture],
      cli: "docker --context manager image load -i archive.tar",
    });
    // Each door completes its event once the answer is sent, through the audit's write queue: the
    // events are awaited, not expected at the instant the answer arrives.
    await expect
      .poll(
        async () =>
          (await h.prisma.auditEvent.findMany({ where: { action: { in: ["images.export", "images.import"] } } }))
            .map((e) => [e.action, e.outcome])
            .sort(),
        { timeout: 15_000 },
      )
      .toEqual([
        ["images.export", "ok"],
        ["images.import", "ok"],
      ]);
  });

  it("import needs image.pull there, export image.export; a missing image is a 404", async () => {
    const readerToken = (
      await h
        .caller(await h.actorFor((await h.makeUser([{ role: "Read-only" }])).id))
        .tokens.create({ name: "r", expiresInDays: 1 })
    ).token;
    const auth = { authorization: `Bearer ${readerToken}` };
    const q = new URLSearchParams({ environmentId: env.standalone, image: fixture });
    expect((await call("GET", `${IMAGES_EXPORT_PATH}?${q}`, auth)).status).toBe(403);
    expect(
      (
        await call(
          "PUT",
          `${IMAGES_IMPORT_PATH}?${new URLSearchParams({ environmentId: env.standalone })}`,
          { ...auth, "content-length": "3" },
          Buffer.from("abc"),
        )
      ).status,
    ).toBe(403);
    const missing = new URLSearchParams({ environmentId: env.standalone, image: "nothing/here:never" });
    expect(
      (await call("GET", `${IMAGES_EXPORT_PATH}?${missing}`, { authorization: `Bearer ${adminToken}` })).status,
    ).toBe(404);
    const bad = new URLSearchParams({ environmentId: env.standalone, image: "../../etc" });
    expect((await call("GET", `${IMAGES_EXPORT_PATH}?${bad}`, { authorization: `Bearer ${adminToken}` })).status).toBe(
      400,
    );
  });

  it("a root file system tar becomes an image with the name given; garbage is a 400", async () => {
    const exported = await call(
      "GET",
      `${IMAGES_EXPORT_PATH}?${new URLSearchParams({ environmentId: env.standalone, image: fixture })}`,
      { authorization: `Bearer ${adminToken}` },
    );
    const auth = { authorization: `Bearer ${adminToken}` };
    const garbage = Buffer.from("this is not a tar archive at all".repeat(100));
    const refused = await call(
      "PUT",
      `${IMAGES_IMPORT_PATH}?${new URLSearchParams({ environmentId: env.standalone })}`,
      { ...auth, "content-length": String(garbage.length) },
      garbage,
    );
    expect(refused.status).toBe(400);
    // An image archive is a tar too: imported as a root file system it makes an image (of files).
    const rootfs = `h10-test/rootfs:${run}`;
    const imported = await call(
      "PUT",
      `${IMAGES_IMPORT_PATH}?${new URLSearchParams({ environmentId: env.standalone, reference: rootfs })}`,
      { ...auth, "content-length": String(exported.body.length) },
      exported.body,
    );
    expect(imported.status, imported.body.toString()).toBe(201);
    expect(await hasImage(docker.standalone, rootfs)).toBe(true);
  });
});
