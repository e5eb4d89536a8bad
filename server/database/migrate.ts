// Applies prisma/migrations to the database on start, exactly as `prisma migrate deploy`
// would (same engine, same _prisma_migrations table); a second call applies nothing.
//
// Several Stevedore replicas may start at once on one database (a swarm service with two
// replicas, or an upgrade with start-first): a Postgres advisory lock, held on a connection
// of its own while the engine works, lets one apply the migrations while the others wait,
// then find nothing left to apply.
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import { readdir } from "node:fs/promises";
import pg from "pg";
import { migrationsDir, newSchemaEngine, noFilters, readMigrations } from "./schema-engine";

/** The advisory lock's key: any bigint, the same in every version ("Stevedore migrations"). */
export const MIGRATION_LOCK_KEY = 0x5374_6576_6d69_67n;

/** How long a start waits for a database that cannot be reached yet (STEVEDORE_DB_WAIT_SECONDS). */
export const DEFAULT_DATABASE_WAIT_SECONDS = 120;

export interface MigrateOptions {
  /** How long to keep trying while the database cannot be reached yet (it may be starting beside us). */
  waitForDatabaseMs?: number;
  log?: (line: string) => void;
}

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

export async function applyMigrations(connectionString: string, options: MigrateOptions = {}): Promise<string[]> {
  const log = options.log ?? ((line: string) => console.log(line));
  const lock = await takeMigrationLock(
    connectionString,
    options.waitForDatabaseMs ?? DEFAULT_DATABASE_WAIT_SECONDS * 1000,
    log,
  );
  try {
    // Checked under the lock: a replica that waited finds what the first one applied.
    if (await nothingPending(connectionString)) return [];
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
  } finally {
    await lock.release();
  }
}

// Errors that mean "not there yet" (a database container still starting, its name not yet in
// the swarm's DNS, a port not yet wired or answering), as opposed to a wrong password or
// database name, which waiting cannot fix.
const TRANSIENT = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "ECONNRESET",
  "EHOSTUNREACH",
  "57P03",
]);
// pg gives these no code: our own connect deadline passing (a SYN into an overlay network
// whose task is not wired yet, a server not yet answering its startup message) and a
// server that closed the connection during its own start. Seen on a cold stack, where the
// first was fatal and swarm had to restart the task.
const TRANSIENT_MESSAGES = ["timeout expired", "Connection terminated unexpectedly"];

function isTransient(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && TRANSIENT.has(code)) return true;
  const message = error instanceof Error ? error.message : "";
  return TRANSIENT_MESSAGES.some((m) => message.startsWith(m));
}

function where(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    return `${url.hostname}:${url.port || 5432}`;
  } catch {
    return "DATABASE_URL";
  }
}

/** The database did not answer within the wait: says where, for how long, and the last reason. */
export class DatabaseUnreachableError extends Error {
  override name = "DatabaseUnreachableError";
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function connectWhenReady(connectionString: string, waitMs: number, log: (line: string) => void) {
  const started = Date.now();
  const deadline = started + waitMs;
  let said = 0;
  for (;;) {
    const client = new pg.Client({ connectionString, connectionTimeoutMillis: 5_000 });
    // An error on an idle client (the server going away) must not crash the process.
    client.on("error", () => undefined);
    try {
      await client.connect();
      if (said) log(`the database at ${where(connectionString)} answered after ${seconds(Date.now() - started)} s`);
      return client;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (!isTransient(error)) throw error;
      if (Date.now() >= deadline) {
        throw new DatabaseUnreachableError(
          `the database at ${where(connectionString)} did not answer within ${seconds(waitMs)} s ` +
            `(last: ${describe(error)}). Is it running, and does DATABASE_URL name it? ` +
            "STEVEDORE_DB_WAIT_SECONDS sets how long to wait.",
        );
      }
      if (Date.now() - said >= 5_000) {
        if (!said) log(`waiting for the database at ${where(connectionString)} (up to ${seconds(waitMs)} s)`);
        said = Date.now();
        log(`the database at ${where(connectionString)} is not answering yet: ${describe(error)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(ms < 10_000 && ms % 1000 ? 1 : 0);
}

async function takeMigrationLock(connectionString: string, waitMs: number, log: (line: string) => void) {
  const client = await connectWhenReady(connectionString, waitMs, log);
  try {
    const key = MIGRATION_LOCK_KEY.toString();
    const [first] = (
      await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1::bigint) AS locked", [key])
    ).rows;
    if (!first?.locked) {
      log("another Stevedore is applying migrations to this database; waiting for it");
      await client.query("SELECT pg_advisory_lock($1::bigint)", [key]);
    }
    return {
      async release() {
        // Ending the session releases the lock too; unlock first so the next one goes at once.
        await client.query("SELECT pg_advisory_unlock($1::bigint)", [key]).catch(() => undefined);
        await client.end().catch(() => undefined);
      },
    };
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
}
