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

  it("treats an empty DATABASE_URL as unset (embedded database)", () => {
    expect(parseEnv({ DATABASE_URL: "" }).DATABASE_URL).toBeUndefined();
  });

  it.each([
    ["PORT", { PORT: "http" }],
    ["PORT", { PORT: "70000" }],
    ["DATABASE_URL", { DATABASE_URL: "mysql://localhost/x" }],
    ["STEVEDORE_SECRET_KEY", { STEVEDORE_SECRET_KEY: "too-short" }],
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
