// The first start as a user runs it (server.ts as a child process, issue #11 items 8, 10, 17):
// a fresh install prints a one-time setup code and keeps it in a 0600 file, and its setup page
// wants it; or the first administrator comes from configuration and there is no setup at all.
// The client address comes from X-Forwarded-For only behind a trusted proxy, and a configured
// host allowlist is what changes are accepted for.
import { request } from "node:http";
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient } from "../../testing/api-client";
import { dataDirWithDatabase } from "../../testing/embedded-template";
import { setupCodeOf, spawnServer, type RunningServer } from "../../testing/spawn-server";

interface AuditRow {
  action: string;
  outcome: string;
  ip: string | null;
}

async function loginEvents(admin: ApiClient): Promise<AuditRow[]> {
  return (await admin.query<{ items: AuditRow[] }>("audit.list", { action: "auth.login" })).items;
}

/** A failed sign-in as sent through a proxy, or by a client pretending to be one. */
async function failedLogin(server: RunningServer, forwardedFor: string): Promise<number> {
  const res = await fetch(`${server.url}/api/trpc/auth.login`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": forwardedFor },
    body: JSON.stringify({ username: "nobody-here", password: "not the password" }),
  });
  return res.status;
}

describe("a fresh install", () => {
  let dataDir: string;
  let server: RunningServer;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), "stevedore-first-start-"));
    server = await spawnServer({ STEVEDORE_DATA_DIR: dataDir, DATABASE_URL: "" });
  }, 180_000);
  afterAll(async () => {
    await server?.stop("SIGKILL");
    await rm(dataDir, { recursive: true, force: true });
  });

  it("prints a one-time setup code, keeps it 0600 in the data folder, and the setup needs it", async () => {
    const code = await setupCodeOf(dataDir);
    expect(code).toMatch(/^[0-9A-Z]{5}(-[0-9A-Z]{5}){3}$/);
    expect(server.output()).toContain(code);
    expect((await stat(path.join(dataDir, "setup-code"))).mode & 0o777).toBe(0o600);

    const anonymous = new ApiClient(server.url);
    const account = { username: "admin", password: "first start passphrase" };
    await expect(anonymous.mutate("auth.setup", account)).rejects.toThrow(/400/);
    await expect(anonymous.mutate("auth.setup", { ...account, setupCode: "AAAAA-BBBBB-CCCCC-DDDDD" })).rejects.toThrow(
      /403 That is not the setup code/,
    );
    expect(await anonymous.query("auth.setupStatus")).toEqual({ needsSetup: true });
    await anonymous.mutate("auth.setup", { ...account, setupCode: code.toLowerCase() });
    expect(await anonymous.query("auth.setupStatus")).toEqual({ needsSetup: false });
    expect(existsSync(path.join(dataDir, "setup-code"))).toBe(false);
  });

  it("does not believe X-Forwarded-For when no proxy is trusted", async () => {
    const admin = new ApiClient(server.url);
    await admin.mutate("auth.login", { username: "admin", password: "first start passphrase" });
    admin.token = (await admin.mutate<{ token: string }>("tokens.create", { name: "t", expiresInDays: 1 })).token;
    expect(await failedLogin(server, "203.0.113.9")).toBe(401);
    const failed = (await loginEvents(admin)).filter((e) => e.outcome === "denied");
    expect(failed.map((e) => e.ip)).toContain("127.0.0.1");
    expect(failed.map((e) => e.ip)).not.toContain("203.0.113.9");
  });
});

describe("an install configured with its first administrator, a trusted proxy and its host names", () => {
  let dataDir: string;
  let server: RunningServer;
  const password = "configured admin passphrase";
  beforeAll(async () => {
    // The first start's own work (the embedded database made) is the fresh install's above: this
    // one starts on a made database with no user, which is what the configuration acts on.
    dataDir = await dataDirWithDatabase("stevedore-configured-");
    const secret = path.join(dataDir, "admin-password");
    await writeFile(secret, `${password}\n`, { mode: 0o600 });
    server = await spawnServer({
      STEVEDORE_DATA_DIR: dataDir,
      DATABASE_URL: "",
      STEVEDORE_ADMIN_USERNAME: "root",
      STEVEDORE_ADMIN_PASSWORD_FILE: secret,
      STEVEDORE_TRUSTED_PROXIES: "127.0.0.1",
      STEVEDORE_ALLOWED_HOSTS: "stevedore.example.com",
    });
  }, 180_000);
  afterAll(async () => {
    await server?.stop("SIGKILL");
    await rm(dataDir, { recursive: true, force: true });
  });

  it("creates the administrator at start and offers no setup", async () => {
    expect(server.output()).toContain("created the first administrator root from STEVEDORE_ADMIN_USERNAME");
    expect(server.output()).not.toContain("setup code");
    expect(existsSync(path.join(dataDir, "setup-code"))).toBe(false);
    const anonymous = new ApiClient(server.url);
    expect(await anonymous.query("auth.setupStatus")).toEqual({ needsSetup: false });
    await expect(anonymous.mutate("auth.setup", { setupCode: "x", username: "two", password })).rejects.toThrow(/409/);
  });

  it("takes the client's address from the trusted proxy's X-Forwarded-For", async () => {
    const admin = new ApiClient(server.url);
    await admin.mutate("auth.login", { username: "root", password });
    admin.token = (await admin.mutate<{ token: string }>("tokens.create", { name: "t", expiresInDays: 1 })).token;
    expect(await failedLogin(server, "198.51.100.1, 203.0.113.9")).toBe(401);
    expect((await loginEvents(admin)).filter((e) => e.outcome === "denied").map((e) => e.ip)).toContain("203.0.113.9");
  });

  it("accepts changes only for the configured host names", async () => {
    const admin = new ApiClient(server.url);
    await admin.mutate("auth.login", { username: "root", password });
    const token = (await admin.mutate<{ token: string }>("tokens.create", { name: "h", expiresInDays: 1 })).token;
    const post = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request(
          `${server.url}/api/trpc/tokens.create`,
          {
            method: "POST",
            headers: { host, authorization: `Bearer ${token}`, "content-type": "application/json" },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on("error", reject);
        req.end(JSON.stringify({ name: `via ${host}`, expiresInDays: 1 }));
      });
    expect(await post("evil.example")).toBe(403);
    expect(await post("stevedore.example.com")).toBe(200);
    expect(await post("other.example.com")).toBe(403);
  });
});
