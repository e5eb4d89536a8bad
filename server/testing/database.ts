// The database integration tests use: the real Postgres named by DATABASE_URL when set (CI
// sets it), otherwise an embedded one in a fresh temporary folder. Same code path as the app.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { startDatabase, type DatabaseHandle } from "../db";

export async function openTestDatabase(): Promise<DatabaseHandle & { cleanup(): Promise<void> }> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "stevedore-test-"));
  const handle = await startDatabase({ databaseUrl: process.env.DATABASE_URL || undefined, dataDir });
  return {
    ...handle,
    async cleanup() {
      await handle.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
