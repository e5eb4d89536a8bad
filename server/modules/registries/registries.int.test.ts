// Saved registries against real registries: the test bed's (Debian's docker-registry with
// htpasswd, Basic auth) and one started here with token auth (Bearer) whose token service is
// a small server of the test's own, issuing tokens the registry verifies. Saving tests the
// registry first and says what failed; passwords are sealed and never come back.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createSign, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { codeOf } from "../../testing/calls";
import { openHarness, type Harness } from "../../testing/harness";
import { need } from "../../testing/testbed-env";
import type { Actor } from "../../core/context";
import { until } from "../testing/engines";

const testbed = inject("testbed");
const registry = need(testbed, "TESTBED_REGISTRY");
const user = need(testbed, "TESTBED_REGISTRY_USER");
const password = need(testbed, "TESTBED_REGISTRY_PASSWORD");

let h: Harness;
let admin: Actor;
let operator: Actor;
let reader: Actor;

beforeAll(async () => {
  h = await openHarness();
  admin = await h.actorFor((await h.makeUser([{ role: "Administrator" }], "reg-admin")).id);
  operator = await h.actorFor((await h.makeUser([{ role: "Operator" }], "reg-operator")).id);
  reader = await h.actorFor((await h.makeUser([{ role: "Read-only" }], "reg-reader")).id);
});
afterAll(async () => {
  await h?.close();
});

async function messageOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "no error";
  } catch (error) {
    return (error as Error).message;
  }
}

