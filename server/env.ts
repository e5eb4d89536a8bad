// Configuration is read once, here, and validated; a bad value stops the start with a
// message that names it.
import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number({ error: "must be a port number (0-65535)" }).int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("0.0.0.0"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  STEVEDORE_DATA_DIR: z.string().min(1).default("./data"),
  /** The local engine's socket, offered as the first environment when it is readable. */
  STEVEDORE_LOCAL_SOCKET: z.string().startsWith("/", "must be an absolute path").default("/var/run/docker.sock"),
  STEVEDORE_SECRET_KEY: z
    .string()
    .refine(
      (v) => /^[0-9a-fA-F]{64}$/.test(v) || Buffer.from(v, "base64").length === 32,
      "must be 32 bytes, as 64 hex digits or base64 (openssl rand -base64 32)",
    )
    .optional()
    .or(z.literal("").transform(() => undefined)),
});

export type Env = z.infer<typeof schema> & { dataDir: string };

export class ConfigError extends Error {}

/**
 * Secrets may come from files (Docker and Kubernetes secrets mount them under /run/secrets):
 * `NAME_FILE=/path` reads NAME from that file, without its trailing newline.
 */
export const FILE_VARIABLES = ["STEVEDORE_SECRET_KEY", "DATABASE_URL", "DATABASE_PASSWORD"] as const;

type Source = Record<string, string | undefined>;
type ReadFile = (file: string) => string;

function readSecretFiles(source: Source, readFile: ReadFile, problems: string[]): Source {
  const resolved: Source = { ...source };
  for (const name of FILE_VARIABLES) {
    const file = source[`${name}_FILE`];
    if (!file) continue;
    if (source[name]) {
      problems.push(`${name}_FILE: set together with ${name}; give one or the other`);
      continue;
    }
    let content: string;
    try {
      content = readFile(file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : String(error);
      problems.push(`${name}_FILE: cannot read ${file} (${why})`);
      continue;
    }
    // A file written with `echo` or an editor ends in a newline that is not part of the secret.
    const value = content.replace(/\r?\n$/, "");
    if (!value) problems.push(`${name}_FILE: ${file} is empty`);
    else resolved[name] = value;
  }
  return resolved;
}

/**
 * DATABASE_PASSWORD (or DATABASE_PASSWORD_FILE, the same secret Postgres is given) goes into
 * DATABASE_URL, so the URL itself can live in plain configuration.
 */
function withDatabasePassword(source: Source, problems: string[]): Source {
  const password = source.DATABASE_PASSWORD;
  if (!password) return source;
  const url = source.DATABASE_URL;
  const origin = source.DATABASE_PASSWORD_FILE ? "DATABASE_PASSWORD_FILE" : "DATABASE_PASSWORD";
  if (!url) {
    problems.push(`${origin}: needs DATABASE_URL (postgresql://user@host:5432/db) to know where to connect`);
    return source;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return source; // DATABASE_URL's own check names the problem
  }
  if (parsed.password) {
    problems.push(`${origin}: DATABASE_URL carries a password already; give it in one place`);
    return source;
  }
  if (!parsed.username) {
    problems.push(`${origin}: DATABASE_URL names no user (postgresql://user@host:5432/db)`);
    return source;
  }
  parsed.password = encodeURIComponent(password);
  return { ...source, DATABASE_URL: parsed.toString() };
}

export function parseEnv(source: Source = process.env, readFile: ReadFile = (file) => readFileSync(file, "utf8")): Env {
  const problems: string[] = [];
  const resolved = withDatabasePassword(readSecretFiles(source, readFile, problems), problems);
  const result = schema.safeParse(resolved);
  if (!result.success) problems.push(...result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`));
  if (!result.success || problems.length) {
    throw new ConfigError(`Invalid configuration:\n${problems.map((line) => `  ${line}`).join("\n")}`);
  }
  return { ...result.data, dataDir: path.resolve(result.data.STEVEDORE_DATA_DIR) };
}

let cached: Env | undefined;
export function env(): Env {
  cached ??= parseEnv();
  return cached;
}
