// Downloading and uploading container files over HTTP, on real engines (the standalone host
// and a swarm worker reached through its own endpoint), through the real route handler in an
// HTTP server of the test's own: bytes are checked against the engine's own archive, refusals
// leave the container alone and are on the audit record.
import Docker from "dockerode";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import tar from "tar-stream";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { need } from "../../testing/testbed-env";
import { openHarness, TEST_PASSWORD, type Harness } from "../../testing/harness";
import { containerFilesRoute, CONTAINER_FILES_PREFIX, MAX_UPLOAD_BYTES } from "./container-files";

const testbed = inject("testbed");
const LABEL = "stevedore.test=details-files";
let h: Harness;
let server: Server;
let base: string;
let adminToken: string;
let operatorToken: string;

const engines = {
  standalone: need(testbed, "TESTBED_STANDALONE_SOCKET"),
  "swarm worker": need(testbed, "TESTBED_SWARM_WORKER1_SOCKET"),
};
type EngineName = keyof typeof engines;
const environmentIds: Record<string, string> = {};
const containers: Record<string, Docker.Container> = {};

const GREETING = "hello stevedore\n";

/** Every entry of a tar: name -> contents. */
async function untar(bytes: Buffer): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const extract = tar.extract();
  const done = new Promise<void>((resolve, reject) => {
    extract.on("entry", (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        files.set(header.name, Buffer.concat(chunks).toString("utf8"));
        next();
      });
    });
    extract.on("finish", resolve);
    extract.on("error", reject);
  });
  Readable.from([bytes]).pipe(extract);
  await done;
  return files;
}

/** What the engine itself says a file holds (GET archive, straight to the socket). */
async function engineFile(container: Docker.Container, path: string): Promise<string> {
  const stream = (await container.getArchive({ path })) as unknown as Readable;
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return [...(await untar(Buffer.concat(chunks))).values()][0]!;
}

function url(query: Record<string, string>): string {
  return `${base}${CONTAINER_FILES_PREFIX}?${new URLSearchParams(query).toString()}`;
}

