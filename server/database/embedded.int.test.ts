// Who may reach the embedded database: only Stevedore's own user. Tried as an attacker on the
// same machine would: another user's process connects with the URL the server publishes
// (with the default password, and any other), reads the data folder's files, and finds
// anything in it readable by others. Also: a data folder left readable by an older version is
// made private at start. And, on the same first start (each one is initdb and every migration:
// the costliest start there is), that a restart keeps the data and migrates nothing.
import { execFile } from "node:child_process";
import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDatabase, type DatabaseHandle } from "../db";

const NOBODY = 65534;
const migrationNames = async () =>
  (await readdir(path.resolve(import.meta.dirname, "../../prisma/migrations"), { withFileTypes: true }))
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
const isRoot = process.getuid?.() === 0;
const pgModule = createRequire(import.meta.url).resolve("pg");

/** Every path under `dir` whose mode lets group or others in, with its mode. */
async function openToOthers(dir: string): Promise<string[]> {
  const found: string[] = [];
  const visit = async (entry: string) => {
    const stat = await lstat(entry);
    if (stat.isSymbolicLink()) return;
    if (stat.mode & 0o077) found.push(`${(stat.mode & 0o777).toString(8)} ${path.relative(dir, entry) || "."}`);
    if (stat.isDirectory()) for (const name of await readdir(entry)) await visit(path.join(entry, name));
  };
  await visit(dir);
  return found;
}

/** Runs a small script as the user `nobody`: what another local user can do. */
async function asNobody(script: string, ...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, ["-e", script, ...args], {
    uid: NOBODY,
    gid: NOBODY,
    cwd: "/",
  });
  return stdout.trim();
}

/** A connection attempt as `nobody` with the given URL and password: "connected" or the error code. */
function connectAsNobody(url: string, password: string): Promise<string> {
  return asNobody(
    `const { Client } = require(process.argv[1]);
     const client = new Client({ connectionString: process.argv[2], password: process.argv[3], connectionTimeoutMillis: 5000 });
     client.connect().then(
       () => client.query("SELECT count(*) FROM _prisma_migrations").then((r) => { console.log("connected " + r.rows[0].count); return client.end(); }),
       (e) => console.log(e.code || e.message),
     );`,
    pgModule,
    url,
    password,
  );
}

describe("the embedded database is reachable only by Stevedore's own user", () => {
  let parent: string;
  let dataDir: string;
  let db: DatabaseHandle;

  beforeAll(async () => {
    // The parent is open to everyone, so only the data folder's own protection counts.
    parent = await mkdtemp(path.join(os.tmpdir(), "stevedore-private-"));
    await chmod(parent, 0o755);
    dataDir = path.join(parent, "data");
    // What an older version left: a world-readable folder, a world-writable one, open files.
    await mkdir(path.join(dataDir, "old"), { recursive: true });
    await chmod(dataDir, 0o755);
    await chmod(path.join(dataDir, "old"), 0o777);
    await writeFile(path.join(dataDir, "old", "notes.txt"), "left behind", { mode: 0o666 });
    await chmod(path.join(dataDir, "old", "notes.txt"), 0o666);
    await writeFile(path.join(dataDir, "secret.key"), "key", { mode: 0o644 });
    await chmod(path.join(dataDir, "secret.key"), 0o644);

    db = await startDatabase({ dataDir });
    // Writes after the start, so files Postgres makes while it runs are checked too.
    await db.prisma.setting.create({ data: { key: "private-test", value: { written: true } } });
    await db.prisma.$executeRawUnsafe("CHECKPOINT");
  }, 180_000);

  afterAll(async () => {
    await db?.close();
    await rm(parent, { recursive: true, force: true });
  });

  it("is served on a unix socket, never on a TCP port", async () => {
    const published = (await readFile(path.join(dataDir, "postgres.url"), "utf8")).trim();
    expect(published).toBe(db.url);
    const host = new URL(db.url).searchParams.get("host") ?? "";
    expect(host.startsWith("/")).toBe(true);
    // This process (Stevedore's user) connects through it.
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    expect((await client.query<{ one: number }>("SELECT 1 AS one")).rows[0]?.one).toBe(1);
    await client.end();
  });

  it("leaves nothing in the data folder open to group or others, old leftovers included", async () => {
    expect(await openToOthers(dataDir)).toEqual([]);
    expect((await lstat(dataDir)).mode & 0o777).toBe(0o700);
    expect((await lstat(path.join(dataDir, "run"))).mode & 0o777).toBe(0o700);
  });

  it.skipIf(!isRoot)("refuses another local user with any password, and lets them read nothing", async () => {
    const published = (await readFile(path.join(dataDir, "postgres.url"), "utf8")).trim();
    for (const password of ["postgres", "", "guess-123"]) {
      expect(await connectAsNobody(published, password)).toBe("EACCES");
    }
    const reads = await asNobody(
      `const fs = require("node:fs");
       const out = process.argv.slice(1).map((p) => { try { fs.readFileSync(p); return "read"; } catch (e) { return e.code; } });
       console.log(out.join(","));`,
      path.join(dataDir, "postgres.url"),
      path.join(dataDir, "pg", "PG_VERSION"),
      path.join(dataDir, "secret.key"),
    );
    expect(reads).toBe("EACCES,EACCES,EACCES");
  });

  // Last: it stops the database and starts it again on the same folder.
  it("keeps data across restarts and migrates only once", async () => {
    expect(db.embedded).toBe(true);
    expect(db.appliedMigrations).toEqual(await migrationNames());
    await db.close();
    db = await startDatabase({ dataDir });
    expect(db.appliedMigrations).toEqual([]);
    expect((await db.prisma.setting.findUniqueOrThrow({ where: { key: "private-test" } })).value).toEqual({
      written: true,
    });
  });
});
