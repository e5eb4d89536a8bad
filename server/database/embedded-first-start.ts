// A helper program (see helper-process.ts): a new embedded database's first start, in a
// short-lived child process started by embedded.ts. initdb, then every migration, then closed.
// Both grow PGlite's WebAssembly memory (initdb runs a second instance; the migrations' DDL
// fills catalog caches) and a WebAssembly memory never shrinks: done in the server, a fresh
// start stayed larger than a restart of the same data for as long as it ran. The server then
// opens a complete database. Prints {"applied": [names]} on its marked result line (helper-process.ts).
//
//   embedded-first-start <pg folder> <private socket folder>
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { embeddedStartParams, socketUrl } from "./embedded";
import { writeHelperResult } from "./helper-process";
import { applyMigrations } from "./migrate";
import { PrivateNodeFS } from "./private-fs";

const [pgDir, socketDir] = process.argv.slice(2);
if (!pgDir || !socketDir) throw new Error("usage: embedded-first-start <pg folder> <socket folder>");

// initdb (a plain path: PGlite's own first run), closed, then opened as the server opens it.
// The umask (077) is inherited from the server, so the new files are private from the start.
await (await PGlite.create(pgDir)).close();
const db = await PGlite.create({ fs: new PrivateNodeFS(pgDir), startParams: embeddedStartParams() });
const server = new PGLiteSocketServer({ db, path: path.join(socketDir, ".s.PGSQL.5432"), maxConnections: 4 });
await server.start();
let applied: string[];
try {
  // This process is short-lived: the engine runs in it rather than in a child of its own.
  applied = await applyMigrations(socketUrl(socketDir), { engine: "in-process", log: (line) => console.error(line) });
} finally {
  await server.stop();
  await db.close();
}
writeHelperResult({ applied });
