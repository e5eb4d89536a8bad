// The database: Postgres through Prisma's `pg` driver adapter, either the one DATABASE_URL
// names or the embedded one (PGlite) when it is unset. Same schema, migrations, code path.
import { PrismaPg } from "@prisma/adapter-pg";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "./database/embedded";
import { applyMigrations } from "./database/migrate";
import { PrismaClient } from "./generated/prisma/client";

export type Database = PrismaClient;

export interface DatabaseHandle {
  prisma: PrismaClient;
  url: string;
  embedded: boolean;
  appliedMigrations: string[];
  close(): Promise<void>;
}

export interface DatabaseOptions {
  databaseUrl?: string;
  dataDir: string;
  /** How long to wait for a Postgres that cannot be reached yet (one starting beside us). */
  waitForDatabaseMs?: number;
}

export async function startDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  let embedded: EmbeddedPostgres | undefined;
  if (!options.databaseUrl) embedded = await startEmbeddedPostgres(options.dataDir);
  const url = options.databaseUrl ?? embedded!.url;
  try {
    const appliedMigrations = await applyMigrations(url, { waitForDatabaseMs: options.waitForDatabaseMs });
    // PGlite runs one query at a time; one pooled connection avoids transactions queueing
    // behind each other past Prisma's wait limit.
    const prisma = new PrismaClient({
      adapter: new PrismaPg({ connectionString: url, max: embedded ? 1 : 10 }),
    });
    return {
      prisma,
      url,
      embedded: Boolean(embedded),
      appliedMigrations,
      async close() {
        await prisma.$disconnect();
        await embedded?.stop();
      },
    };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}

/** True when the database answers a trivial query within the deadline. */
export async function pingDatabase(prisma: PrismaClient, deadlineMs = 2000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), deadlineMs);
  });
  try {
    return await Promise.race([prisma.$queryRaw`SELECT 1`.then(() => true), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
