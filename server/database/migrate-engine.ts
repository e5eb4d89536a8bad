// The schema engine's part of applying migrations: Prisma's WebAssembly engine over a pool of
// one connection, exactly as `prisma migrate deploy` runs it. migrate.ts runs this in a child
// process (migrate-engine-child.ts) and holds Stevedore's own advisory lock meanwhile.
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import pg from "pg";
import { newSchemaEngine, noFilters, readMigrations } from "./schema-engine";

/** Applies what is pending and returns the applied migrations' names. */
export async function applyWithSchemaEngine(connectionString: string): Promise<string[]> {
  // The engine takes Prisma's own advisory lock on its connection and never lets go of it:
  // only ending that connection does. Left open, it made every later start (another
  // replica's, or a restart's) wait 10 s for that lock and fail.
  const pool = new pg.Pool({ connectionString, max: 1 });
  pool.on("error", () => undefined);
  try {
    const engine = await newSchemaEngine(bindMigrationAwareSqlAdapterFactory(new PrismaPg(pool)));
    try {
      const { appliedMigrationNames } = await engine.applyMigrations({
        migrationsList: await readMigrations(),
        filters: noFilters,
      });
      return appliedMigrationNames;
    } finally {
      engine.free();
    }
  } finally {
    await pool.end();
  }
}
