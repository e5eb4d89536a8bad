// The embedded default: when DATABASE_URL is unset, Stevedore runs Postgres itself (PGlite,
// Postgres compiled to WebAssembly) and serves it over the wire protocol, so the app talks to
// it through exactly the same `pg` adapter as to a real server.
//
// Who may reach it: only this user. The wire protocol is served on a unix socket inside a
// folder of mode 0700 (never on a TCP port: PGlite accepts any user and password), and the
// whole data folder is private (secureDataDir). A tool run as the same user finds the socket
// through `postgres.url` (mode 0600).
import { existsSync } from "node:fs";
import { chmod, mkdir, mkdtemp, rm, unlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { secureDataDir } from "./data-dir";
import { runHelper } from "./helper-process";
import { acquireDataDirLock, type DataDirLock } from "./lock";
import { PrivateNodeFS } from "./private-fs";

export interface EmbeddedPostgres {
  url: string;
  dataDir: string;
  /** The unix socket the database is served on. */
  socketPath: string;
  /** The migrations applied while making a new database (its first start); [] otherwise. */
  appliedMigrations: string[];
  stop(): Promise<void>;
}

/** The socket's name in its folder, as `pg` and psql derive it from the port. */
const SOCKET_NAME = ".s.PGSQL.5432";
/** sun_path holds 108 bytes, the terminating NUL included. */
const MAX_SOCKET_PATH = 107;

/**
 * What PGlite runs with. Its own defaults (128 MB of shared buffers, touched at start) are
 * sized for a browser tab holding the only copy of the data; here the kernel's page cache sits
 * under every read, and Stevedore's tables are small, so 16 MB keeps the hot pages without
 * making every start cost a hundred megabytes more.
 */
export const EMBEDDED_SETTINGS = [
  "shared_buffers=16MB",
  "wal_buffers=512kB",
  "temp_buffers=2MB",
  "work_mem=4MB",
  "maintenance_work_mem=16MB",
  "max_connections=16",
];

export function embeddedStartParams(): string[] {
  return [...PGlite.defaultStartParams, ...EMBEDDED_SETTINGS.flatMap((setting) => ["-c", setting])];
}

/**
 * A new database is made, and every migration applied to it, in a short-lived child process
 * (embedded-first-start.ts): initdb's second WebAssembly instance and the memory the
 * migrations' DDL makes PGlite grow would otherwise stay in the server's resident set for good
 * (a WebAssembly memory never shrinks). The child serves the database on a socket in a private
 * temporary folder while the schema engine works. Returns the applied migrations' names.
 */
async function firstStartInChild(pgDir: string): Promise<string[]> {
  const socketDir = await mkdtemp(path.join(os.tmpdir(), "stevedore-init-"));
  try {
    const { applied } = await runHelper<{ applied: string[] }>("embedded-first-start", [pgDir, socketDir]);
    return applied;
  } catch (error) {
    throw new Error(`Making the embedded database failed: ${(error as Error).message}`, { cause: error });
  } finally {
    await rm(socketDir, { recursive: true, force: true });
  }
}

/**
 * The folder for the socket: `run/` in the data folder, or (when that path is too long for a
 * unix socket) a private temporary folder. Mode 0700 either way: the folder's mode is what
 * keeps other users out, whatever the socket's own mode.
 */
async function socketFolder(dataDir: string): Promise<{ dir: string; temporary: boolean }> {
  const dir = path.join(dataDir, "run");
  if (path.join(dir, SOCKET_NAME).length <= MAX_SOCKET_PATH) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await chmod(dir, 0o700);
    return { dir, temporary: false };
  }
  return { dir: await mkdtemp(path.join(os.tmpdir(), "stevedore-db-")), temporary: true };
}

/** The URL `pg` (and psql) use for a socket folder: `host` names the folder. */
export function socketUrl(folder: string): string {
  return `postgresql://postgres@localhost/postgres?host=${encodeURIComponent(folder)}&sslmode=disable`;
}

export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  await secureDataDir(dataDir);
  // PGlite has no lock across processes: two openers of one folder corrupt it.
  const lock: DataDirLock = await acquireDataDirLock(dataDir);
  let db: PGlite | undefined;
  let server: PGLiteSocketServer | undefined;
  let folder: { dir: string; temporary: boolean } | undefined;
  try {
    const pgDir = path.join(dataDir, "pg");
    let appliedMigrations: string[] = [];
    if (!existsSync(path.join(pgDir, "PG_VERSION"))) {
      appliedMigrations = await firstStartInChild(pgDir);
      // initdb's own files were written through Emscripten's chmod (0644): narrow them too.
      await secureDataDir(dataDir);
    }
    db = await PGlite.create({ fs: new PrivateNodeFS(pgDir), startParams: embeddedStartParams() });
    folder = await socketFolder(dataDir);
    const socketPath = path.join(folder.dir, SOCKET_NAME);
    // Left by a process that died: the lock says no one else holds this folder now.
    await unlink(socketPath).catch(() => undefined);
    // Several connections share one query queue (transactions kept together), so a
    // migration or psql can connect beside the app's own pool.
    server = new PGLiteSocketServer({ db, path: socketPath, maxConnections: 8 });
    await server.start();
    await chmod(socketPath, 0o600);
    const url = socketUrl(folder.dir);
    // Tools (npm run audit:verify, psql) run as the same user reach the database through this.
    const urlFile = path.join(dataDir, "postgres.url");
    await writeFile(urlFile, url + "\n", { mode: 0o600 });
    const opened = { db, server, folder };
    return {
      url,
      dataDir,
      socketPath,
      appliedMigrations,
      async stop() {
        await rm(urlFile, { force: true });
        await opened.server.stop();
        await opened.db.close();
        await removeSocketFolder(opened.folder, socketPath);
        await lock.release();
      },
    };
  } catch (error) {
    await server?.stop().catch(() => undefined);
    await db?.close().catch(() => undefined);
    if (folder) await removeSocketFolder(folder, path.join(folder.dir, SOCKET_NAME));
    await lock.release();
    throw error;
  }
}

async function removeSocketFolder(folder: { dir: string; temporary: boolean }, socketPath: string): Promise<void> {
  await unlink(socketPath).catch(() => undefined);
  if (folder.temporary) await rm(folder.dir, { recursive: true, force: true });
}
