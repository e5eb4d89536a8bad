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

describe("embedded database (always PGlite)", () => {
  it("keeps data across restarts and migrates only once", async () => {
    const { mkdtemp } = await import("node:fs/promises");
    const os = await import("node:os");
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "stevedore-embedded-"));
    const first = await startDatabase({ dataDir });
    expect(first.embedded).toBe(true);
    expect(first.appliedMigrations).toEqual(await migrationNames());
    await first.prisma.setting.create({ data: { key: "kept", value: true } });
    await first.close();

    const second = await startDatabase({ dataDir });
    expect(second.appliedMigrations).toEqual([]);
    expect((await second.prisma.setting.findUniqueOrThrow({ where: { key: "kept" } })).value).toBe(true);
    await second.close();
    // Two starts, the first with initdb: minutes on a loaded machine.
  }, 180_000);
});
