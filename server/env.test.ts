import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, parseEnv } from "./env";

describe("parseEnv", () => {
  it("fills the defaults a fresh machine needs", () => {
    const env = parseEnv({});
    expect(env.PORT).toBe(3000);
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.dataDir).toBe(path.resolve("data"));
  });

  it("takes how long to wait for the database in whole seconds, unset by default", () => {
    expect(parseEnv({}).STEVEDORE_DB_WAIT_SECONDS).toBeUndefined();
    expect(parseEnv({ STEVEDORE_DB_WAIT_SECONDS: "" }).STEVEDORE_DB_WAIT_SECONDS).toBeUndefined();
    expect(parseEnv({ STEVEDORE_DB_WAIT_SECONDS: "300" }).STEVEDORE_DB_WAIT_SECONDS).toBe(300);
  });

  it("treats an empty DATABASE_URL as unset (embedded database)", () => {
    expect(parseEnv({ DATABASE_URL: "" }).DATABASE_URL).toBeUndefined();
  });

  it.each([
    ["PORT", { PORT: "http" }],
    ["PORT", { PORT: "70000" }],
    ["DATABASE_URL", { DATABASE_URL: "mysql://localhost/x" }],
    ["STEVEDORE_SECRET_KEY", { STEVEDORE_SECRET_KEY: "too-short" }],
    ["STEVEDORE_DB_WAIT_SECONDS", { STEVEDORE_DB_WAIT_SECONDS: "soon" }],
    ["STEVEDORE_DB_WAIT_SECONDS", { STEVEDORE_DB_WAIT_SECONDS: "-1" }],
    ["STEVEDORE_DB_WAIT_SECONDS", { STEVEDORE_DB_WAIT_SECONDS: "1.5" }],
    ["STEVEDORE_DB_WAIT_SECONDS", { STEVEDORE_DB_WAIT_SECONDS: "86400" }],
  ])("names %s when its value is bad", (name, source) => {
    expect(() => parseEnv(source)).toThrow(ConfigError);
    expect(() => parseEnv(source)).toThrow(new RegExp(`^Invalid configuration:\\n  ${name}: `));
  });

  it("accepts a secret key as hex or base64 of 32 bytes", () => {
    expect(parseEnv({ STEVEDORE_SECRET_KEY: "ab".repeat(32) }).STEVEDORE_SECRET_KEY).toBe("ab".repeat(32));
    const b64 = Buffer.alloc(32, 7).toString("base64");
    expect(parseEnv({ STEVEDORE_SECRET_KEY: b64 }).STEVEDORE_SECRET_KEY).toBe(b64);
  });
});

describe("the first administrator from configuration", () => {
  it("takes the password inline or from a file, never both, and needs both halves", async () => {
    const { mkdtemp, writeFile } = await import("node:fs/promises");
    const os = await import("node:os");
    const dir = await mkdtemp(path.join(os.tmpdir(), "stevedore-env-"));
    const file = path.join(dir, "admin-password");
    await writeFile(file, "from a docker secret\n");
    expect(parseEnv({ STEVEDORE_ADMIN_USERNAME: "Root", STEVEDORE_ADMIN_PASSWORD: "inline one" }).firstAdmin).toEqual({
      username: "root",
      password: "inline one",
    });
    expect(
      parseEnv({ STEVEDORE_ADMIN_USERNAME: "root", STEVEDORE_ADMIN_PASSWORD_FILE: file }).firstAdmin?.password,
    ).toBe("from a docker secret");
    expect(parseEnv({}).firstAdmin).toBeNull();
    expect(() =>
      parseEnv({
        STEVEDORE_ADMIN_USERNAME: "root",
        STEVEDORE_ADMIN_PASSWORD: "x",
        STEVEDORE_ADMIN_PASSWORD_FILE: file,
      }),
    ).toThrow(/STEVEDORE_ADMIN_PASSWORD_FILE: set it or STEVEDORE_ADMIN_PASSWORD, not both/);
    expect(() => parseEnv({ STEVEDORE_ADMIN_USERNAME: "root" })).toThrow(/STEVEDORE_ADMIN_PASSWORD: is needed/);
    expect(() => parseEnv({ STEVEDORE_ADMIN_PASSWORD: "x" })).toThrow(/STEVEDORE_ADMIN_USERNAME: is needed/);
    expect(() =>
      parseEnv({ STEVEDORE_ADMIN_USERNAME: "root", STEVEDORE_ADMIN_PASSWORD_FILE: path.join(dir, "missing") }),
    ).toThrow(/STEVEDORE_ADMIN_PASSWORD_FILE: cannot read/);
  });
});

