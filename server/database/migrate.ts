// Applies prisma/migrations to the database on start, exactly as `prisma migrate deploy`
// would (same engine, same _prisma_migrations table); a second call applies nothing.
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import { newSchemaEngine, noFilters, readMigrations } from "./schema-engine";

export async function applyMigrations(connectionString: string): Promise<string[]> {
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
