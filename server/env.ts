// Configuration is read once, here, and validated; a bad value stops the start with a
// message that names it.
import { readFileSync } from "node:fs";
import { BlockList, isIP } from "node:net";
import path from "node:path";
import { z } from "zod";

/** A comma-separated list; empty or unset is none. */
const list = (item: z.ZodType<string>, what: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      const items = (v ?? "")
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
      const parsed: string[] = [];
      for (const raw of items) {
        const result = item.safeParse(raw);
        if (result.success) parsed.push(result.data);
        else ctx.addIssue({ code: "custom", message: `"${raw}" is not ${what}` });
      }
      return parsed;
    });

/** An IP address or a CIDR block (10.0.0.0/8, fd00::/8). */
const addressOrBlock = z.string().refine((v) => {
  const [address, bits, extra] = v.split("/");
  const family = isIP(address ?? "");
  if (!family || extra !== undefined) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  return /^\d+$/.test(bits) && n >= 0 && n <= (family === 4 ? 32 : 128);
});

/** A host name as the Host header carries it, without the port; ".example.com" also allows its subdomains. */
const hostName = z
  .string()
  .transform((v) => v.toLowerCase())
  .refine((v) => /^\.?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?$/.test(v) || isIP(v) > 0);

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number({ error: "must be a port number (0-65535)" }).int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("0.0.0.0"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  /** How long a start waits for a Postgres that cannot be reached yet (unset: migrate.ts's default, 120 s). */
  STEVEDORE_DB_WAIT_SECONDS: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z.coerce
      .number({ error: "must be a number of seconds (0-3600)" })
      .int("must be a whole number of seconds")
      .min(0, "must be a number of seconds (0-3600)")
      .max(3600, "must be a number of seconds (0-3600)")
      .optional(),
  ),
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
  /** Proxies whose X-Forwarded-For names the client (sign-in throttling, the audit trail). */
  STEVEDORE_TRUSTED_PROXIES: list(addressOrBlock, "an IP address or CIDR block (e.g. 10.0.0.1 or 10.0.0.0/8)"),
  /** Host names state-changing requests may be addressed to (DNS rebinding). */
  STEVEDORE_ALLOWED_HOSTS: list(hostName, "a host name (e.g. stevedore.example.com or .example.com)"),
  /** The first administrator from configuration instead of the setup page. */
  STEVEDORE_ADMIN_USERNAME: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9][a-z0-9._-]{1,63}$/, "must be 2-64 letters, digits, dot, dash or underscore")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  STEVEDORE_ADMIN_PASSWORD: z.string().optional(),
  STEVEDORE_ADMIN_PASSWORD_FILE: z.string().optional(),
});

export interface FirstAdministrator {
  username: string;
  password: string;
}

export type Env = Omit<z.infer<typeof schema>, "STEVEDORE_ADMIN_PASSWORD" | "STEVEDORE_ADMIN_PASSWORD_FILE"> & {
  dataDir: string;
  /** the trusted proxies, ready to match a peer address */
  trustedProxies: BlockList | null;
  /** STEVEDORE_ADMIN_USERNAME with its password, when given */
  firstAdmin: FirstAdministrator | null;
};

export class ConfigError extends Error {}

function invalid(name: string, message: string): never {
  throw new ConfigError(`Invalid configuration:\n  ${name}: ${message}`);
}

function blockList(entries: string[]): BlockList | null {
  if (!entries.length) return null;
  const blocks = new BlockList();
  for (const entry of entries) {
    const [address, bits] = entry.split("/") as [string, string | undefined];
    const family = isIP(address) === 6 ? "ipv6" : "ipv4";
    if (bits === undefined) blocks.addAddress(address, family);
    else blocks.addSubnet(address, Number(bits), family);
  }
  return blocks;
}

/** STEVEDORE_ADMIN_PASSWORD, or the file STEVEDORE_ADMIN_PASSWORD_FILE names (a Docker secret, say). */
function firstAdministrator(data: z.infer<typeof schema>): FirstAdministrator | null {
  const { STEVEDORE_ADMIN_USERNAME: username, STEVEDORE_ADMIN_PASSWORD: inline } = data;
  const file = data.STEVEDORE_ADMIN_PASSWORD_FILE || undefined;
  if (inline && file) invalid("STEVEDORE_ADMIN_PASSWORD_FILE", "set it or STEVEDORE_ADMIN_PASSWORD, not both");
  let password = inline || undefined;
  if (file) {
    try {
      password = readFileSync(file, "utf8").replace(/\r?\n$/, "");
    } catch (error) {
      invalid("STEVEDORE_ADMIN_PASSWORD_FILE", `cannot read ${file}: ${(error as Error).message}`);
    }
  }
  if (!username && password) invalid("STEVEDORE_ADMIN_USERNAME", "is needed with STEVEDORE_ADMIN_PASSWORD(_FILE)");
  if (username && !password) invalid("STEVEDORE_ADMIN_PASSWORD", "is needed with STEVEDORE_ADMIN_USERNAME (or _FILE)");
  return username && password ? { username, password } : null;
}

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
  const { STEVEDORE_ADMIN_PASSWORD: _inline, STEVEDORE_ADMIN_PASSWORD_FILE: _file, ...data } = result.data;
  return {
    ...data,
    dataDir: path.resolve(result.data.STEVEDORE_DATA_DIR),
    trustedProxies: blockList(result.data.STEVEDORE_TRUSTED_PROXIES),
    firstAdmin: firstAdministrator(result.data),
  };
}

let cached: Env | undefined;
export function env(): Env {
  cached ??= parseEnv();
  return cached;
}
