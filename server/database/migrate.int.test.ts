// Two replicas starting together on one empty database: the migrations are applied once, by
// one of them, and both start. Each replica is its own process, as in a swarm service.
import { spawn } from "node:child_process";
import { readdir } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startScratchPostgres, type ScratchPostgres } from "../testing/scratch-postgres";
import { applyMigrations } from "./migrate";

const root = path.resolve(import.meta.dirname, "../..");

interface Replica {
  ready: Promise<void>;
  go(): void;
  result: Promise<{ code: number | null; applied: string[]; logs: string[]; output: string }>;
}

function startReplica(databaseUrl: string): Replica {
  const child = spawn(process.execPath, ["--import", "tsx", "server/testing/migrate-child.ts"], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let output = "";
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
    if (output.includes("ready\n")) markReady();
  });
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const result = new Promise<{ code: number | null; applied: string[]; logs: string[]; output: string }>((resolve) =>
    child.once("exit", (code) => {
      const last = output.trim().split("\n").at(-1) ?? "";
      const parsed = last.startsWith("{") ? (JSON.parse(last) as { applied: string[]; logs: string[] }) : null;
      resolve({ code, applied: parsed?.applied ?? [], logs: parsed?.logs ?? [], output });
    }),
  );
  return { ready, go: () => child.stdin.end("go\n"), result };
}

describe("migrations when replicas start together", () => {
  let postgres: ScratchPostgres;
  beforeAll(async () => {
    postgres = await startScratchPostgres();
  });
  afterAll(async () => {
    await postgres?.stop();
  });

  it("are applied once, by one replica, and both start", async () => {
    const expected = (await readdir(path.join(root, "prisma/migrations"), { withFileTypes: true }))
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
    const replicas = [startReplica(postgres.url), startReplica(postgres.url)];
    await Promise.all(replicas.map((r) => r.ready));
    for (const r of replicas) r.go();
    const [a, b] = await Promise.all(replicas.map((r) => r.result));

    expect(a!.code, a!.output).toBe(0);
    expect(b!.code, b!.output).toBe(0);
    // One applied everything; the other found nothing left to apply.
    expect([a!.applied, b!.applied].map((applied) => applied.length).sort((x, y) => x - y)).toEqual([
      0,
      expected.length,
    ]);
    expect([...a!.applied, ...b!.applied].sort()).toEqual(expected);

    const client = new pg.Client({ connectionString: postgres.url });
    await client.connect();
    try {
      const rows = (
        await client.query<{ migration_name: string; finished_at: Date | null; rolled_back_at: Date | null }>(
          "SELECT migration_name, finished_at, rolled_back_at FROM _prisma_migrations ORDER BY migration_name",
        )
      ).rows;
      // Recorded once each, all finished, none rolled back: exactly what one `prisma migrate deploy` leaves.
      expect(rows.map((r) => r.migration_name)).toEqual(expected);
      expect(rows.every((r) => r.finished_at !== null && r.rolled_back_at === null)).toBe(true);
    } finally {
      await client.end();
    }
  });

  it("leaves no lock held once applied, so the next replica's start does not wait", async () => {
    // This process stays alive, as a running replica does: neither our lock nor the one
    // Prisma's engine takes for itself may outlive the call.
    expect(await applyMigrations(postgres.url, { log: () => undefined })).toEqual([]);
    const client = new pg.Client({ connectionString: postgres.url });
    await client.connect();
    try {
      const held = await client.query<{ objid: number }>("SELECT objid FROM pg_locks WHERE locktype = 'advisory'");
      expect(held.rows).toEqual([]);
    } finally {
      await client.end();
    }
  });
});
