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
    readonly program: string,
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

/** A helper that did not finish in time: it was killed. */
export class HelperTimeoutError extends HelperProcessError {
  constructor(program: string, timeoutMs: number, stderr: string, options: { cause: unknown }) {
    super(program, "", options);
    const said = stderr.trim().split("\n").filter(Boolean).at(-1);
    this.message =
      `the database helper ${program} did not finish within ${Math.round(timeoutMs / 1000)} s and was killed` +
      (said ? ` (its last words: ${said.trim()})` : "");
    this.name = "HelperTimeoutError";
  }
}

/** A helper that printed more than its output may hold: it was stopped, whatever it was doing. */
export class HelperOutputTooLargeError extends HelperProcessError {
  constructor(program: string, stream: "stdout" | "stderr", limitBytes: number, options: { cause: unknown }) {
    super(program, "", options);
    this.message =
      `the database helper ${program} printed more than ${limitBytes / (1 << 20)} MiB on its ` +
      `${stream === "stdout" ? "standard output" : "standard error"} and was stopped`;
    this.name = "HelperOutputTooLargeError";
  }
}

/** How much a helper may print on each stream (its answer is one line; the rest is its log). */
const HELPER_OUTPUT_LIMIT_BYTES = 4 << 20;

/** The start of the one line of a helper's output that is its answer (anything else is not). */
export const HELPER_RESULT_MARK = "stevedore-helper-result: ";

/** What a helper ends with: its answer, on a marked line of its own. */
export function writeHelperResult(value: unknown): void {
  process.stdout.write(`\n${HELPER_RESULT_MARK}${JSON.stringify(value)}\n`);
}

/** How long each helper may take before it is taken for hung and killed. */
export const HELPER_TIMEOUT_MS: Record<HelperProgram, number> = {
  "embedded-first-start": 5 * 60_000,
  "migrate-engine-child": 15 * 60_000,
};

/** The answer on the marked line (the last, should a helper print more than one); never other output. */
export function parseHelperResult<T>(stdout: string): T {
  const marked = stdout
    .split("\n")
    .filter((line) => line.startsWith(HELPER_RESULT_MARK))
    .at(-1);
  if (marked === undefined) throw new Error("ended without printing its result");
  try {
    return JSON.parse(marked.slice(HELPER_RESULT_MARK.length)) as T;
  } catch {
    throw new Error("printed a result line that is not JSON");
  }
}

/**
 * Runs node with `argv` to its end, within `timeoutMs` (then it is killed, SIGKILL: a hung
 * WebAssembly loop does not answer SIGTERM), and returns its marked result line, parsed.
 */
export async function runNodeProgram<T>(
  program: string,
  argv: string[],
  env: Record<string, string>,
  timeoutMs: number,
): Promise<T> {
  let stdout: string;
  try {
    ({ stdout } = await promisify(execFile)(process.execPath, argv, {
      env: { ...process.env, ...env },
      maxBuffer: HELPER_OUTPUT_LIMIT_BYTES,
      timeout: timeoutMs,
      killSignal: "SIGKILL",
    }));
  } catch (error) {
    const e = error as { stderr?: string; killed?: boolean; signal?: string; code?: unknown; message?: string };
    // Checked first: node kills a child past maxBuffer with killSignal too, which is not a hang.
    if (e.code === "ERR_CHILD_PROCESS_STDIO_MAXBUFFER") {
      const stream = /^stderr/.test(e.message ?? "") ? "stderr" : "stdout";
      throw new HelperOutputTooLargeError(program, stream, HELPER_OUTPUT_LIMIT_BYTES, { cause: error });
    }
    if (e.killed && e.signal === "SIGKILL") {
      throw new HelperTimeoutError(program, timeoutMs, e.stderr ?? "", { cause: error });
    }
    throw new HelperProcessError(program, e.stderr ?? "", { cause: error });
  }
  try {
    return parseHelperResult<T>(stdout);
  } catch (error) {
    throw new HelperProcessError(program, "", {
      cause: new Error(`the database helper ${program} ${(error as Error).message}`),
    });
  }
}

/**
 * Runs a helper to its end and returns its answer (writeHelperResult's marked line, parsed as
 * JSON), killing it past its timeout. Secrets go in `env`, never in `args` (`ps` shows arguments).
 */
export async function runHelper<T>(
  program: HelperProgram,
  args: string[] = [],
  env: Record<string, string> = {},
  timeoutMs = HELPER_TIMEOUT_MS[program],
): Promise<T> {
  return runNodeProgram<T>(program, [...helperCommand(program), ...args], env, timeoutMs);
}
