// Applies prisma/migrations to the database on start, exactly as `prisma migrate deploy`
// would (same engine, same _prisma_migrations table); a second call applies nothing.
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import { readdir } from "node:fs/promises";
import pg from "pg";
import { migrationsDir, newSchemaEngine, noFilters, readMigrations } from "./schema-engine";

/**
 * True when every migration folder is recorded as finished (and none as rolled back). Most
 * starts are like this; they then skip loading the schema engine, whose WebAssembly instance
 * would otherwise sit in the server's memory until a garbage collection.
 */
async function nothingPending(connectionString: string): Promise<boolean> {
  const folders = (await readdir(migrationsDir, { withFileTypes: true }).catch(() => []))
    .filter((e) => e.isDirectory())
    .map((e) => e.name);
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const table = await client.query<{ found: string | null }>(
      "SELECT to_regclass('public._prisma_migrations')::text AS found",
    );
    if (!table.rows[0]?.found) return false;
    const { rows } = await client.query<{ migration_name: string }>(
      "SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL",
    );
    const done = new Set(rows.map((r) => r.migration_name));
    return folders.every((name) => done.has(name));
  } finally {
    await client.end();
  }
}

export async function applyMigrations(connectionString: string): Promise<string[]> {
  if (await nothingPending(connectionString)) return [];
  const adapter = bindMigrationAwareSqlAdapterFactory(new PrismaPg({ connectionString, max: 1 }));
  const engine = await newSchemaEngine(adapter);
  try {
    const { appliedMigrationNames } = await engine.applyMigrations({
      migrationsList: await readMigrations(),
      filters: noFilters,
    });
    return appliedMigrationNames;
  } finally {
    engine.free();
  }
}
