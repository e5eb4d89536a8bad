// The existing-workload rule at every door, through the real server: a container that reaches
// the host (an administrator's, mounting /etc) cannot be started, restarted, unpaused, entered
// (exec), typed into (attach), or have its files read or written by an Operator, through the
// API, a batch, the websockets or the file routes; each refusal is on the record and nothing
// reaches the container. With the host access it needs, the same doors open; what a container
// prints (logs, a read-only attach) stays open to those who may read it.
import Docker from "dockerode";
import { readFile } from "node:fs/promises";
import { rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import WebSocket from "ws";
import { ApiClient } from "../testing/api-client";
import { setupCodeOf, spawnServer, type RunningServer } from "../testing/spawn-server";
import { dataDirWithDatabase } from "../testing/embedded-template";
import { need } from "../testing/testbed-env";

const testbed = inject("testbed");
const SOCKET = need(testbed, "TESTBED_STANDALONE_SOCKET");
const engine = new Docker({ socketPath: SOCKET, version: "v1.41" });
const IMAGE = need(testbed, "TESTBED_FIXTURE_IMAGE");
const stamp = `reach-doors-${Date.now()}`;
let server: RunningServer;
let dataDir: string;
let admin: ApiClient;
let operator: ApiClient;
let hostOps: ApiClient;
let writer: ApiClient;
let hostOpsRole: string;
let environmentId: string;
let serial = 0;

const HOST_OPS = [
  "container.read",
  "container.lifecycle",
  "container.exec",
  "container.attach",
  "container.logs",
  "container.files.read",
  "container.files.write",
  "container.create.privileged",
];

async function signedInUser(username: string, roleId: string): Promise<ApiClient> {
  const password = `correct horse battery ${username.length} staple`;
  const user = await admin.mutate<{ id: string }>("users.create", { username, password });
  await admin.mutate("bindings.create", { roleId, userId: user.id, environmentId: null });
  const client = new ApiClient(server.url);
  await client.mutate("auth.login", { username, password });
  client.token = (await client.mutate<{ token: string }>("tokens.create", { name: "t", expiresInDays: 1 })).token;
  return client;
}

/** A container as an administrator made it on the engine; started unless told not to. */
async function container(options: Partial<Docker.ContainerCreateOptions>, start = true): Promise<string> {
  const made = await engine.createContainer({
    Image: IMAGE,
    Cmd: ["sleep", "3600"],
    name: `${stamp}-${++serial}`,
    Labels: { "stevedore.test": stamp },
    ...options,
  });
  if (start) await made.start();
  return made.id;
}
const hostFolder = { HostConfig: { Binds: ["/etc:/host-etc:ro"] } };
const running = async (id: string) => (await engine.getContainer(id).inspect()).State;

beforeAll(async () => {
  dataDir = await dataDirWithDatabase("stevedore-reach-");
  server = await spawnServer({ STEVEDORE_DATA_DIR: dataDir, DATABASE_URL: "" });
  admin = new ApiClient(server.url);
  await admin.mutate("auth.setup", {
    setupCode: await setupCodeOf(dataDir),
    username: "admin",
    password: "reach doors passphrase",
  });
  admin.token = (await admin.mutate<{ token: string }>("tokens.create", { name: "test", expiresInDays: 1 })).token;
  environmentId = (
    await admin.mutate<{ id: string }>("environments.create", { name: "standalone", url: `unix://${SOCKET}` })
  ).id;
  const roles = await admin.query<{ id: string; name: string }[]>("roles.list");
  operator = await signedInUser("operator", roles.find((r) => r.name === "Operator")!.id);
  hostOpsRole = (await admin.mutate<{ id: string }>("roles.create", { name: "HostOps", permissions: HOST_OPS })).id;
  hostOps = await signedInUser("hostops", hostOpsRole);
  const writerRole = await admin.mutate<{ id: string }>("roles.create", {
    name: "Writer",
    permissions: ["container.read", "container.files.read", "container.files.write"],
  });
  writer = await signedInUser("writer", writerRole.id);
}, 180_000);

afterAll(async () => {
  const left = await engine.listContainers({ all: true, filters: { label: [`stevedore.test=${stamp}`] } });
  await Promise.all(left.map((c) => engine.getContainer(c.Id).remove({ force: true })));
  await server?.stop("SIGKILL");
  await rm(dataDir, { recursive: true, force: true });
});

const bearer = (client: ApiClient) => ({ authorization: `Bearer ${client.token}` });

async function refused(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("the call was not refused");
}

async function deniedEvents(action: string, target: string) {
  const events = await admin.query<{ items: { outcome: string; error: string | null; actorUsername: string }[] }>(
    "audit.list",
    { action, target },
  );
  return events.items.filter((e) => e.outcome === "denied");
}

describe("running it: start, restart, unpause", () => {
  it("an Operator may not start, restart or unpause a host-reaching container; the API says why", async () => {
    const stopped = await container(hostFolder, false);
    const message = await refused(operator.mutate("containers.start", { environmentId, id: stopped }));
    expect(message).toMatch(/403 .* reaches the host, so starting it needs what creating it needs/);
    expect(message).toContain(
      "container.create.privileged permission: HostConfig.Binds[0] (bind-mounts the host path /etc)",
    );
    expect((await running(stopped)).Running).toBe(false);
    expect(await deniedEvents("containers.start", stopped)).toMatchObject([{ actorUsername: "operator" }]);

    const live = await container(hostFolder);
    expect(await refused(operator.mutate("containers.restart", { environmentId, id: live }))).toMatch(
      /403 .*restarting it needs/,
    );
    await engine.getContainer(live).pause();
    expect(await refused(operator.mutate("containers.unpause", { environmentId, id: live }))).toMatch(
      /403 .*unpausing it needs/,
    );
    expect((await running(live)).Paused).toBe(true);
    // Taking power away needs nothing more.
    await operator.mutate("containers.stop", { environmentId, id: live, timeoutSeconds: 0 });
    expect((await running(live)).Running).toBe(false);
  });

  it("a batch of starts (the list's bulk action) refuses the host-reaching one and starts the rest", async () => {
    const plain = await container({}, false);
    const hostly = await container(hostFolder, false);
    const res = await fetch(`${server.url}/api/trpc/containers.start,containers.start?batch=1`, {
      method: "POST",
      headers: { "content-type": "application/json", ...bearer(operator) },
      body: JSON.stringify({ 0: { environmentId, id: plain }, 1: { environmentId, id: hostly } }),
    });
    const answers = (await res.json()) as { result?: unknown; error?: { data?: { code?: string } } }[];
    expect(answers[0]).toHaveProperty("result");
    expect(answers[1]?.error?.data?.code).toBe("FORBIDDEN");
    expect((await running(plain)).Running).toBe(true);
    expect((await running(hostly)).Running).toBe(false);
  });

  it("with the host access it needs the same doors open; an engine's socket needs its own permission", async () => {
    const hostly = await container(hostFolder, false);
    await hostOps.mutate("containers.start", { environmentId, id: hostly });
    expect((await running(hostly)).Running).toBe(true);
    await hostOps.mutate("containers.restart", { environmentId, id: hostly, timeoutSeconds: 0 });

    const socketly = await container({ HostConfig: { Binds: [`${SOCKET}:/engine.sock`] } }, false);
    const message = await refused(hostOps.mutate("containers.start", { environmentId, id: socketly }));
    expect(message).toContain("container.create.docker-socket permission: HostConfig.Binds[0]");
    expect(message).not.toContain("container.create.privileged permission");
  });
});

describe("its files", () => {
  const files = (client: ApiClient, id: string, filePath: string, init: RequestInit = {}) =>
    fetch(
      `${server.url}/api/containers/files?${new URLSearchParams({ environmentId, containerId: id, path: filePath })}`,
      { ...init, headers: { ...bearer(client), ...(init.headers ?? {}) } },
    );

  it("reading a host-reaching container's files needs its host access: download and listing", async () => {
    const hostly = await container(hostFolder);
    const plain = await container({});
    const res = await files(operator, hostly, "/host-etc/hostname");
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: string }).error).toMatch(/reaches the host, so reading its files needs/);
    expect(await deniedEvents("containers.files.download", hostly)).toMatchObject([{ actorUsername: "operator" }]);
    expect(await refused(operator.query("containers.files", { environmentId, id: hostly, path: "/host-etc" }))).toMatch(
      /403 .*reading its files needs/,
    );
    expect((await files(operator, plain, "/etc/hostname")).status).toBe(200);

    const allowed = await files(hostOps, hostly, "/host-etc/hostname");
    expect(allowed.status).toBe(200);
    expect(await allowed.text()).toBe(await readFile("/etc/hostname", "utf8"));
  });

  it("writing into one needs it too; the upload is refused before its body is read", async () => {
    const hostly = await container(hostFolder);
    const body = "hello";
    const res = await fetch(
      `${server.url}/api/containers/files?${new URLSearchParams({ environmentId, containerId: hostly, path: "/tmp", name: "x" })}`,
      { method: "PUT", headers: { ...bearer(writer), "content-length": "5" }, body },
    );
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: string }).error).toMatch(/writing files into it needs/);
    const plain = await container({});
    const ok = await fetch(
      `${server.url}/api/containers/files?${new URLSearchParams({ environmentId, containerId: plain, path: "/tmp", name: "x" })}`,
      { method: "PUT", headers: { ...bearer(writer), "content-length": "5" }, body },
    );
    expect(ok.status).toBe(201);
  });
});

