// Stevedore's server as a child process on a fresh embedded database, and its API as a script
// uses it: an administrator made by the one-time setup, then an API token for everything else.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { send, type Answer } from "./http";

export type ServerMode = "production" | "development";

export interface StartOptions {
  repoRoot: string;
  mode: ServerMode;
  /** false: the fleet never watches, so every list reads the engines (see watch-off.ts). */
  watch: boolean;
  log: (line: string) => void;
  readyTimeoutMs?: number;
  /** Write a V8 CPU profile of the server into this folder (node --cpu-prof), for profiling. */
  cpuProfileDir?: string;
  /** A Postgres to use instead of the embedded database (its tables must be empty). */
  databaseUrl?: string;
  /** Start on this data folder (a server's, stopped with keepData) instead of a fresh one. */
  dataDir?: string;
}

/** A production build when there is one; the API does not depend on Next's pages either way. */
export function preferredMode(repoRoot: string): ServerMode {
  return existsSync(path.join(repoRoot, ".next", "BUILD_ID")) ? "production" : "development";
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** USER_HZ: 100 on every Linux this runs on (getconf CLK_TCK). */
const CLOCK_TICKS_PER_SECOND = 100;

export interface Memory {
  rss: number;
  peak: number;
}

export class StevedoreServer {
  private readonly output: string[] = [];
  private exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    readonly dataDir: string,
    readonly mode: ServerMode,
  ) {
    this.exited = new Promise((resolve) => child.once("exit", () => resolve()));
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString("utf8").split("\n")) if (line.trim()) this.output.push(line);
      if (this.output.length > 400) this.output.splice(0, this.output.length - 200);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts the server and resolves once it says it is ready; stops it again if it is not. */
  static async start(options: StartOptions): Promise<StevedoreServer> {
    const port = await freePort();
    const dataDir = options.dataDir ?? mkdtempSync(path.join(os.tmpdir(), "stevedore-bench-"));
    const hook = pathToFileURL(path.join(options.repoRoot, "bench", "support", "watch-off.ts")).href;
    const args = [
      ...(options.cpuProfileDir ? ["--cpu-prof", `--cpu-prof-dir=${options.cpuProfileDir}`] : []),
      "--import",
      "tsx",
      ...(options.watch ? [] : ["--import", hook]),
      "server.ts",
    ];
    const child = spawn(process.execPath, args, {
      cwd: options.repoRoot,
      env: {
        ...process.env,
        NODE_ENV: options.mode,
        NEXT_TELEMETRY_DISABLED: "1",
        // As `npm start` and the image run it (README, "Memory").
        MALLOC_TRIM_THRESHOLD_: "131072",
        DATABASE_URL: options.databaseUrl ?? "", // empty: the embedded database, in dataDir
        STEVEDORE_DATA_DIR: dataDir,
        STEVEDORE_SECRET_KEY: "", // a key file made in dataDir
        HOST: "127.0.0.1",
        PORT: String(port),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const server = new StevedoreServer(child, port, dataDir, options.mode);
    activeServers.add(server);
    options.log(
      `starting Stevedore (${options.mode}${options.watch ? "" : ", fleet watch off"}) pid ${server.pid} on ${server.origin}`,
    );
    try {
      await server.waitReady(options.readyTimeoutMs ?? 180_000);
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  }

  private async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`Stevedore exited before it was ready:\n${this.logTail()}`);
      if (this.output.some((line) => line.includes(" ready on "))) return;
      await sleep(100);
    }
    throw new Error(`Stevedore was not ready within ${timeoutMs / 1000} s:\n${this.logTail()}`);
  }

  logTail(lines = 30): string {
    return this.output
      .slice(-lines)
      .map((line) => `  | ${line}`)
      .join("\n");
  }

  /** Resident memory of the server process (VmRSS), and its peak (VmHWM), in MiB. */
  memoryMb(): Memory {
    const status = readFileSync(`/proc/${this.pid}/status`, "utf8");
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN);
    return { rss: kb("VmRSS") / 1024, peak: kb("VmHWM") / 1024 };
  }

  /** CPU time the server process has used so far (user + system), in seconds. */
  cpuSeconds(): number {
    // /proc/<pid>/stat: fields 14 and 15 (utime, stime) in clock ticks, after the "(comm)" field.
    const stat = readFileSync(`/proc/${this.pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  }

  /**
   * SIGTERM to its pid (SIGKILL after 15 s), then removes its data folder unless `keepData` (to
   * start again on it). Safe to call twice. Resolves with the exit code (null when killed).
   */
  async stop(options: { keepData?: boolean } = {}): Promise<number | null> {
    if (this.running) {
      this.child.kill("SIGTERM");
      const killed = await Promise.race([this.exited.then(() => false), sleep(15_000).then(() => true)]);
      if (killed && this.running) {
        this.child.kill("SIGKILL");
        await this.exited;
      }
    }
    if (!options.keepData) rmSync(this.dataDir, { recursive: true, force: true });
    activeServers.delete(this);
    return this.child.exitCode;
  }
}

/** Servers this process started, for the exit handlers. */
export const activeServers = new Set<StevedoreServer>();

/** Last resort on exit: SIGKILL by pid and remove the data folders, synchronously. */
export function killActiveServersNow(): void {
  for (const server of activeServers) {
    if (server.running) process.kill(server.pid, "SIGKILL");
    rmSync(server.dataDir, { recursive: true, force: true });
  }
  activeServers.clear();
}

export class ApiError extends Error {
  constructor(
    readonly procedure: string,
    readonly status: number,
    body: string,
  ) {
    let message = body;
    try {
      message = (JSON.parse(body) as { error?: { message?: string } }).error?.message ?? body;
    } catch {
      // not JSON: keep the text
    }
    super(`${procedure}: HTTP ${status}: ${message}`);
  }
}

/** Stevedore's tRPC API as plain JSON over HTTP, one keep-alive connection. */
export class StevedoreApi {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

  constructor(
    private readonly origin: string,
    readonly headers: Record<string, string>,
  ) {}

  /** A query, timed to the last byte of the answer; the body is left unparsed. */
  timedQuery(procedure: string, input?: unknown, extraHeaders: Record<string, string> = {}): Promise<Answer> {
    const url = new URL(`/api/trpc/${procedure}`, this.origin);
    if (input !== undefined) url.searchParams.set("input", JSON.stringify(input));
    return send(false, {
      host: url.hostname,
      port: url.port,
      path: url.pathname + url.search,
      method: "GET",
      agent: this.agent,
      headers: { ...this.headers, ...extraHeaders },
    });
  }

  async query<T>(procedure: string, input?: unknown): Promise<T> {
    return unwrap<T>(procedure, await this.timedQuery(procedure, input));
  }

  async mutate<T>(procedure: string, input: unknown, extraHeaders: Record<string, string> = {}): Promise<T> {
    return unwrap<T>(procedure, await this.post(procedure, input, extraHeaders));
  }

  post(procedure: string, input: unknown, extraHeaders: Record<string, string> = {}): Promise<Answer> {
    const url = new URL(`/api/trpc/${procedure}`, this.origin);
    return send(
      false,
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: "POST",
        agent: this.agent,
        headers: { ...this.headers, ...extraHeaders, "content-type": "application/json" },
      },
      JSON.stringify(input),
    );
  }

  close(): void {
    this.agent.destroy();
  }
}

export function unwrap<T>(procedure: string, answer: Answer): T {
  const text = answer.body.toString("utf8");
  if (answer.status !== 200) throw new ApiError(procedure, answer.status, text);
  return (JSON.parse(text) as { result: { data: T } }).result.data;
}

/**
 * The one-time setup makes the first administrator and signs it in (a session cookie); with
 * that cookie, and the Origin a browser would send, it creates an API token. Everything after
 * that uses the token, as a script should; the cookie is there for a browser.
 */
export async function setUpAdmin(server: StevedoreServer): Promise<{ api: StevedoreApi; cookie: string }> {
  const anonymous = new StevedoreApi(server.origin, {});
  try {
    const password = randomBytes(18).toString("base64url");
    // A fresh server prints its one-time setup code and keeps it in its data folder.
    const setupCode = readFileSync(path.join(server.dataDir, "setup-code"), "utf8").trim();
    const setup = await anonymous.post("auth.setup", { setupCode, username: "bench-admin", password });
    unwrap(`auth.setup`, setup);
    const cookie = [setup.headers["set-cookie"] ?? []]
      .flat()
      .map((c) => c.split(";")[0])
      .join("; ");
    if (!cookie) throw new Error("auth.setup answered without a session cookie");
    const { token } = await anonymous.mutate<{ token: string }>(
      "tokens.create",
      { name: "bench-fleet", expiresInDays: 1 },
      { cookie, origin: server.origin },
    );
    return { api: new StevedoreApi(server.origin, { authorization: `Bearer ${token}` }), cookie };
  } finally {
    anonymous.close();
  }
}

export async function signInWithToken(server: StevedoreServer): Promise<StevedoreApi> {
  return (await setUpAdmin(server)).api;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
