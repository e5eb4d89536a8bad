import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { acquireDataDirLock, DataDirInUseError } from "./lock";

async function tempDir() {
  return mkdtemp(path.join(os.tmpdir(), "stevedore-lock-"));
}

describe("acquireDataDirLock", () => {
  it("refuses a second holder while the first lives, naming the folder and pid", async () => {
    const dir = await tempDir();
    const lock = await acquireDataDirLock(dir);
    await expect(acquireDataDirLock(dir)).rejects.toThrow(DataDirInUseError);
    await expect(acquireDataDirLock(dir)).rejects.toThrow(
      `${dir} is in use by another Stevedore process (pid ${process.pid})`,
    );
    await lock.release();
    expect(existsSync(path.join(dir, "stevedore.lock"))).toBe(false);
  });

  it("takes over a lock whose owner is gone", async () => {
    const dir = await tempDir();
    // A real process that has exited: its pid is free.
    const child = spawn(process.execPath, ["-e", ""]);
    const deadPid = await new Promise<number>((resolve) => child.on("exit", () => resolve(child.pid!)));
    await writeFile(path.join(dir, "stevedore.lock"), String(deadPid));
    const lock = await acquireDataDirLock(dir);
    expect(await readFile(path.join(dir, "stevedore.lock"), "utf8")).toBe(String(process.pid));
    await lock.release();
  });

  it("takes over an empty lock file left by a crash mid-write", async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, "stevedore.lock"), "");
    const lock = await acquireDataDirLock(dir);
    await lock.release();
  });
});
