// Runs one of the database's helper programs in a short-lived child process. Their work grows
// WebAssembly memories (PGlite's initdb and first migrations, Prisma's schema engine), and a
// WebAssembly memory never shrinks: done in the server, that memory stayed in its resident set
// for as long as it ran. In a child it leaves with the child.
//
// Where the program is: the image runs the server bundled into server.mjs and ships no sources
// and no tsx, so scripts/pack-runtime.mjs bundles each helper the same way, beside server.mjs
// (`<name>.mjs`). From the sources (npm run dev, npm start, the tests) it is this folder's
// `<name>.ts`, run under tsx as the server itself is.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";

/** The helper programs, by the name of their file (see scripts/pack-runtime.mjs). */
export const HELPER_PROGRAMS = ["embedded-first-start", "migrate-engine-child"] as const;
export type HelperProgram = (typeof HELPER_PROGRAMS)[number];

export class HelperProcessError extends Error {
  constructor(
    readonly program: HelperProgram,
    readonly stderr: string,
    options: { cause: unknown },
  ) {
    const lines = stderr.trim().split("\n").filter(Boolean);
    const reason =
      lines.findLast((line) => /error/i.test(line)) ??
      lines.at(-1) ??
      (options.cause instanceof Error ? options.cause.message : String(options.cause));
    super(reason.trim(), options);
    this.name = "HelperProcessError";
  }
}

/** node's arguments to run a helper: the bundled file when there is one, else the source under tsx. */
export function helperCommand(program: HelperProgram): string[] {
  // In server.mjs, import.meta.url is the bundle's own (beside the helpers' bundles).
  const bundled = fileURLToPath(new URL(`./${program}.mjs`, import.meta.url));
  if (existsSync(bundled)) return [bundled];
  const source = fileURLToPath(new URL(`./${program}.ts`, import.meta.url));
  if (!existsSync(source))
    throw new Error(`The database helper ${program} is missing (neither ${bundled} nor ${source})`);
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  return ["--import", tsx, source];
}

/**
 * Runs a helper to its end and returns its last line of output, parsed as JSON (each helper
 * prints its answer so). Secrets go in `env`, never in `args` (`ps` shows arguments).
 */
export async function runHelper<T>(
  program: HelperProgram,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<T> {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [...helperCommand(program), ...args], {
      env: { ...process.env, ...env },
      maxBuffer: 4 << 20,
    });
    const last = stdout.trim().split("\n").at(-1) ?? "";
    return JSON.parse(last) as T;
  } catch (error) {
    throw new HelperProcessError(program, (error as { stderr?: string }).stderr ?? "", { cause: error });
  }
}
