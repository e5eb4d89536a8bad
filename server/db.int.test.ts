import { readdir } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pingDatabase, startDatabase } from "./db";
import { openTestDatabase } from "./testing/database";

const migrationNames = async () =>
  (await readdir(path.resolve(import.meta.dirname, "../prisma/migrations"), { withFileTypes: true }))
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();

describe(`database (${process.env.DATABASE_URL ? "Postgres at DATABASE_URL" : "embedded PGlite"})`, () => {
  let db: Awaited<ReturnType<typeof openTestDatabase>>;
  beforeAll(async () => {
    db = await openTestDatabase();
  });
  afterAll(async () => {
    await db?.cleanup();
  });

  it("has every migration applied and recorded as prisma migrate deploy would", async () => {
    const rows = await db.prisma.$queryRaw<{ migration_name: string; finished_at: Date | null }[]>`
      SELECT migration_name, finished_at FROM _prisma_migrations ORDER BY migration_name`;
    expect(rows.map((r) => r.migration_name)).toEqual(await migrationNames());
    expect(rows.every((r) => r.finished_at !== null)).toBe(true);
  });

  it("applies nothing the second time", async () => {
    if (db.embedded) {
      // The embedded folder is held by `db`; a second opener is refused (tested elsewhere).
      return;
    }
    const again = await startDatabase({ databaseUrl: process.env.DATABASE_URL, dataDir: "/nonexistent" });
    expect(again.appliedMigrations).toEqual([]);
    await again.close();
  });

  it("answers queries and writes through Prisma", async () => {
    expect(await pingDatabase(db.prisma)).toBe(true);
    const key = `test-${Date.now()}`;
    await db.prisma.setting.create({ data: { key, value: { retentionDays: 90 } } });
    expect((await db.prisma.setting.findUniqueOrThrow({ where: { key } })).value).toEqual({ retentionDays: 90 });
    await db.prisma.setting.delete({ where: { key } });
  });
});

// The embedded database kept across restarts, migrated once: embedded.int.test.ts, on the first
// start it already makes (each first start is initdb and every migration).
