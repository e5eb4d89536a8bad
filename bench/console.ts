// npm run bench:console: keystroke echo round trip through Stevedore's console websocket,
// against a hijacked `docker exec` straight to the engine, measured in the same run.
//
// Both sides run `cat` in a TTY on the same container of the testbed's standalone engine;
// the TTY echoes each keystroke. One keystroke at a time is sent and its echo awaited.
// Then 100 consoles are opened (10 users, the per-user limit) and kept typing while the
// probe console is measured again, against 100 raw execs typing in the raw case.
//
// Prints a table, then the figures as `RESULT <figure> <value>` lines (DESIGN.md):
//   console.echo.added_ms.median       Stevedore median - raw median, 1 console
//   console.echo.100.added_ms.median   the same with 100 consoles open and typing
import path from "node:path";
import type { Duplex } from "node:stream";
import Docker from "dockerode";
import WebSocket from "ws";
import { summarize } from "./support/stats";
import { preferredMode, signInWithToken, StevedoreServer, type StevedoreApi } from "./support/stevedore";
import { testbedEngines, testbedUp } from "./support/testbed";

const repoRoot = path.resolve(import.meta.dirname, "..");
const KEYSTROKES = Number(process.env.BENCH_KEYSTROKES ?? 300);
const BACKGROUND = 100;
const log = (line: string) => console.log(line);

interface Echoer {
  /** Sends one byte and resolves with the time until it came back. */
  roundTrip(byte: string): Promise<number>;
  send(byte: string): void;
  close(): void;
}

function echoer(write: (data: Buffer) => void, onData: (listener: (data: Buffer) => void) => void): Echoer {
  let waiting: { byte: string; started: number; resolve: (ms: number) => void } | undefined;
  onData((data) => {
    if (waiting && data.toString("latin1").includes(waiting.byte)) {
      const w = waiting;
      waiting = undefined;
      w.resolve(performance.now() - w.started);
    }
  });
  return {
    roundTrip: (byte) =>
      new Promise<number>((resolve) => {
        waiting = { byte, started: performance.now(), resolve };
        write(Buffer.from(byte));
      }),
    send: (byte) => write(Buffer.from(byte)),
    close: () => undefined,
  };
}

async function rawEcho(docker: Docker, containerId: string): Promise<Echoer & { stream: Duplex }> {
  const exec = await docker.getContainer(containerId).exec({
    Cmd: ["cat"],
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: true,
  });
  const stream = await exec.start({ hijack: true, stdin: true, Tty: true });
  const e = echoer(
    (d) => stream.write(d),
    (l) => stream.on("data", l),
  );
  return { ...e, stream, close: () => stream.end() };
}

async function stevedoreEcho(
  origin: string,
  token: string,
  environmentId: string,
  containerId: string,
): Promise<Echoer> {
  const url = new URL("/api/ws/exec", origin.replace(/^http/, "ws"));
  url.search = new URLSearchParams({ environmentId, containerId, cmd: "cat", cols: "80", rows: "24" }).toString();
  const socket = new WebSocket(url, { headers: { authorization: `Bearer ${token}` } });
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.on("message", (data: Buffer, binary: boolean) => {
      if (!binary && (JSON.parse(data.toString()) as { type: string }).type === "ready") resolve();
    });
  });
  const e = echoer(
    (d) => socket.send(d, { binary: true }),
    (l) => socket.on("message", (data: Buffer, binary: boolean) => binary && l(data)),
  );
  return { ...e, close: () => socket.close() };
}

async function measure(probe: Echoer, count: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) samples.push(await probe.roundTrip(String.fromCharCode(97 + (i % 26))));
  return samples;
}

/** Keeps `echoers` typing one byte every ~50 ms each until stopped. */
function typeInBackground(echoers: Echoer[]): () => void {
  const timers = echoers.map((e, i) => setInterval(() => e.send(String.fromCharCode(65 + (i % 26))), 50 + (i % 10)));
  return () => timers.forEach(clearInterval);
}

