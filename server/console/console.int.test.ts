// The console end to end: the real server, a real engine, a websocket client. Typing reaches
// a shell; refusals happen before any exec exists; dropped sessions leave no shells behind;
// the recording replays to the same screen.
import { createHash } from "node:crypto";
import Docker from "dockerode";
import { Terminal } from "@xterm/headless";
import { readFile, rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import WebSocket from "ws";
import { ApiClient } from "../testing/api-client";
import { setupCodeOf, spawnServer, type RunningServer } from "../testing/spawn-server";
import { dataDirWithDatabase } from "../testing/embedded-template";
import { need } from "../testing/testbed-env";

const testbed = inject("testbed");
const engine = new Docker({ socketPath: need(testbed, "TESTBED_STANDALONE_SOCKET"), version: "v1.41" });
let server: RunningServer;
let dataDir: string;
let admin: ApiClient;
let environmentId: string;
let container: Docker.Container;

beforeAll(async () => {
  dataDir = await dataDirWithDatabase("stevedore-console-");
  server = await spawnServer({ STEVEDORE_DATA_DIR: dataDir, DATABASE_URL: "" });
  admin = new ApiClient(server.url);
  await admin.mutate("auth.setup", {
    setupCode: await setupCodeOf(dataDir),
    username: "admin",
    password: "console test passphrase",
  });
  admin.token = (await admin.mutate<{ token: string }>("tokens.create", { name: "test", expiresInDays: 1 })).token;
  environmentId = (
    await admin.mutate<{ id: string }>("environments.create", {
      name: "standalone",
      url: `unix://${need(testbed, "TESTBED_STANDALONE_SOCKET")}`,
    })
  ).id;
  container = await engine.createContainer({
    Image: need(testbed, "TESTBED_FIXTURE_IMAGE"),
    name: `console-${Date.now()}`,
    Cmd: ["sleep", "3600"],
    Labels: { "stevedore.test": "console" },
  });
  await container.start();
}, 180_000);

afterAll(async () => {
  await container?.remove({ force: true }).catch(() => undefined);
  await server?.stop("SIGKILL");
  await rm(dataDir, { recursive: true, force: true });
});

interface Opened {
  socket: WebSocket;
  output(): string;
  controls: Record<string, unknown>[];
  waitFor(text: string | RegExp, ms?: number): Promise<void>;
  waitForControl(type: string, ms?: number): Promise<void>;
  type(text: string): void;
  closed: Promise<number>;
}

function openConsole(query: Record<string, string>, headers: Record<string, string>): Promise<Opened> {
  const qs = new URLSearchParams({ environmentId, containerId: container.id, ...query });
  const socket = new WebSocket(`ws://127.0.0.1:${server.port}/api/ws/exec?${qs.toString()}`, { headers });
  let out = "";
  const controls: Record<string, unknown>[] = [];
  const waiters = new Set<() => void>();
  // A terminal emulator on the client side, as xterm.js is in the browser: it answers the
  // shell's queries (busybox asks for the cursor position before each prompt).
  const term = new Terminal({ cols: Number(query.cols ?? 80), rows: Number(query.rows ?? 24), allowProposedApi: true });
  term.onData((reply) => socket.readyState === socket.OPEN && socket.send(Buffer.from(reply), { binary: true }));
  socket.on("message", (data: Buffer, binary: boolean) => {
    if (binary) {
      out += data.toString("utf8");
      term.write(data);
    } else controls.push(JSON.parse(data.toString()) as Record<string, unknown>);
    for (const w of waiters) w();
  });
  const closed = new Promise<number>((resolve) => socket.on("close", (code) => resolve(code)));
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
        waitForControl: async (type, ms = 5000) => {
          const until = Date.now() + ms;
          while (!controls.some((c) => c.type === type)) {
            if (Date.now() > until) throw new Error(`no ${type} message; got ${JSON.stringify(controls)}`);
            await new Promise((r) => setTimeout(r, 10));
          }
        },
        waitFor: (text, ms = 5000) =>
          new Promise<void>((ok, fail) => {
            // Resolve only once the client terminal has parsed (and answered) all output so far.
            const settle = () => term.write("", () => ok());
            const check = () => {
              if (typeof text === "string" ? out.includes(text) : text.test(out)) {
                waiters.delete(check);
                clearTimeout(timer);
                settle();
              }
            };
            const timer = setTimeout(() => {
              waiters.delete(check);
              fail(
                new Error(
                  `did not see ${String(text)} in: ${JSON.stringify(out.slice(-300))} (controls ${JSON.stringify(controls)})`,
                ),
              );
            }, ms);
            waiters.add(check);
            check();
          }),
      }),
    );
  });
}

