// One process per data folder. The lock is a file created exclusively (O_EXCL), holding the
// owner's pid; a lock whose owner is gone (a crash, a kill -9) is taken over.
import { open, readFile, unlink } from "node:fs/promises";
import path from "node:path";

export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `The data folder ${dataDir} is in use by another Stevedore process (pid ${pid}). ` +
        `Stop it first, or give this one its own folder with STEVEDORE_DATA_DIR. ` +
        `The embedded database serves one Stevedore process: to run several replicas, give them ` +
        `one Postgres (DATABASE_URL).`,
    );
    this.name = "DataDirInUseError";
  }
}

export interface DataDirLock {
  release(): Promise<void>;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export async function acquireDataDirLock(dataDir: string): Promise<DataDirLock> {
  const file = path.join(dataDir, "stevedore.lock");
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(file, "wx");
      await handle.writeFile(String(process.pid));
      await handle.close();
      let released = false;
      return {
        async release() {
          if (released) return;
          released = true;
          await unlink(file).catch(() => undefined);
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = Number.parseInt(await readFile(file, "utf8").catch(() => ""), 10);
      if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) {
        throw new DataDirInUseError(dataDir, owner);
      }
      // Stale (owner gone, or an empty file from a crash mid-write): remove and retry.
      await unlink(file).catch(() => undefined);
    }
  }
  throw new Error(`Could not take the lock on ${dataDir} (stevedore.lock keeps reappearing).`);
}