async function usersWithTokens(api: StevedoreApi, origin: string, n: number): Promise<string[]> {
  const roles = await api.query<{ id: string; name: string }[]>("roles.list");
  const operator = roles.find((r) => r.name === "Operator")!;
  const tokens: string[] = [];
  for (let i = 0; i < n; i++) {
    const password = `bench console user ${i} passphrase`;
    const user = await api.mutate<{ id: string }>("users.create", { username: `typist${i}`, password });
    await api.mutate("bindings.create", { roleId: operator.id, userId: user.id, environmentId: null });
    const login = await fetch(`${origin}/api/trpc/auth.login`, {
      method: "POST",
      headers: { "content-type": "application/json", origin },
      body: JSON.stringify({ username: `typist${i}`, password }),
    });
    const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0]!;
    const created = await fetch(`${origin}/api/trpc/tokens.create`, {
      method: "POST",
      headers: { "content-type": "application/json", origin, cookie },
      body: JSON.stringify({ name: "typing", expiresInDays: 1 }),
    });
    tokens.push(((await created.json()) as { result: { data: { token: string } } }).result.data.token);
  }
  return tokens;
}

async function main(): Promise<void> {
  testbedUp(repoRoot);
  const { engines } = testbedEngines(repoRoot);
  const standalone = engines.find((e) => e.name === "standalone")!;
  const docker = new Docker({ socketPath: standalone.adminSocket, version: "v1.41" });
  const container = await docker.createContainer({
    Image: "stevedore-fixture/busybox:latest",
    Cmd: ["sleep", "3600"],
    Labels: { "stevedore.bench": "console" },
  });
  await container.start();
  const server = await StevedoreServer.start({
    repoRoot,
    mode: preferredMode(repoRoot),
    watch: true,
    log,
    // BENCH_CPU_PROFILE=<dir>: a V8 CPU profile of the server, written when it stops.
    cpuProfileDir: process.env.BENCH_CPU_PROFILE || undefined,
  });
  const cleanups: (() => void)[] = [];
  try {
    const api = await signInWithToken(server);
    const token = (await api.mutate<{ token: string }>("tokens.create", { name: "console-bench", expiresInDays: 1 }))
      .token;
    const env = await api.mutate<{ id: string }>("environments.create", { name: "standalone", url: standalone.url });

    const raw = await rawEcho(docker, container.id);
    const ours = await stevedoreEcho(server.origin, token, env.id, container.id);
    cleanups.push(
      () => raw.close(),
      () => ours.close(),
    );
    await measure(raw, 20); // warm-up
    await measure(ours, 20);
    const raw1: number[] = [];
    const ours1: number[] = [];
    // Interleaved, so whatever else the machine does hits both alike.
    for (let round = 0; round < 10; round++) {
      raw1.push(...(await measure(raw, KEYSTROKES / 10)));
      ours1.push(...(await measure(ours, KEYSTROKES / 10)));
    }

    log(`opening ${BACKGROUND} raw execs and ${BACKGROUND} Stevedore consoles that keep typing…`);
    const rawCrowd = await Promise.all(Array.from({ length: BACKGROUND }, () => rawEcho(docker, container.id)));
    const tokens = await usersWithTokens(api, server.origin, 10);
    const crowd: Echoer[] = [];
    for (let i = 0; i < BACKGROUND; i++)
      crowd.push(await stevedoreEcho(server.origin, tokens[i % 10]!, env.id, container.id));
    cleanups.push(
      () => rawCrowd.forEach((c) => c.close()),
      () => crowd.forEach((c) => c.close()),
    );

    const stopRawTyping = typeInBackground(rawCrowd);
    const raw100 = await measure(raw, KEYSTROKES);
    stopRawTyping();
    const stopTyping = typeInBackground(crowd);
    const ours100 = await measure(ours, KEYSTROKES);
    stopTyping();
    const memory = server.memoryMb();

    const rows = [
      ["raw exec, 1 console", summarize(raw1)],
      ["Stevedore, 1 console", summarize(ours1)],
      ["raw exec, 100 typing", summarize(raw100)],
      ["Stevedore, 100 typing", summarize(ours100)],
    ] as const;
    log("\nkeystroke echo round trip (ms)");
    for (const [name, s] of rows) {
      log(`  ${name.padEnd(24)} median ${s.median.toFixed(3)}  p95 ${s.p95.toFixed(3)}  n ${s.n}`);
    }
    log(`server RSS ${memory.rss.toFixed(0)} MiB (peak ${memory.peak.toFixed(0)})\n`);
    const added1 = summarize(ours1).median - summarize(raw1).median;
    const added100 = summarize(ours100).median - summarize(raw100).median;
    console.log(`RESULT console.echo.added_ms.median ${added1.toFixed(3)}`);
    console.log(`RESULT console.echo.100.added_ms.median ${added100.toFixed(3)}`);
    console.log(`RESULT console.server.rss_mb ${memory.rss.toFixed(0)}`);
  } finally {
    for (const c of cleanups) c();
    await server.stop();
    await container.remove({ force: true }).catch(() => undefined);
  }
}

await main();
