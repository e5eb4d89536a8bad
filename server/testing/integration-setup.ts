// Before each integration file: the test bed's swarm is whole (see swarm-whole.ts), so one file
// that broke it fails alone instead of failing every swarm file after it.
import { beforeAll, inject } from "vitest";
import { ensureSwarmWhole } from "./swarm-whole";

beforeAll(async () => {
  const problem = await ensureSwarmWhole(inject("testbed"));
  if (problem) console.warn(`the swarm was healed before this file (it was: ${problem})`);
}, 600_000);