describe("parseEnv with secrets in files (NAME_FILE)", () => {
  const files: Record<string, string> = {
    "/run/secrets/key": `${"cd".repeat(32)}\n`,
    "/run/secrets/url": "postgresql://app:s3cret@db:5432/stevedore\n",
    "/run/secrets/db-password": "p@ss:w/rd with spaces\n",
    "/run/secrets/empty": "\n",
  };
  const readFile = (file: string) => {
    if (file in files) return files[file]!;
    throw Object.assign(new Error(`ENOENT: ${file}`), { code: "ENOENT" });
  };

  it("reads STEVEDORE_SECRET_KEY_FILE and DATABASE_URL_FILE without their trailing newline", () => {
    const env = parseEnv(
      { STEVEDORE_SECRET_KEY_FILE: "/run/secrets/key", DATABASE_URL_FILE: "/run/secrets/url" },
      readFile,
    );
    expect(env.STEVEDORE_SECRET_KEY).toBe("cd".repeat(32));
    expect(env.DATABASE_URL).toBe("postgresql://app:s3cret@db:5432/stevedore");
  });

  it("puts DATABASE_PASSWORD_FILE into DATABASE_URL, encoded so any character survives", async () => {
    const env = parseEnv(
      {
        DATABASE_URL: "postgresql://stevedore@postgres:5432/stevedore",
        DATABASE_PASSWORD_FILE: "/run/secrets/db-password",
      },
      readFile,
    );
    // What the pg driver will make of it: the password exactly as written in the file.
    const { parse } = await import("pg-connection-string");
    const parsed = parse(env.DATABASE_URL!);
    expect(parsed).toMatchObject({
      user: "stevedore",
      password: "p@ss:w/rd with spaces",
      host: "postgres",
      port: "5432",
      database: "stevedore",
    });
  });

  it.each([
    [
      { STEVEDORE_SECRET_KEY_FILE: "/run/secrets/missing" },
      "STEVEDORE_SECRET_KEY_FILE: cannot read /run/secrets/missing (no such file)",
    ],
    [{ DATABASE_URL_FILE: "/run/secrets/empty" }, "DATABASE_URL_FILE: /run/secrets/empty is empty"],
    [
      { STEVEDORE_SECRET_KEY: "ab".repeat(32), STEVEDORE_SECRET_KEY_FILE: "/run/secrets/key" },
      "STEVEDORE_SECRET_KEY_FILE: set together with STEVEDORE_SECRET_KEY",
    ],
    [{ DATABASE_PASSWORD_FILE: "/run/secrets/db-password" }, "DATABASE_PASSWORD_FILE: needs DATABASE_URL"],
    [
      { DATABASE_URL: "postgresql://a:b@db/x", DATABASE_PASSWORD_FILE: "/run/secrets/db-password" },
      "DATABASE_PASSWORD_FILE: DATABASE_URL carries a password already",
    ],
    [{ DATABASE_URL: "postgresql://db/x", DATABASE_PASSWORD: "pw" }, "DATABASE_PASSWORD: DATABASE_URL names no user"],
  ])("refuses %j, naming the variable", (source, message) => {
    expect(() => parseEnv(source, readFile)).toThrow(ConfigError);
    expect(() => parseEnv(source, readFile)).toThrow(message);
  });

  it("checks what a file holds like the variable itself, without printing it", () => {
    const badKey = { "/run/secrets/bad": "not-a-key-at-all\n" };
    const attempt = () =>
      parseEnv({ STEVEDORE_SECRET_KEY_FILE: "/run/secrets/bad" }, (f) => badKey[f as "/run/secrets/bad"]);
    expect(attempt).toThrow(/STEVEDORE_SECRET_KEY: must be 32 bytes/);
    expect(attempt).not.toThrow(/not-a-key-at-all/);
  });

  it("reads real files from disk", async () => {
    const { mkdtemp, writeFile, rm } = await import("node:fs/promises");
    const os = await import("node:os");
    const dir = await mkdtemp(path.join(os.tmpdir(), "stevedore-env-"));
    try {
      await writeFile(path.join(dir, "key"), `${Buffer.alloc(32, 9).toString("base64")}\n`, { mode: 0o600 });
      expect(parseEnv({ STEVEDORE_SECRET_KEY_FILE: path.join(dir, "key") }).STEVEDORE_SECRET_KEY).toBe(
        Buffer.alloc(32, 9).toString("base64"),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