interface Socket {
  socket: WebSocket;
  controls: Record<string, unknown>[];
  control(type: string, ms?: number): Promise<Record<string, unknown>>;
  closed: Promise<number>;
}

function open(endpoint: "exec" | "attach", containerId: string, client: ApiClient): Promise<Socket> {
  const qs = new URLSearchParams({ environmentId, containerId, cols: "80", rows: "24", cmd: "sh" });
  const socket = new WebSocket(`ws://127.0.0.1:${server.port}/api/ws/${endpoint}?${qs.toString()}`, {
    headers: bearer(client),
  });
  const controls: Record<string, unknown>[] = [];
  socket.on("message", (data: Buffer, binary: boolean) => {
    if (!binary) controls.push(JSON.parse(data.toString()) as Record<string, unknown>);
  });
  const closed = new Promise<number>((resolve) => socket.on("close", (code) => resolve(code)));
  const control = async (type: string, ms = 10_000) => {
    const until = Date.now() + ms;
    while (!controls.some((c) => c.type === type)) {
      if (Date.now() > until) throw new Error(`no ${type}: ${JSON.stringify(controls)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return controls.find((c) => c.type === type)!;
  };
  return new Promise((resolve, reject) => {
    socket.on("unexpected-response", (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    socket.on("error", reject);
    socket.on("open", () => resolve({ socket, controls, control, closed }));
  });
}

describe("entering it: the console websockets", () => {
  it("exec into a host-reaching container is refused before the upgrade, on the record; a plain one opens", async () => {
    const hostly = await container(hostFolder);
    await expect(open("exec", hostly, operator)).rejects.toThrow("HTTP 403");
    expect(await deniedEvents("console.exec", hostly)).toMatchObject([{ actorUsername: "operator" }]);
    const execs = (await engine.getContainer(hostly).inspect()).ExecIDs;
    expect(execs ?? []).toEqual([]);

    const plain = await container({});
    const session = await open("exec", plain, operator);
    await session.control("ready");
    session.socket.close();
    await expect(open("exec", "no-such-container-at-all", operator)).rejects.toThrow("HTTP 404");
  });

  it("with host access the console opens, and ends within seconds of that permission's revocation", async () => {
    const hostly = await container(hostFolder);
    const session = await open("exec", hostly, hostOps);
    await session.control("ready");
    await admin.mutate("roles.update", {
      id: hostOpsRole,
      permissions: HOST_OPS.filter((p) => p !== "container.create.privileged"),
    });
    try {
      const ended = await session.control("exit", 15_000);
      expect(ended.reason).toBe("permission revoked");
      await session.closed;
    } finally {
      await admin.mutate("roles.update", { id: hostOpsRole, permissions: HOST_OPS });
    }
  });

  it("attaching to one lets an Operator watch, not type, and says why", async () => {
    const hostly = await container({ ...hostFolder, Cmd: ["sh"], Tty: true, OpenStdin: true });
    const session = await open("attach", hostly, operator);
    const ready = await session.control("ready");
    expect(ready.writable).toBe(false);
    expect(String(ready.readOnlyReason)).toMatch(/^read-only: .* reaches the host, so typing into its main process/);
    session.socket.close();

    const plain = await container({ Cmd: ["sh"], Tty: true, OpenStdin: true });
    const typing = await open("attach", plain, operator);
    expect((await typing.control("ready")).writable).toBe(true);
    typing.socket.close();
  });
});

describe("what it prints", () => {
  it("its logs stay readable to whoever may read logs (the workload decides what it prints)", async () => {
    const hostly = await container({ ...hostFolder, Cmd: ["sh", "-c", "echo printed; sleep 3600"] });
    let text = "";
    for (let i = 0; i < 50 && !text.includes("printed"); i++) {
      const res = await fetch(`${server.url}/api/containers/logs/${environmentId}/${hostly}?stdout=1`, {
        headers: bearer(operator),
      });
      expect(res.status).toBe(200);
      text = await res.text();
      if (!text.includes("printed")) await new Promise((r) => setTimeout(r, 100));
    }
    expect(text).toContain("printed");
  });
});
