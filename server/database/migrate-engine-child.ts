// The schema engine's part of applying migrations, run in a short-lived child process by
// migrate.ts: the engine is a WebAssembly instance whose memory (about 70 MB once it has read
// the migrations) would otherwise stay in the server's resident set for good, since its
// bindings keep the instance. Reads the database URL from STEVEDORE_MIGRATE_URL (never argv:
// a password there shows in `ps`), prints the applied migrations' names as one JSON line.
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import pg from "pg";
import { newSchemaEngine, noFilters, readMigrations } from "./schema-engine";

const connectionString = process.env.STEVEDORE_MIGRATE_URL;
if (!connectionString) throw new Error("STEVEDORE_MIGRATE_URL is required");
// The engine takes Prisma's own advisory lock on its connection and never lets go of it: the
// process ending ends the connection, and with it the lock.
const pool = new pg.Pool({ connectionString, max: 1 });
pool.on("error", () => undefined);
const engine = await newSchemaEngine(bindMigrationAwareSqlAdapterFactory(new PrismaPg(pool)));
const { appliedMigrationNames } = await engine.applyMigrations({
  migrationsList: await readMigrations(),
  filters: noFilters,
});
engine.free();
await pool.end();
process.stdout.write(`${JSON.stringify({ applied: appliedMigrationNames })}\n`);