/** The shell's prompt once drawn (busybox asks for the cursor position first, then redraws). */
// busybox asks for the cursor position right after its prompt (ESC[6n), and redraws it
// (ending in ESC[J) when the window size changes.
// eslint-disable-next-line no-control-regex -- the escapes are the point
const PROMPT = /[#$] (\x1b\[6n|\x1b\[J)?$/;

const bearer = () => ({ authorization: `Bearer ${admin.token}` });

/**
 * The recording of the session that showed `text`. A session's event is completed after its
 * socket closes (its processes are ended and its recording stored first), and events are
 * ordered by completion: the 50 dropped consoles of an earlier test may complete after a later
 * session. So: look for it, for a few seconds.
 */
async function recordingShowing(text: string): Promise<string> {
  const until = Date.now() + 10_000;
  for (;;) {
    const events = await admin.query<{ items: { id: string }[] }>("audit.list", {
      action: "console.exec",
      outcome: "ok",
    });
    for (const event of events.items) {
      const { cast } = await admin.query<{ cast: string }>("audit.recording", { id: event.id });
      if (cast.includes(text)) return cast;
    }
    if (Date.now() > until) throw new Error(`no recorded console session showed ${text}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function shellsInContainer(): Promise<string[]> {
  const exec = await container.exec({ Cmd: ["ps", "-o", "pid,args"], AttachStdout: true, Tty: true });
  const stream = await exec.start({ hijack: true, stdin: false, Tty: true });
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve) => {
    stream.on("data", (c: Buffer) => chunks.push(c));
    stream.on("end", () => resolve());
  });
  return Buffer.concat(chunks)
    .toString()
    .split("\n")
    .filter((line) => /\b(sh|bash)\s*$/.test(line.trim()));
}

/**
 * The shells left in the test container once the engine has caught up: a killed process can
 * stay listed for a moment on a loaded machine, so this waits (bounded) for the list to
 * empty and answers what is still there at the end.
 */
async function shellsGone(): Promise<string[]> {
  let shells: string[] = [];
  for (let i = 0; i < 150; i++) {
    shells = await shellsInContainer();
    if (!shells.length) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return shells;
}

describe("console", () => {
  it("runs a shell: typing reaches it, and stty size follows a resize", async () => {
    const con = await openConsole({ cols: "80", rows: "24" }, bearer());
    await con.waitFor(PROMPT);
    con.type("echo $((6*7))\r");
    await con.waitFor(/\r\n42\r\n/);
    con.socket.send(JSON.stringify({ type: "resize", cols: 100, rows: 30 }));
    await con.waitForControl("resized");
    con.type("stty size\r");
    await con.waitFor("30 100");
    con.type("exit\r");
    expect(await con.closed).toBe(1000);
    expect(con.controls.find((c) => c.type === "exit")).toMatchObject({
      message: expect.stringMatching(/exited with code 0/) as string,
    });
  });

  it("refuses a foreign Origin and a caller without credentials, before any exec exists", async () => {
    const cookieUser = new ApiClient(server.url);
    await cookieUser.mutate("auth.login", { username: "admin", password: "console test passphrase" });
    const before = (await container.inspect()).ExecIDs ?? [];
    await expect(openConsole({}, { cookie: cookieUser.cookie, origin: "https://evil.example" })).rejects.toThrow(
      "HTTP 403",
    );
    await expect(openConsole({}, {})).rejects.toThrow("HTTP 401");
    await expect(openConsole({}, { authorization: "Bearer sdt_not-a-token" })).rejects.toThrow("HTTP 401");
    expect((await container.inspect()).ExecIDs ?? []).toEqual(before);
    // The same cookie from Stevedore's own page is welcome.
    const ok = await openConsole({}, { cookie: cookieUser.cookie, origin: server.url });
    await ok.waitFor(PROMPT);
    ok.socket.close();
    await ok.closed;
  });

  it("refuses a Read-only user", async () => {
    await admin.mutate("users.create", { username: "reader", password: "helpdesk test passphrase" });
    const users = await admin.query<{ id: string; username: string }[]>("users.list");
    const roles = await admin.query<{ id: string; name: string }[]>("roles.list");
    await admin.mutate("bindings.create", {
      roleId: roles.find((r) => r.name === "Read-only")!.id,
      userId: users.find((u) => u.username === "reader")!.id,
      environmentId: null,
    });
    const reader = new ApiClient(server.url);
    await reader.mutate("auth.login", { username: "reader", password: "helpdesk test passphrase" });
    reader.token = (await reader.mutate<{ token: string }>("tokens.create", { name: "r", expiresInDays: 1 })).token;
    await expect(openConsole({}, { authorization: `Bearer ${reader.token}` })).rejects.toThrow("HTTP 403");
  });

  it("says clearly when the container has no such command", async () => {
    const con = await openConsole({ cmd: "/bin/zsh" }, bearer());
    expect(await con.closed).toBe(1000);
    const exit = con.controls.find((c) => c.type === "exit");
    expect(String(exit?.message)).toMatch(/exited with code 12[67]|zsh/);
  });

  it("says the container is not running (not that it has no shell) when it is stopped or paused", async () => {
    const stopped = await engine.createContainer({
      Image: need(testbed, "TESTBED_FIXTURE_IMAGE"),
      Cmd: ["sleep", "3600"],
      Labels: { "stevedore.test": "console" },
    });
    try {
      for (const cmd of ["auto", "sh"]) {
        const con = await openConsole({ containerId: stopped.id, cmd }, bearer());
        expect(await con.closed).toBe(1000);
        expect(String(con.controls.find((c) => c.type === "exit")?.message)).toBe(
          "This container is not running (created): start it to open a console.",
        );
      }
      await stopped.start();
      await stopped.pause();
      const con = await openConsole({ containerId: stopped.id }, bearer());
      expect(await con.closed).toBe(1000);
      expect(String(con.controls.find((c) => c.type === "exit")?.message)).toBe(
        "This container is paused: resume it to open a console.",
      );
    } finally {
      await stopped.remove({ force: true });
    }
  });

  it("leaves no shells behind when 50 consoles are dropped abruptly, and memory returns", async () => {
    const rss = async () =>
      Number(/VmRSS:\s+(\d+)/.exec(await readFile(`/proc/${server.child.pid}/status`, "utf8"))![1]) / 1024;
    const baseline = await rss();
    for (let batch = 0; batch < 5; batch++) {
      const consoles = await Promise.all(Array.from({ length: 10 }, () => openConsole({}, bearer())));
      await Promise.all(consoles.map((c) => c.waitFor(PROMPT, 30_000)));
      for (const c of consoles) c.socket.terminate(); // no close frame: a dropped network
      await Promise.all(consoles.map((c) => c.closed));
    }
    expect(await shellsGone()).toEqual([]);
    let after = await rss();
    for (let i = 0; i < 100 && after > baseline + 40; i++) {
      await new Promise((r) => setTimeout(r, 100));
      after = await rss();
    }
    expect(after).toBeLessThan(baseline + 40);
  }, 120_000);

  it("records the session, and the recording replays to the same screen", async () => {
    const con = await openConsole({ cols: "60", rows: "10" }, bearer());
    await con.waitFor(PROMPT);
    con.type("echo recorded-$((20+22)); printf '\\033[1mbold\\033[0m\\n'\r");
    await con.waitFor("recorded-42");
    con.type("exit\r");
    await con.closed;
    const live = new Terminal({ cols: 60, rows: 10, allowProposedApi: true });
    await new Promise<void>((r) => live.write(con.output(), r));

    const cast = await recordingShowing("recorded-42");
    const [header, ...lines] = cast.trim().split("\n");
    expect(JSON.parse(header!)).toMatchObject({ version: 2, width: 60, height: 10 });
    const replay = new Terminal({ cols: 60, rows: 10, allowProposedApi: true });
    for (const line of lines) {
      const [, kind, data] = JSON.parse(line) as [number, string, string];
      if (kind === "o") await new Promise<void>((r) => replay.write(data, r));
    }
    const screen = (t: Terminal) =>
      Array.from(
        { length: t.buffer.active.length },
        (_, i) => t.buffer.active.getLine(i)?.translateToString(true) ?? "",
      ).join("\n");
    expect(screen(replay)).toBe(screen(live));
    expect(screen(replay)).toContain("recorded-42");

    // The session's completion carries the recording's digest, and the chain check compares it.
    const events = await admin.query<{ items: { params: { recording?: { sha256: string } } | null }[] }>("audit.list", {
      action: "console.exec",
      outcome: "ok",
    });
    const digest = createHash("sha256").update(cast).digest("hex");
    expect(events.items.some((e) => e.params?.recording?.sha256 === digest)).toBe(true);
    const verified = await admin.query<{ ok: boolean; recordingsChecked: number }>("audit.verify");
    expect(verified.ok).toBe(true);
    expect(verified.recordingsChecked).toBeGreaterThan(0);
  });

  it("records what was typed only when the setting says so", async () => {
    const typedIn = async (marker: string) => {
      const con = await openConsole({}, bearer());
      await con.waitFor(PROMPT);
      con.type(`echo ${marker}\r`);
      await con.waitFor(`\n${marker}`);
      con.type("exit\r");
      await con.closed;
      const cast = await recordingShowing(marker);
      const lines = cast.trim().split("\n").slice(1);
      expect(lines.some((l) => l.includes(marker))).toBe(true); // shown: always recorded
      return lines
        .map((l) => JSON.parse(l) as [number, string, string])
        .filter(([, kind]) => kind === "i")
        .map(([, , data]) => data)
        .join("");
    };

    expect(await admin.query<{ consoleRecordInput: boolean }>("settings.get")).toMatchObject({
      consoleRecordInput: false,
    });
    expect(await typedIn("not-kept-41")).toBe("");

    await admin.mutate("settings.update", { consoleRecordInput: true });
    try {
      expect(await typedIn("kept-keys-43")).toContain("echo kept-keys-43");
    } finally {
      await admin.mutate("settings.update", { consoleRecordInput: false });
    }
  });

  it("opens at most 10 of a burst of 30 consoles, and completes every session's event", async () => {
    await admin.mutate("users.create", { username: "burster", password: "burst test passphrase 1" });
    const users = await admin.query<{ id: string; username: string }[]>("users.list");
    const roles = await admin.query<{ id: string; name: string }[]>("roles.list");
    const burster = users.find((u) => u.username === "burster")!;
    await admin.mutate("bindings.create", {
      roleId: roles.find((r) => r.name === "Operator")!.id,
      userId: burster.id,
      environmentId: null,
    });
    const operator = new ApiClient(server.url);
    await operator.mutate("auth.login", { username: "burster", password: "burst test passphrase 1" });
    operator.token = (await operator.mutate<{ token: string }>("tokens.create", { name: "b", expiresInDays: 1 })).token;
    const headers = { authorization: `Bearer ${operator.token}` };
    const qs = new URLSearchParams({ environmentId, containerId: container.id }).toString();

    /** 30 websockets at once; each resolves to "open" or the HTTP status that refused it. */
    const burst = (onOpen: (socket: WebSocket) => void) =>
      Promise.all(
        Array.from(
          { length: 30 },
          () =>
            new Promise<{ socket: WebSocket; result: string }>((resolve) => {
              const socket = new WebSocket(`ws://127.0.0.1:${server.port}/api/ws/exec?${qs}`, { headers });
              socket.on("unexpected-response", (_req, res) => resolve({ socket, result: String(res.statusCode) }));
              socket.on("error", () => resolve({ socket, result: "error" }));
              socket.on("open", () => {
                onOpen(socket);
                resolve({ socket, result: "open" });
              });
            }),
        ),
      );
    const tally = (results: { result: string }[]) =>
      results.reduce<Record<string, number>>((t, r) => ({ ...t, [r.result]: (t[r.result] ?? 0) + 1 }), {});

    // Every console event of this user: opened ones end "ok", refused ones are "denied".
    const events = async (outcome: string) =>
      (
        await admin.query<{ items: unknown[] }>("audit.list", {
          action: "console.exec",
          actor: "burster",
          outcome,
          limit: 100,
        })
      ).items.length;
    /** Waits until `ok` sessions have ended on the record and none is left open. */
    const settled = async (ok: number) => {
      const until = Date.now() + 30_000;
      while (((await events("ok")) < ok || (await events("pending")) > 0) && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(await events("pending")).toBe(0);
      expect(await events("ok")).toBe(ok);
    };

    // A burst of consoles held open: 10 open, the other 20 are refused before any engine call.
    const held = await burst(() => undefined);
    expect(tally(held)).toEqual({ open: 10, "429": 20 });
    for (const { socket } of held) socket.close();
    await settled(10);

    // A burst whose sockets are dropped the moment they open (slots free up as they go, so
    // more than 10 may open in turn): every session still ends on the record, every slot
    // comes back, and the limit still holds afterwards.
    const dropped = tally(await burst((socket) => socket.terminate()));
    expect((dropped.open ?? 0) + (dropped["429"] ?? 0)).toBe(30);
    await settled(10 + (dropped.open ?? 0));
    const again = await burst(() => undefined);
    expect(tally(again)).toEqual({ open: 10, "429": 20 });
    for (const { socket } of again) socket.close();
    await settled(20 + (dropped.open ?? 0));
    // Refusals are recorded as "denied" (never more than were refused; whether each write
    // survives such a burst is the audit writer's own promise, tested with it).
    const denied = await events("denied");
    expect(denied).toBeGreaterThan(0);
    expect(denied).toBeLessThanOrEqual(40 + (dropped["429"] ?? 0));
  }, 120_000);

  it("ends open consoles' processes when the server shuts down", async () => {
    // Start from a container with no shells left by the earlier tests' sessions, so the one
    // counted below is this console's.
    expect(await shellsGone()).toEqual([]);
    const con = await openConsole({}, bearer());
    await con.waitFor(PROMPT);
    expect((await shellsInContainer()).length).toBeGreaterThan(0);
    expect(await server.stop("SIGTERM")).toBe(0);
    expect(await shellsGone()).toEqual([]);
  });
});
