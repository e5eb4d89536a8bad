// The data folder holds the embedded database, its socket, the key file and the lock: nothing
// in it is for anyone but the user Stevedore runs as. New files are made private by the
// process umask; what an older version (or a copy, or an unpack) left readable is fixed at
// start.
import { chmod, lstat, mkdir, readdir } from "node:fs/promises";
import path from "node:path";

/** Group and other bits: none of them may be set on anything in the data folder. */
const SHARED_BITS = 0o077;

/**
 * Makes `dataDir` (created if missing) and everything under it private to this user: the
 * process umask becomes 077 so that whatever Stevedore (and PGlite inside it) creates from now
 * on is 0600/0700, and existing entries lose their group and other bits. Symbolic links are
 * left alone (their target is not ours to change). Returns the paths it had to fix.
 */
export async function secureDataDir(dataDir: string): Promise<string[]> {
  process.umask(SHARED_BITS);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  return makePrivate(dataDir);
}

/**
 * Takes the group and other bits off `entry` and everything under it (symbolic links left
 * alone), without touching the process umask. Returns the paths it had to fix.
 */
export async function makePrivate(entry: string): Promise<string[]> {
  const fixed: string[] = [];
  const visit = async (entry: string): Promise<void> => {
    const stat = await lstat(entry);
    if (stat.isSymbolicLink()) return;
    if (stat.mode & SHARED_BITS) {
      await chmod(entry, stat.mode & 0o700);
      fixed.push(entry);
    }
    if (stat.isDirectory()) {
      for (const name of await readdir(entry)) await visit(path.join(entry, name));
    }
  };
  await visit(entry);
  return fixed;
}
