// Starts the real server (server.ts through tsx) as a child process, the way a user does.
import { spawn, type ChildProcess } from "node:child_process";
import { readFile } from "node:fs/promises";
import net from "node:net";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");

export interface RunningServer {
  child: ChildProcess;
  port: number;
  url: string;
  output(): string;
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** A TCP port on loopback nobody listens on (just now). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

// Servers still running when the test process ends (a test that timed out never reached its
// `finally`) are killed with it: one left behind once kept the next files' servers from
// starting ("Another next dev server is already running").
const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/** server.ts as a child process on a free port, its output collected. */
async function startServerProcess(env: Record<string, string | undefined>) {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", "server.ts"], {
    cwd: root,
    env: { ...process.env, NODE_ENV: "development", HOST: "127.0.0.1", PORT: String(port), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  child.once("exit", () => running.delete(child));
  let log = "";
  child.stdout.on("data", (chunk: Buffer) => (log += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (log += chunk.toString()));
  return { child, port, output: () => log };
}

/** Spawns the server; resolves once it says it is ready, rejects if it exits first. */
export async function spawnServer(
  env: Record<string, string | undefined>,
  // Generous: a first start on a loaded 2-core machine (migrations, warm-up) can take minutes.
  readyTimeoutMs = 180_000,
): Promise<RunningServer> {
  const { child, port, output } = await startServerProcess(env);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const server: RunningServer = {
    child,
    port,
    url: `http://127.0.0.1:${port}`,
    output,
    exited,
    async stop(signal = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`server did not become ready in ${readyTimeoutMs} ms:\n${output()}`));
    }, readyTimeoutMs);
    const onData = () => {
      if (output().includes(" ready on ")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on("data", onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before it was ready:\n${output()}`));
    });
  });
  return server;
}

/** Runs the server to completion (for starts that must fail); returns its exit code and output. */
export async function runServerExpectingExit(env: Record<string, string | undefined>, timeoutMs = 60_000) {
  const { child, output } = await startServerProcess(env);
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once("exit", (c) => resolve(c)));
  clearTimeout(timer);
  return { code, output: output() };
}

/** The one-time setup code a fresh server wrote to its data folder (and printed). */
export async function setupCodeOf(dataDir: string): Promise<string> {
  return (await readFile(path.join(dataDir, "setup-code"), "utf8")).trim();
}
