// A helper program (see helper-process.ts): the schema engine's part of applying migrations,
// in a child process so that the engine's WebAssembly memory (about 70 MB once it has read
// the migrations) leaves with it. The database URL comes in STEVEDORE_MIGRATE_URL (never in
// the arguments: a password there shows in `ps`); prints {"applied": [names]} on its marked result line (helper-process.ts).
import { writeHelperResult } from "./helper-process";
import { applyWithSchemaEngine } from "./migrate-engine";

const connectionString = process.env.STEVEDORE_MIGRATE_URL;
if (!connectionString) throw new Error("STEVEDORE_MIGRATE_URL is required");
const applied = await applyWithSchemaEngine(connectionString);
writeHelperResult({ applied });