beforeAll(async () => {
  h = await openHarness();
  const adminUser = await h.makeUser([{ role: "Administrator" }], "files-admin");
  const operatorUser = await h.makeUser([{ role: "Operator" }], "files-operator");
  const tokenFor = async (userId: string) =>
    (await h.caller(await h.actorFor(userId)).tokens.create({ name: "files", expiresInDays: 1 })).token;
  adminToken = await tokenFor(adminUser.id);
  operatorToken = await tokenFor(operatorUser.id);
  const admin = await h.actorFor(adminUser.id);
  const route = containerFilesRoute();
  server = createServer((req, res) => {
    void route.handle(h.services, req, res, new URL(req.url ?? "/", "http://stevedore.local"));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  for (const [name, socket] of Object.entries(engines)) {
    environmentIds[name] = (await h.caller(admin).environments.create({ name, url: `unix://${socket}` })).id;
    const docker = new Docker({ socketPath: socket, version: "v1.41" });
    const container = await docker.createContainer({
      Image: need(testbed, "TESTBED_FIXTURE_IMAGE"),
      name: `details-files-${Date.now()}-${name.replace(/\W/g, "")}`,
      Cmd: [
        "sh",
        "-c",
        `mkdir -p /srv/data/inner && printf '${GREETING.trim()}\\n' > /srv/data/greeting.txt && echo deep > /srv/data/inner/deep.txt && sleep 600`,
      ],
      Labels: { "stevedore.test": "details-files" },
    });
    await container.start();
    containers[name] = container;
    const until = Date.now() + 10_000;
    while (!(await engineFile(container, "/srv/data/inner/deep.txt").catch(() => null))) {
      if (Date.now() > until) throw new Error("the fixture files never appeared");
      await new Promise((r) => setTimeout(r, 100));
    }
  }
});

afterAll(async () => {
  server?.close();
  for (const socket of Object.values(engines)) {
    const docker = new Docker({ socketPath: socket, version: "v1.41" });
    const left = await docker.listContainers({ all: true, filters: { label: [LABEL] } });
    await Promise.all(left.map((c) => docker.getContainer(c.Id).remove({ force: true })));
  }
  await h?.close();
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe.each(Object.keys(engines) as EngineName[])("on the %s", (engine) => {
  const where = () => ({ environmentId: environmentIds[engine]!, containerId: containers[engine]!.id });

  it("downloads a file's bytes", async () => {
    const res = await fetch(url({ ...where(), path: "/srv/data/greeting.txt" }), { headers: bearer(operatorToken) });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toContain('filename="greeting.txt"');
    expect(res.headers.get("content-length")).toBe(String(GREETING.length));
    expect(await res.text()).toBe(GREETING);
  });

  it("downloads a folder as a tar", async () => {
    const res = await fetch(url({ ...where(), path: "/srv/data" }), { headers: bearer(operatorToken) });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/x-tar");
    expect(res.headers.get("content-disposition")).toContain('filename="data.tar"');
    const files = await untar(Buffer.from(await res.arrayBuffer()));
    expect(files.get("data/greeting.txt")).toBe(GREETING);
    expect(files.get("data/inner/deep.txt")).toBe("deep\n");
  });

  it("uploads a file into a folder, and it reads back byte for byte", async () => {
    const body = Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 251));
    const name = `upload-${Date.now()}.bin`;
    const res = await fetch(url({ ...where(), path: "/srv/data", name }), {
      method: "PUT",
      headers: bearer(adminToken),
      body,
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ path: `/srv/data/${name}`, size: body.length });
    const back = await fetch(url({ ...where(), path: `/srv/data/${name}` }), { headers: bearer(adminToken) });
    expect(Buffer.from(await back.arrayBuffer()).equals(body)).toBe(true);
    // …and the engine agrees, without Stevedore in between.
    const stream = (await containers[engine]!.getArchive({ path: `/srv/data/${name}` })) as unknown as Readable;
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    expect((await untar(Buffer.concat(chunks))).get(name)).toBe(body.toString("utf8"));
    const events = await h.prisma.auditEvent.findMany({ where: { action: "containers.files.upload", outcome: "ok" } });
    expect(events.some((e) => (e.params as { name?: string }).name === name)).toBe(true);
  });
});

describe("refusals", () => {
  const where = () => ({ environmentId: environmentIds.standalone!, containerId: containers.standalone!.id });

  it("refuses an upload without container.files.write, writes nothing, and records the refusal", async () => {
    const name = `refused-${Date.now()}.txt`;
    const res = await fetch(url({ ...where(), path: "/srv/data", name }), {
      method: "PUT",
      headers: bearer(operatorToken),
      body: "nope",
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: string }).error).toContain("container.files.write");
    await expect(engineFile(containers.standalone!, `/srv/data/${name}`)).rejects.toThrow();
    const denied = await h.prisma.auditEvent.findFirst({
      where: { action: "containers.files.upload", outcome: "denied", permission: "container.files.write" },
    });
    expect(denied).toMatchObject({ actorUsername: "files-operator", targetId: containers.standalone!.id });
  });

  it("refuses a cookie-signed upload without this site's Origin, and accepts it with", async () => {
    const login = h.caller(null, { ip: "127.0.0.1" });
    await login.auth.login({ username: "files-admin", password: TEST_PASSWORD });
    const cookie = login.cookies.map((c) => c.split(";")[0]).join("; ");
    const name = `origin-${Date.now()}.txt`;
    const noOrigin = await fetch(url({ ...where(), path: "/srv/data", name }), {
      method: "PUT",
      headers: { cookie },
      body: "x",
    });
    expect(noOrigin.status).toBe(403);
    const elsewhere = await fetch(url({ ...where(), path: "/srv/data", name }), {
      method: "PUT",
      headers: { cookie, origin: "http://evil.example" },
      body: "x",
    });
    expect(elsewhere.status).toBe(403);
    await expect(engineFile(containers.standalone!, `/srv/data/${name}`)).rejects.toThrow();
    const same = await fetch(url({ ...where(), path: "/srv/data", name }), {
      method: "PUT",
      headers: { cookie, origin: base },
      body: "x",
    });
    expect(same.status).toBe(201);
    expect(await engineFile(containers.standalone!, `/srv/data/${name}`)).toBe("x");
  });

  it("refuses an upload over the size limit before reading it", async () => {
    const status = await new Promise<{ code: number; body: string }>((resolve, reject) => {
      const req = request(
        url({ ...where(), path: "/srv/data", name: "huge.bin" }),
        { method: "PUT", headers: { ...bearer(adminToken), "content-length": String(MAX_UPLOAD_BYTES + 1) } },
        (res) => {
          let body = "";
          res.on("data", (c: Buffer) => (body += c.toString()));
          res.on("end", () => resolve({ code: res.statusCode ?? 0, body }));
        },
      );
      req.on("error", reject);
      req.write("a few bytes only");
    });
    expect(status.code).toBe(413);
    expect(status.body).toContain("limited to 100 MiB");
  });

  it("refuses anonymous callers and bad paths", async () => {
    expect((await fetch(url({ ...where(), path: "/srv/data/greeting.txt" }))).status).toBe(401);
    const relative = await fetch(url({ ...where(), path: "srv" }), { headers: bearer(adminToken) });
    expect(relative.status).toBe(400);
    const missing = await fetch(url({ ...where(), path: "/no/such/file" }), { headers: bearer(adminToken) });
    expect(missing.status).toBe(404);
    const badName = await fetch(url({ ...where(), path: "/srv/data", name: "../escape" }), {
      method: "PUT",
      headers: bearer(adminToken),
      body: "x",
    });
    expect(badName.status).toBe(400);
  });
});
