// A data folder whose embedded database is already made, for tests that spawn a server only to
// talk to it (its API, consoles, compression...), not to watch it make its database.
//
// A first start makes the embedded database in a child process (initdb, then every migration
// through the schema engine): 15-25 s of CPU on a loaded 2-core machine, in every file that
// spawns a server. Here it is made once per set of migrations, by the same helper a first start
// runs, and copied into each new data folder; the server then starts as on any restart (opens
// the database, finds nothing pending). First starts themselves stay tested where they are the
// point: server.int.test.ts, first-start.int.test.ts, embedded.int.test.ts, db.int.test.ts.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { cp, mkdtemp, readdir, readFile, rename, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { makePrivate } from "../database/data-dir";
import { EMBEDDED_SETTINGS } from "../database/embedded";
import { runHelper } from "../database/helper-process";
import { migrationsDir } from "../database/schema-engine";

const root = path.resolve(import.meta.dirname, "../..");

/** What the made database depends on: every migration, PGlite's version and its settings. */
async function templateKey(): Promise<string> {
  const hash = createHash("sha256");
  const pglite = JSON.parse(
    await readFile(path.join(root, "node_modules/@electric-sql/pglite/package.json"), "utf8"),
  ) as { version: string };
  hash.update(`private\npglite ${pglite.version}\n${EMBEDDED_SETTINGS.join("\n")}\n`);
  const visit = async (dir: string): Promise<void> => {
    for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await visit(full);
      else hash.update(`${path.relative(migrationsDir, full)}\n`).update(await readFile(full));
    }
  };
  await visit(migrationsDir);
  return hash.digest("hex").slice(0, 16);
}

let made: Promise<string> | undefined;

/** The folder of the made database (its `pg` folder), made now if no run made it before. */
function template(): Promise<string> {
  made ??= (async () => {
    const dir = path.join(os.tmpdir(), `stevedore-test-embedded-${await templateKey()}`);
    if (existsSync(path.join(dir, "PG_VERSION"))) return dir;
    // Made aside and renamed into place: another run (or a killed one) never sees half of it.
    const staging = await mkdtemp(path.join(os.tmpdir(), "stevedore-test-embedded-staging-"));
    const socketDir = await mkdtemp(path.join(os.tmpdir(), "stevedore-init-"));
    try {
      await runHelper("embedded-first-start", [path.join(staging, "pg"), socketDir]);
      // Private, as the server makes a new database's files (secureDataDir): a copy keeps the
      // modes, so the server finds nothing to narrow (a thousand chmods at each start).
      await makePrivate(path.join(staging, "pg"));
      await rename(path.join(staging, "pg"), dir).catch((error: NodeJS.ErrnoException) => {
        // Another run made it at the same time: theirs is as good.
        if (error.code !== "ENOTEMPTY" && error.code !== "EEXIST") throw error;
      });
      return dir;
    } finally {
      await rm(staging, { recursive: true, force: true });
      await rm(socketDir, { recursive: true, force: true });
    }
  })();
  return made;
}

/**
 * A new data folder (under the system's temporary folder, named after `prefix`) holding a new
 * embedded database with every migration applied and nothing else in it: no user, so the server
 * prints a setup code as on a first start. The caller removes the folder.
 */
export async function dataDirWithDatabase(prefix: string): Promise<string> {
  const source = await template();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), prefix));
  await cp(source, path.join(dataDir, "pg"), { recursive: true });
  return dataDir;
}