describe("saving the test bed's registry (htpasswd, Basic)", () => {
  it("a wrong password is refused with what failed, and nothing is saved", async () => {
    const api = h.caller(admin);
    const attempt = api.registries.create({
      name: "testbed",
      url: `http://${registry}`,
      username: user,
      password: "wrong-password",
    });
    expect(await codeOf(attempt)).toBe("BAD_REQUEST");
    expect(
      await messageOf(
        api.registries.create({ name: "testbed", url: `http://${registry}`, username: user, password: "wrong" }),
      ),
    ).toMatch(/refused the username or password \(HTTP 401/);
    expect(await h.prisma.registry.count()).toBe(0);
  });

  it("no credentials, HTTPS to a plain-HTTP registry, and nothing listening each say so", async () => {
    const api = h.caller(admin);
    expect(await messageOf(api.registries.create({ name: "x", url: `http://${registry}` }))).toMatch(
      /needs a username and password/,
    );
    expect(
      await messageOf(api.registries.create({ name: "x", url: `https://${registry}`, username: user, password })),
    ).toMatch(/speaks plain HTTP, not HTTPS: write its address as http:\/\//);
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(await messageOf(api.registries.create({ name: "x", url: `http://127.0.0.1:${port}` }))).toMatch(
      /connection was refused/,
    );
    expect(await messageOf(api.registries.create({ name: "x", url: "http://u:p@example.invalid" }))).toMatch(
      /in their own fields/,
    );
  });

  it("something that is not a registry says so", async () => {
    const web = createServer((_req, res) => res.writeHead(404).end("not here"));
    await new Promise<void>((resolve) => web.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
      expect(await messageOf(h.caller(admin).registries.create({ name: "web", url }))).toMatch(/not a Docker registry/);
    } finally {
      web.close();
    }
  });

  it("the right password saves it sealed; the list never carries it; the record redacts it", async () => {
    const api = h.caller(admin);
    const saved = await api.registries.create({
      name: "testbed",
      url: registry.replace(/^/, "http://"),
      username: user,
      password,
    });
    expect(saved).toMatchObject({
      name: "testbed",
      url: `http://${registry}`,
      host: registry,
      authKind: "basic",
      hasPassword: true,
    });
    expect(JSON.stringify(await api.registries.list())).not.toContain(password);
    const row = await h.prisma.registry.findUniqueOrThrow({ where: { id: saved.id } });
    expect(row.passwordSealed).toMatch(/^v1:/);
    expect(row.passwordSealed).not.toContain(password);
    expect(h.services.secrets.open(row.passwordSealed!)).toBe(password);
    const events = await h.prisma.auditEvent.findMany({ where: { action: "registries.create" } });
    expect(events.length).toBeGreaterThan(1);
    const recorded = JSON.stringify(events, (_key, value: unknown) =>
      typeof value === "bigint" ? String(value) : value,
    );
    expect(recorded).not.toContain(password);
    expect(recorded).not.toContain("wrong-password");
    const ok = events.find((e) => e.outcome === "ok")!;
    expect(ok).toMatchObject({ targetKind: "registry", targetId: saved.id });
    expect((ok.params as { password?: string }).password).toBe("[redacted]");
  });

  it("browses repositories and tags with registry.use; managing needs registry.manage", async () => {
    const [saved] = await h.caller(admin).registries.list();
    const op = h.caller(operator);
    const { repositories } = await op.registries.repositories({ id: saved!.id });
    expect(repositories).toContain("stevedore-fixture/busybox");
    expect((await op.registries.tags({ id: saved!.id, repository: "stevedore-fixture/busybox" })).tags).toContain(
      "latest",
    );
    expect(await op.registries.usable()).toEqual([
      { id: saved!.id, name: "testbed", url: `http://${registry}`, host: registry, authenticated: true },
    ]);
    expect(await codeOf(op.registries.list())).toBe("FORBIDDEN");
    const before = await h.snapshot();
    expect(
      await codeOf(op.registries.create({ name: "mine", url: `http://${registry}`, username: user, password })),
    ).toBe("FORBIDDEN");
    expect(await codeOf(op.registries.remove({ id: saved!.id }))).toBe("FORBIDDEN");
    expect(await codeOf(h.caller(reader).registries.repositories({ id: saved!.id }))).toBe("FORBIDDEN");
    expect(await h.snapshot()).toEqual(before);
  });

  it("updating keeps the password unless a new one is given; a bad one is refused and the old one stays", async () => {
    const api = h.caller(admin);
    const [saved] = await api.registries.list();
    expect(await api.registries.update({ id: saved!.id, name: "testbed-renamed" })).toMatchObject({
      name: "testbed-renamed",
      hasPassword: true,
      lastTestError: null,
    });
    expect(await codeOf(api.registries.update({ id: saved!.id, password: "nope" }))).toBe("BAD_REQUEST");
    const row = await h.prisma.registry.findUniqueOrThrow({ where: { id: saved!.id } });
    expect(h.services.secrets.open(row.passwordSealed!)).toBe(password);
    expect(await api.registries.test({ id: saved!.id })).toMatchObject({ authKind: "basic", lastTestError: null });
    const untested = await api.registries.create({ name: "later", url: "http://127.0.0.1:9", saveUntested: true });
    expect(untested.lastTestError).toMatch(/refused/);
    await api.registries.remove({ id: untested.id });
    expect(await codeOf(api.registries.test({ id: untested.id }))).toBe("NOT_FOUND");
  });
});

// ---- a registry with token authentication ---------------------------------------------------

describe("a registry with token authentication (Bearer)", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "stevedore-bearer-"));
  let tokenServer: Server;
  let registryProcess: ChildProcess | undefined;
  let registryUrl = "";
  const tokenUser = { username: "bearer-user", password: "bearer-secret-pw" };

  function jwt(key: string, cert: string, claims: Record<string, unknown>): string {
    const b64 = (value: object | Buffer) =>
      (Buffer.isBuffer(value) ? value : Buffer.from(JSON.stringify(value))).toString("base64url");
    const der = Buffer.from(cert.replace(/-----[^-]+-----/g, "").replace(/\s+/g, ""), "base64");
    const head = b64({ typ: "JWT", alg: "RS256", x5c: [der.toString("base64")] });
    const body = b64(claims);
    const signature = createSign("RSA-SHA256").update(`${head}.${body}`).sign(key);
    return `${head}.${body}.${b64(signature)}`;
  }

  beforeAll(async () => {
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=stevedore-test-token",
        "-keyout",
        path.join(dir, "key.pem"),
        "-out",
        path.join(dir, "cert.pem"),
      ],
      { stdio: "ignore" },
    );
    const key = readFileSync(path.join(dir, "key.pem"), "utf8");
    const cert = readFileSync(path.join(dir, "cert.pem"), "utf8");
    tokenServer = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://token");
      const basic = Buffer.from((req.headers.authorization ?? "").replace(/^Basic /, ""), "base64").toString();
      if (basic !== `${tokenUser.username}:${tokenUser.password}`) return void res.writeHead(401).end();
      const scope = url.searchParams.get("scope");
      const access = scope
        ? [
            {
              type: scope.split(":")[0],
              name: scope.split(":")[1],
              actions: (scope.split(":")[2] ?? "").split(",").concat("*"),
            },
          ]
        : [];
      const now = Math.floor(Date.now() / 1000);
      const token = jwt(key, cert, {
        iss: "stevedore-test-issuer",
        sub: tokenUser.username,
        aud: url.searchParams.get("service"),
        exp: now + 300,
        nbf: now - 10,
        iat: now,
        jti: randomBytes(8).toString("hex"),
        access,
      });
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ token, expires_in: 300 }));
    });
    await new Promise<void>((resolve) => tokenServer.listen(0, "127.0.0.1", resolve));
    const tokenPort = (tokenServer.address() as AddressInfo).port;
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const registryPort = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    writeFileSync(
      path.join(dir, "config.yml"),
      [
        "version: 0.1",
        "log: { level: error }",
        `storage: { filesystem: { rootdirectory: ${dir}/data } }`,
        `http: { addr: "127.0.0.1:${registryPort}", secret: stevedore-bearer-test }`,
        "auth:",
        "  token:",
        `    realm: http://127.0.0.1:${tokenPort}/token`,
        "    service: stevedore-test-registry",
        "    issuer: stevedore-test-issuer",
        `    rootcertbundle: ${dir}/cert.pem`,
      ].join("\n"),
    );
    registryProcess = spawn("docker-registry", ["serve", path.join(dir, "config.yml")], { stdio: "ignore" });
    registryUrl = `http://127.0.0.1:${registryPort}`;
    await until(
      async () =>
        (await fetch(`${registryUrl}/v2/`)
          .then((r) => r.status)
          .catch(() => 0)) === 401,
      "the token registry to answer",
    );
  });

  afterAll(() => {
    registryProcess?.kill("SIGTERM");
    tokenServer?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("saving fetches a token with the credentials and says bearer; wrong ones are named as the token service's refusal", async () => {
    const api = h.caller(admin);
    expect(
      await messageOf(
        api.registries.create({ name: "bearer", url: registryUrl, username: tokenUser.username, password: "nope" }),
      ),
    ).toMatch(/token service \(127\.0\.0\.1:\d+\) refused the username or password \(HTTP 401\)/);
    const saved = await api.registries.create({ name: "bearer", url: registryUrl, ...tokenUser });
    expect(saved.authKind).toBe("bearer");
    // The catalog and tag lists ask for their own scopes; an empty registry has no repositories.
    expect((await api.registries.repositories({ id: saved.id })).repositories).toEqual([]);
    expect(await codeOf(api.registries.tags({ id: saved.id, repository: "nothing/here" }))).toBe("BAD_REQUEST");
  });
});
