// A new embedded database's first start, in a short-lived child process (started by
// embedded.ts): initdb, then every migration, then closed. Both grow PGlite's WebAssembly
// memory (initdb runs a second instance; the migrations' DDL fills catalog caches), and a
// WebAssembly memory never shrinks: done in the server, a fresh start stayed about 130 MB
// larger than a restart of the same data. The server then opens a complete database.
//
//   node --import tsx embedded-first-start.ts <pg folder> <private socket folder>
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { applyMigrations } from "./migrate";
import { EMBEDDED_SETTINGS, socketUrl } from "./embedded";
import { PrivateNodeFS } from "./private-fs";

const [pgDir, socketDir] = process.argv.slice(2);
if (!pgDir || !socketDir) throw new Error("usage: embedded-first-start.ts <pg folder> <socket folder>");

// initdb (a plain path: PGlite's own first-run), closed, then opened as the server opens it.
await (await PGlite.create(pgDir)).close();
const db = await PGlite.create({
  fs: new PrivateNodeFS(pgDir),
  startParams: [...PGlite.defaultStartParams, ...EMBEDDED_SETTINGS.flatMap((setting) => ["-c", setting])],
});
const server = new PGLiteSocketServer({ db, path: path.join(socketDir, ".s.PGSQL.5432"), maxConnections: 4 });
await server.start();
try {
  await applyMigrations(socketUrl(socketDir), { log: (line) => console.error(line) });
} finally {
  await server.stop();
  await db.close();
}
