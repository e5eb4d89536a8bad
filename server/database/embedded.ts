// The embedded default: when DATABASE_URL is unset, Stevedore runs Postgres itself (PGlite,
// Postgres compiled to WebAssembly) and serves it over the wire protocol on loopback, so the
// app talks to it through exactly the same `pg` adapter as to a real server.
import { mkdir, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { acquireDataDirLock, type DataDirLock } from "./lock";

export interface EmbeddedPostgres {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

/** A TCP port on loopback nobody listens on (just now). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  await mkdir(dataDir, { recursive: true });
  // PGlite has no lock across processes: two openers of one folder corrupt it.
  const lock: DataDirLock = await acquireDataDirLock(dataDir);
  let db: PGlite | undefined;
  try {
    db = await PGlite.create(path.join(dataDir, "pg"));
    const port = await freePort();
    // Several connections share one query queue (transactions kept together), so a
    // migration or psql can connect beside the app's own pool.
    const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port, maxConnections: 8 });
    await server.start();
    const opened = db;
    const url = `postgresql://postgres:postgres@127.0.0.1:${port}/postgres?sslmode=disable`;
    // Tools (npm run audit:verify, psql) reach the running server's database through this.
    const urlFile = path.join(dataDir, "postgres.url");
    await writeFile(urlFile, url + "\n", { mode: 0o600 });
    return {
      url,
      dataDir,
      async stop() {
        await rm(urlFile, { force: true });
        await server.stop();
        await opened.close();
        await lock.release();
      },
    };
  } catch (error) {
    await db?.close().catch(() => undefined);
    await lock.release();
    throw error;
  }
}
