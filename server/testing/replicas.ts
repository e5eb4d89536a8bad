// Two Stevedore replicas over one real Postgres (a private one: a fresh cluster of Debian's
// binaries), each its own process with its own data folder, sharing what replicas of a
// deployment share: the database and the secret key. For tests and bench/replicas.ts.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { ApiClient } from "./api-client";
import { startScratchPostgres, type ScratchPostgres } from "./scratch-postgres";
import { spawnServer, type RunningServer } from "./spawn-server";

export const REPLICA_ADMIN = { username: "admin", password: "two replicas passphrase" };

export interface TwoReplicas {
  postgres: ScratchPostgres;
  a: RunningServer;
  b: RunningServer;
  /** signed in as the first administrator on replica A */
  admin: ApiClient;
  stop(): Promise<void>;
}

export async function startTwoReplicas(): Promise<TwoReplicas> {
  const postgres = await startScratchPostgres();
  const dirs: string[] = [];
  const servers: RunningServer[] = [];
  const secretKey = randomBytes(32).toString("hex");
  const stop = async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await postgres.stop();
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  };
  try {
    const start = async () => {
      const dataDir = await mkdtemp(path.join(os.tmpdir(), "stevedore-replica-"));
      dirs.push(dataDir);
      const server = await spawnServer({
        DATABASE_URL: postgres.url,
        STEVEDORE_DATA_DIR: dataDir,
        STEVEDORE_SECRET_KEY: secretKey,
        STEVEDORE_ADMIN_USERNAME: REPLICA_ADMIN.username,
        STEVEDORE_ADMIN_PASSWORD: REPLICA_ADMIN.password,
        // No engine is offered at first start: the tests add the test bed's.
        STEVEDORE_LOCAL_SOCKET: "/nonexistent/docker.sock",
        // Two development servers on one checkout (next.config.js).
        STEVEDORE_TEST_REPLICAS: "1",
      });
      servers.push(server);
      return server;
    };
    // One after the other: two development servers starting at once race on Next's build folder
    // (a stack's production replicas do not). Replicas racing to migrate are tested in
    // server/database/migrate.int.test.ts, to make the first administrator in replicas.int.test.ts.
    const a = await start();
    const b = await start();
    const admin = new ApiClient(a.url);
    await admin.mutate("auth.login", REPLICA_ADMIN);
    return { postgres, a: a, b: b, admin, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A client of `server` carrying the same sign-in as `client` (a load balancer's next pick). */
export function sameSignIn(client: ApiClient, server: RunningServer): ApiClient {
  const other = new ApiClient(server.url);
  other.cookie = client.cookie;
  other.token = client.token;
  return other;
}

export interface OpenStream<T> {
  /** the first message from now on that `match` accepts, with when it arrived */
  next(match: (data: T) => boolean): Promise<{ at: number; data: T }>;
  /** resolves when the server ends the stream */
  ended: Promise<void>;
  close(): void;
}

/** A tRPC subscription over server-sent events, as a page holds it; resolves once connected. */
export async function openStream<T>(client: ApiClient, procedure: string, input?: unknown): Promise<OpenStream<T>> {
  const query = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`;
  const abort = new AbortController();
  const headers: Record<string, string> = { accept: "text/event-stream" };
  if (client.token) headers.authorization = `Bearer ${client.token}`;
  else headers.cookie = client.cookie;
  const res = await fetch(`${client.baseUrl}/api/trpc/${procedure}${query}`, { headers, signal: abort.signal });
  if (res.status !== 200) throw new Error(`${procedure}: HTTP ${res.status} ${await res.text()}`);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const waiters = new Set<{ match: (data: T) => boolean; resolve: (v: { at: number; data: T }) => void }>();
  let buffer = "";
  let connected: () => void = () => undefined;
  const isConnected = new Promise<void>((resolve) => (connected = resolve));
  const feed = (at: number) => {
    let end: number;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (block.includes("event: connected")) connected();
      const data = block
        .split("\n")
        .filter((line) => line.startsWith("data:"))
        .map((line) => line.slice(5).trimStart())
        .join("\n");
      if (!data || block.includes("event: ")) continue;
      let parsed: T;
      try {
        parsed = JSON.parse(data) as T;
      } catch {
        continue;
      }
      for (const waiter of [...waiters]) {
        if (!waiter.match(parsed)) continue;
        waiters.delete(waiter);
        waiter.resolve({ at, data: parsed });
      }
    }
  };
  const ended = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        feed(Date.now());
      }
    } catch {
      // closed by us
    }
  })();
  await Promise.race([isConnected, ended]);
  return {
    next: (match) => new Promise((resolve) => waiters.add({ match, resolve })),
    ended,
    close: () => abort.abort(),
  };
}
