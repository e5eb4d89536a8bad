// The real server as a user starts it: health, API, websockets, the data-folder lock,
// graceful shutdown, and a database that goes away under it.
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { dataDirWithDatabase } from "./testing/embedded-template";
import { freePort, runServerExpectingExit, spawnServer, type RunningServer } from "./testing/spawn-server";

/** GET over `agent`: the status, and whether the request went over a connection used before. */
function get(agent: http.Agent, url: string): Promise<{ status: number; reused: boolean }> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent }, (response) => {
      response.resume();
      response.on("end", () => resolve({ status: response.statusCode ?? 0, reused: request.reusedSocket }));
    });
    request.on("error", reject);
  });
}

function wsOpen(url: string): Promise<{ messages: string[]; code: number }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    const messages: string[] = [];
    socket.on("message", (data: Buffer) => messages.push(data.toString()));
    socket.on("close", (code) => resolve({ messages, code }));
    socket.on("error", reject);
  });
}

// Tests that start a server inside the test get the time a start takes on a loaded 2-core machine
// (spawnServer waits up to 180 s for it; here the test's own PGlite also serves the migrations).
const START_TIMEOUT = 240_000;

describe("server on the embedded database", () => {
  let dataDir: string;
  let server: RunningServer;

  beforeAll(async () => {
    // A made embedded database (no user yet): a first start's own work is first-start.int's.
    dataDir = await dataDirWithDatabase("stevedore-server-");
    server = await spawnServer({ STEVEDORE_DATA_DIR: dataDir, DATABASE_URL: "" });
  });
  afterAll(async () => {
    await server?.stop("SIGKILL");
    await rm(dataDir, { recursive: true, force: true });
  });

  it("answers /healthz with 200 and {db, version}", async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ db: "up", version: expect.stringMatching(/^\d+\.\d+\.\d+/) as string });
  });

  it("serves the tRPC API as plain JSON at /api/trpc", async () => {
    const res = await fetch(`${server.url}/api/trpc/system.health`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { result: { data: { db: string; embeddedDatabase: boolean } } };
    expect(body.result.data).toMatchObject({ db: "up", embeddedDatabase: true });
  });

  it("keeps an idle keep-alive connection past Node's 5 s, so a proxy reusing it does not race the close", async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      expect(await get(agent, `${server.url}/healthz`)).toEqual({ status: 200, reused: false });
      // Idle for longer than Node's default keep-alive (5 s), which would have closed it.
      await sleep(6_000);
      expect(await get(agent, `${server.url}/healthz`)).toEqual({ status: 200, reused: true });
    } finally {
      agent.destroy();
    }
  }, 30_000);

  it("answers an unknown procedure with 404, not a crash", async () => {
    const res = await fetch(`${server.url}/api/trpc/nothing.here`);
    expect(res.status).toBe(404);
  });

  it("upgrades /api/ws/* websockets itself and refuses unknown ones", async () => {
    const { messages, code } = await wsOpen(`ws://127.0.0.1:${server.port}/api/ws/health`);
    expect(code).toBe(1000);
    expect(JSON.parse(messages[0]!)).toMatchObject({ type: "health", db: "up" });
    await expect(wsOpen(`ws://127.0.0.1:${server.port}/api/ws/nope`)).rejects.toThrow(/404/);
  });

  it(
    "refuses a second process on the same data folder with a clear message",
    async () => {
      const second = await runServerExpectingExit({ STEVEDORE_DATA_DIR: dataDir, DATABASE_URL: "" });
      expect(second.code).toBe(1);
      expect(second.output).toContain(`The data folder ${dataDir} is in use by another Stevedore process`);
      // Embedded means one replica: the message says how to run several.
      expect(second.output).toContain("to run several replicas, give them one Postgres (DATABASE_URL)");
      // …and the first one is unharmed.
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    },
    START_TIMEOUT,
  );

  it("shuts down on SIGTERM: exits 0 and releases the data folder", async () => {
    const code = await server.stop("SIGTERM");
    expect(code).toBe(0);
    expect(server.output()).toContain("SIGTERM: shutting down");
    expect(existsSync(path.join(dataDir, "stevedore.lock"))).toBe(false);
  });

  it(
    "says once, when it makes the secret key file, where it is and to back it up",
    async () => {
      const keyFile = path.join(dataDir, "secret.key");
      expect(server.output()).toContain(`Made the key that encrypts the TLS keys, SSH keys and passphrases`);
      expect(server.output()).toContain(keyFile);
      expect(server.output()).toMatch(/Back it up with the database/);
      // The next start finds the key and says nothing about it.
      const again = await spawnServer({ STEVEDORE_DATA_DIR: dataDir, DATABASE_URL: "" });
      try {
        expect(again.output()).not.toContain("Made the key");
        expect(again.output()).not.toContain(keyFile);
      } finally {
        await again.stop("SIGTERM");
      }
    },
    START_TIMEOUT,
  );
});

describe("server whose database goes away", () => {
  it(
    "answers /healthz 503 while the database is unreachable",
    async () => {
      // A real Postgres wire server that the test owns, so it can take it away. Its database is
      // already made (every migration applied): what this guards is the answer while it is gone,
      // not a start's migrations over the wire (migrate.int and wait-for-database.int start so).
      const dataDir = await dataDirWithDatabase("stevedore-db-away-");
      const db = await PGlite.create(path.join(dataDir, "pg"));
      const port = await freePort();
      const pg = new PGLiteSocketServer({ db, host: "127.0.0.1", port, maxConnections: 8 });
      await pg.start();
      const server = await spawnServer({
        DATABASE_URL: `postgresql://postgres:postgres@127.0.0.1:${port}/postgres?sslmode=disable`,
      });
      const health = () => fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(15_000) });
      try {
        expect((await health()).status).toBe(200);
        // The listener goes and its connections are cut; the database itself goes too, so a
        // connection the server made while the listener was closing (the socket server's
        // stop() then waits for it: it once hung a CI run) cannot keep answering either.
        void pg.stop().catch(() => undefined);
        await db.close();
        // The pool notices on its next query; /healthz then says so.
        let res = await health();
        for (let i = 0; i < 60 && res.status !== 503; i++) {
          await new Promise((r) => setTimeout(r, 250));
          res = await health();
        }
        expect(res.status).toBe(503);
        expect(await res.json()).toMatchObject({ db: "down" });
      } finally {
        await server.stop("SIGKILL");
        if (!db.closed) await db.close().catch(() => undefined);
        await rm(dataDir, { recursive: true, force: true });
      }
    },
    START_TIMEOUT,
  );
});

describe("configuration errors", () => {
  it(
    "stops the start with a message naming the bad setting",
    async () => {
      const result = await runServerExpectingExit({ PORT: "not-a-port" });
      expect(result.code).toBe(1);
      expect(result.output).toContain("PORT: must be a port number");
    },
    START_TIMEOUT,
  );
});
