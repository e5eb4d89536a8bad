// A test's stand-in for one Stevedore replica starting: applies the migrations to
// DATABASE_URL the moment its parent says "go" (a line on stdin), so that several of these
// start migrating at the same instant, and prints what it applied as JSON.
import { createInterface } from "node:readline";
import { applyMigrations } from "../database/migrate";

const url = process.env.DATABASE_URL;
if (!url) throw new Error("DATABASE_URL is required");
const lines = createInterface({ input: process.stdin });
console.log("ready");
await new Promise<void>((resolve) => lines.once("line", () => resolve()));
const logs: string[] = [];
const applied = await applyMigrations(url, { log: (line) => logs.push(line) });
console.log(JSON.stringify({ applied, logs }));
lines.close();
