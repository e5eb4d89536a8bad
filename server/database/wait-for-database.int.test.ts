// A start beside a database that is not answering yet (a cold stack: Postgres' task is
// scheduled, its address known, but nothing answers on it for a while). The start waits,
// saying so, and goes on once the database answers; past the bound it stops with a message
// naming where and why. The database "not answering" is real: a port on loopback that takes
// the connection and says nothing, as a Postgres still starting (or a SYN into a network not
// wired yet) does, until it is let through to a real Postgres.
import { mkdtemp, rm } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startScratchPostgres, type ScratchPostgres } from "../testing/scratch-postgres";
import { runServerExpectingExit } from "../testing/spawn-server";
import { applyMigrations } from "./migrate";

interface Gate {
  url: string;
  where: string;
  /** from now on, connections reach the real Postgres */
  open(): void;
  close(): Promise<void>;
}

/** A port that holds connections silently until opened, then forwards them to `target`. */
async function silentGate(target: URL): Promise<Gate> {
  let open = false;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on("close", () => sockets.delete(client));
    client.on("error", () => undefined);
    if (!open) return; // taken, never answered
    const upstream = net.connect(Number(target.port), target.hostname);
    sockets.add(upstream);
    upstream.on("close", () => sockets.delete(upstream));
    upstream.on("error", () => client.destroy());
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  const url = new URL(target);
  url.hostname = "127.0.0.1";
  url.port = String(port);
  return {
    url: url.toString(),
    where: `127.0.0.1:${port}`,
    open: () => (open = true),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let postgres: ScratchPostgres;
const gates: Gate[] = [];

beforeAll(async () => {
  postgres = await startScratchPostgres();
});

afterAll(async () => {
  await Promise.all(gates.map((gate) => gate.close()));
  await postgres?.stop();
});

async function gate(): Promise<Gate> {
  const made = await silentGate(new URL(postgres.url));
  gates.push(made);
  return made;
}

describe("a start beside a database that is not answering yet", () => {
  it("waits, saying so, and migrates once the database answers", async () => {
    const db = await gate();
    const lines: string[] = [];
    let heard: () => void = () => undefined;
    const notAnswering = new Promise<void>((resolve) => (heard = resolve));
    const started = applyMigrations(db.url, {
      waitForDatabaseMs: 120_000,
      log: (line) => {
        lines.push(line);
        if (line.includes("is not answering yet")) heard();
      },
    });
    // pg's own connect deadline passes (5 s) with no answer: that is "not there yet", not fatal.
    // (The start failing here instead, at the first silence, is what this test is for.)
    await Promise.race([notAnswering, started]);
    expect(lines[0]).toBe(`waiting for the database at ${db.where} (up to 120 s)`);
    expect(lines[1]).toBe(`the database at ${db.where} is not answering yet: timeout expired`);
    db.open();
    const applied = await started;
    expect(applied.length).toBeGreaterThan(0);
    expect(lines.at(-1)).toMatch(new RegExp(`^the database at ${db.where.replace(/\./g, "\\.")} answered after \\d+`));
  }, 120_000);

  it("stops the server past STEVEDORE_DB_WAIT_SECONDS with a message naming where and why", async () => {
    const db = await gate();
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "stevedore-db-wait-"));
    try {
      const { code, output } = await runServerExpectingExit(
        { DATABASE_URL: db.url, STEVEDORE_DATA_DIR: dataDir, STEVEDORE_DB_WAIT_SECONDS: "8" },
        // tsx compiling the server's imports takes most of this on a loaded 2-core machine (80 s seen)
        240_000,
      );
      expect(code, output).toBe(1);
      expect(output).toContain(`waiting for the database at ${db.where} (up to 8 s)`);
      expect(output).toContain(
        `stevedore: cannot open the database: the database at ${db.where} did not answer within 8 s (last: timeout expired). ` +
          "Is it running, and does DATABASE_URL name it? STEVEDORE_DB_WAIT_SECONDS sets how long to wait.",
      );
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 300_000);
});
