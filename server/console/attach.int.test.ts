// Attaching to a container's main process end to end: the real server, a real engine, a
// websocket client. Refusals happen before any engine call; input reaches PID 1 only with
// container.exec; leaving never stops the container; a container without a TTY is demuxed.
import Docker from "dockerode";
import { Terminal } from "@xterm/headless";
import { rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import WebSocket from "ws";
import { ApiClient } from "../testing/api-client";
import { setupCodeOf, spawnServer, type RunningServer } from "../testing/spawn-server";
import { dataDirWithDatabase } from "../testing/embedded-template";
import { need } from "../testing/testbed-env";

const testbed = inject("testbed");
const engine = new Docker({ socketPath: need(testbed, "TESTBED_STANDALONE_SOCKET"), version: "v1.41" });
const prefix = `console-attach-${Date.now()}`;
let server: RunningServer;
let dataDir: string;
let admin: ApiClient;
let watcher: ApiClient;
let environmentId: string;
const created: Docker.Container[] = [];

async function startContainer(suffix: string, options: Partial<Docker.ContainerCreateOptions>) {
  const container = await engine.createContainer({
    Image: need(testbed, "TESTBED_FIXTURE_IMAGE"),
    name: `${prefix}-${suffix}`,
    Labels: { "stevedore.test": "console-attach" },
    ...options,
  });
  created.push(container);
  await container.start();
  return container;
}

async function signedInUser(username: string, roleId: string): Promise<ApiClient> {
  const password = `correct horse battery ${username.length} staple`;
  const user = await admin.mutate<{ id: string }>("users.create", { username, password });
  await admin.mutate("bindings.create", { roleId, userId: user.id, environmentId: null });
  const client = new ApiClient(server.url);
  await client.mutate("auth.login", { username, password });
  client.token = (await client.mutate<{ token: string }>("tokens.create", { name: "t", expiresInDays: 1 })).token;
  return client;
}

beforeAll(async () => {
  dataDir = await dataDirWithDatabase("stevedore-attach-");
  server = await spawnServer({ STEVEDORE_DATA_DIR: dataDir, DATABASE_URL: "" });
  admin = new ApiClient(server.url);
  await admin.mutate("auth.setup", {
    setupCode: await setupCodeOf(dataDir),
    username: "admin",
    password: "attach test passphrase",
  });
  admin.token = (await admin.mutate<{ token: string }>("tokens.create", { name: "test", expiresInDays: 1 })).token;
  environmentId = (
    await admin.mutate<{ id: string }>("environments.create", {
      name: "standalone",
      url: `unix://${need(testbed, "TESTBED_STANDALONE_SOCKET")}`,
    })
  ).id;
  // May watch a container's main process, may not open a shell: attach without exec.
  const role = await admin.mutate<{ id: string }>("roles.create", {
    name: "Watcher",
    permissions: ["container.read", "container.attach"],
  });
  watcher = await signedInUser("watcher", role.id);
}, 180_000);

afterAll(async () => {
  for (const c of created) await c.remove({ force: true }).catch(() => undefined);
  await server?.stop("SIGKILL");
  await rm(dataDir, { recursive: true, force: true });
});

interface Attached {
  socket: WebSocket;
  output(): string;
  controls: Record<string, unknown>[];
  waitFor(text: string | RegExp, ms?: number): Promise<void>;
  control(type: string, ms?: number): Promise<Record<string, unknown>>;
  type(text: string): void;
  /** Resolves once the server has handled every message sent so far (a ping answered in order). */
  sync(): Promise<void>;
  closed: Promise<number>;
}

function attach(containerId: string, headers: Record<string, string>): Promise<Attached> {
  const qs = new URLSearchParams({ environmentId, containerId, cols: "80", rows: "24" });
  const socket = new WebSocket(`ws://127.0.0.1:${server.port}/api/ws/attach?${qs.toString()}`, { headers });
  let out = "";
  const controls: Record<string, unknown>[] = [];
  const waiters = new Set<() => void>();
  const term = new Terminal({ cols: 80, rows: 24, allowProposedApi: true });
  term.onData((reply) => socket.readyState === socket.OPEN && socket.send(Buffer.from(reply), { binary: true }));
  socket.on("message", (data: Buffer, binary: boolean) => {
    if (binary) {
      out += data.toString("utf8");
      term.write(data);
    } else controls.push(JSON.parse(data.toString()) as Record<string, unknown>);
    for (const w of waiters) w();
  });
  const closed = new Promise<number>((resolve) => socket.on("close", (code) => resolve(code)));
  const until = (ok: () => boolean, what: () => string, ms: number) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!ok()) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(what()));
      }, ms);
      waiters.add(check);
      check();
    });
  let pings = 0;
  return new Promise((resolve, reject) => {
    socket.on("unexpected-response", (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    socket.on("error", reject);
    socket.on("open", () =>
      resolve({
        socket,
        output: () => out,
        controls,
        closed,
        type: (text) => socket.send(Buffer.from(text), { binary: true }),
        waitFor: (text, ms = 10_000) =>
          until(
            () => (typeof text === "string" ? out.includes(text) : text.test(out)),
            () => `did not see ${String(text)} in ${JSON.stringify(out.slice(-300))} (${JSON.stringify(controls)})`,
            ms,
          ),
        control: async (type, ms = 10_000) => {
          await until(
            () => controls.some((c) => c.type === type),
            () => `no ${type} message; got ${JSON.stringify(controls)}`,
            ms,
          );
          return controls.find((c) => c.type === type)!;
        },
        sync: () => {
          const want = ++pings;
          socket.send(JSON.stringify({ type: "ping" }));
          return until(
            () => controls.filter((c) => c.type === "pong").length >= want,
            () => "no pong",
            10_000,
          );
        },
      }),
    );
  });
}

const bearer = (client: ApiClient) => ({ authorization: `Bearer ${client.token}` });

/** The engine's attach events for a container since `since` (unix seconds). */
async function attachEvents(containerId: string, since: number): Promise<number> {
  const stream = await engine.getEvents({
    since,
    until: Math.ceil(Date.now() / 1000) + 1,
    filters: { container: [containerId], event: ["attach"] },
  });
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString().split("\n").filter(Boolean).length;
}

async function completedSession(containerId: string, actor: ApiClient) {
  for (let i = 0; i < 100; i++) {
    const events = await actor.query<{ items: { id: string; outcome: string; params: Record<string, unknown> }[] }>(
      "audit.list",
      { action: "console.attach", target: containerId },
    );
    const done = events.items.find((e) => e.outcome !== "pending" && e.outcome !== "denied");
    if (done) return done;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the attach session was never completed on the record");
}

describe("attach", () => {
  it("refuses before the upgrade (no credentials, foreign Origin, no permission) and never calls the engine", async () => {
    const container = await startContainer("refuse", { Cmd: ["sleep", "3600"] });
    const since = Math.floor(Date.now() / 1000) - 1;
    const cookieUser = new ApiClient(server.url);
    await cookieUser.mutate("auth.login", { username: "admin", password: "attach test passphrase" });
    const roles = await admin.query<{ id: string; name: string }[]>("roles.list");
    const reader = await signedInUser("reader", roles.find((r) => r.name === "Read-only")!.id);

    await expect(attach(container.id, {})).rejects.toThrow("HTTP 401");
    await expect(attach(container.id, { authorization: "Bearer sdt_not-a-token" })).rejects.toThrow("HTTP 401");
    await expect(attach(container.id, { cookie: cookieUser.cookie, origin: "https://evil.example" })).rejects.toThrow(
      "HTTP 403",
    );
    await expect(attach(container.id, bearer(reader))).rejects.toThrow("HTTP 403");
    expect(await attachEvents(container.id, since)).toBe(0);

    const denied = await admin.query<{ items: { outcome: string; error: string | null }[] }>("audit.list", {
      action: "console.attach",
      outcome: "denied",
    });
    expect(denied.items.length).toBe(4);
    expect(denied.items.map((e) => e.error).join(" ")).toMatch(/container\.attach permission/);

    // The same engine does see an attach that is allowed: the count above could have been higher.
    const ok = await attach(container.id, { cookie: cookieUser.cookie, origin: server.url });
    await ok.control("ready");
    ok.socket.close();
    await ok.closed;
    expect(await attachEvents(container.id, since)).toBeGreaterThan(0);
  });

  it("is read-only without container.exec: output arrives, input is not delivered", async () => {
    // `cat` on a TTY as PID 1: whatever reaches its input is echoed by the TTY and by cat.
    const container = await startContainer("readonly", {
      Cmd: ["cat"],
      Tty: true,
      OpenStdin: true,
    });
    const writer = await attach(container.id, bearer(admin));
    const watching = await attach(container.id, bearer(watcher));
    expect(await writer.control("ready")).toMatchObject({ writable: true, tty: true });
    const ready = await watching.control("ready");
    expect(ready).toMatchObject({ writable: false, tty: true });
    expect(String(ready.readOnlyReason)).toContain("read-only: you may watch, not type");

    watching.type("typed-by-watcher\r");
    await watching.sync(); // the server has handled (and dropped) the keystrokes
    writer.type("typed-by-admin\r");
    await writer.waitFor("typed-by-admin");
    await watching.waitFor("typed-by-admin"); // output reaches the read-only watcher
    expect(writer.output()).not.toContain("typed-by-watcher");
    expect(watching.output()).not.toContain("typed-by-watcher");

    for (const c of [writer, watching]) c.socket.close();
    await Promise.all([writer.closed, watching.closed]);
  });

  it("keeps the container running when the browser goes, even one that may type", async () => {
    // EOF on cat's input would end it, and the container with it: leaving must not send one.
    const container = await startContainer("stays", { Cmd: ["cat"], Tty: true, OpenStdin: true });
    const con = await attach(container.id, bearer(admin));
    await con.control("ready");
    con.type("still-here\r");
    await con.waitFor("still-here");
    con.socket.terminate(); // no close frame: a dropped network
    await con.closed;
    const session = await completedSession(container.id, admin);
    expect(session).toMatchObject({ outcome: "ok", params: { ended: "browser closed", detached: true } });
    expect((await container.inspect()).State.Running).toBe(true);

    // And the recording holds what was shown.
    const { cast } = await admin.query<{ cast: string }>("audit.recording", { id: session.id });
    expect(cast).toContain("still-here");
  });

  it("demultiplexes a container started without a TTY, and leaving it keeps it running", async () => {
    const container = await startContainer("notty", {
      Cmd: ["sh", "-c", "i=0; while :; do echo out-$i; echo err-$i >&2; i=$((i+1)); sleep 0.2; done"],
      Tty: false,
    });
    const con = await attach(container.id, bearer(admin));
    expect(await con.control("ready")).toMatchObject({ tty: false });
    await con.waitFor(/out-\d+\r\n/);
    await con.waitFor(/err-\d+\r\n/);
    // No frame headers (stream kind, three zeros, a length) leak into the terminal.
    // eslint-disable-next-line no-control-regex -- the header bytes are the point
    expect(con.output()).not.toMatch(/[\x01\x02]\x00\x00\x00/);
    // Every line is a whole `out-N` or `err-N`: frames were not cut or glued wrongly.
    const lines = con.output().split("\r\n").slice(0, -1);
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) expect(line).toMatch(/^(out|err)-\d+$/);
    con.socket.close();
    await con.closed;
    await completedSession(container.id, admin);
    expect((await container.inspect()).State.Running).toBe(true);
  });

  it("says so when the container is not running", async () => {
    const container = await startContainer("stopped", { Cmd: ["true"] });
    await container.wait();
    const con = await attach(container.id, bearer(admin));
    const exit = await con.control("exit");
    expect(String(exit.message)).toMatch(/not running/);
    await con.closed;
  });
});
