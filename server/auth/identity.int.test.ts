// Identity against the real database: setup, sign-in throttling, sessions, tokens, TOTP,
// teams and per-environment scoping, escalation and cross-site refusal.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codeOf } from "../testing/calls";
import { openHarness, TEST_PASSWORD, type Harness } from "../testing/harness";
import { authenticate, BadCredentialsError } from "./authenticate";
import { resolveSession, SESSION_COOKIE } from "./sessions";
import { THROTTLE } from "./throttle";
import { currentTotp } from "./totp";

let h: Harness;
beforeAll(async () => {
  h = await openHarness();
});
afterAll(async () => {
  await h?.close();
});

function cookieToken(cookies: string[]): string {
  const cookie = cookies.find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  expect(cookie).toMatch(/HttpOnly/);
  expect(cookie).toMatch(/SameSite=Lax/);
  return cookie!.split(";")[0]!.split("=")[1]!;
}

describe("first start", () => {
  it("offers setup, refuses weak passwords, and creates exactly one admin under a race", async () => {
    const anon = h.caller(null);
    expect(await anon.auth.setupStatus()).toEqual({ needsSetup: true });
    await expect(anon.auth.setup({ username: "root", password: "short" })).rejects.toThrow(/at least 12/);
    await expect(anon.auth.setup({ username: "root", password: "password1234" })).rejects.toThrow(/common passwords/);

    const racers = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) =>
        h.caller(null).auth.setup({ username: `admin${i}`, password: "a long and unusual passphrase" }),
      ),
    );
    expect(racers.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of racers.filter((r): r is PromiseRejectedResult => r.status === "rejected")) {
      expect(r.reason).toMatchObject({ code: "CONFLICT" });
    }
    expect(await h.prisma.user.count({ where: { username: { startsWith: "admin" } } })).toBe(1);
    expect(await anon.auth.setupStatus()).toEqual({ needsSetup: false });
    // The winner is an Administrator everywhere.
    const admin = await h.prisma.user.findFirstOrThrow({ where: { username: { startsWith: "admin" } } });
    const actor = await h.actorFor(admin.id);
    expect(actor.permissions.everywhere.has("role.manage")).toBe(true);
  });
});

describe("sign-in", () => {
  it("signs in with a password and sets an httpOnly SameSite cookie that authenticates", async () => {
    const user = await h.makeUser([], "alice");
    const anon = h.caller(null);
    expect(await anon.auth.login({ username: "Alice", password: TEST_PASSWORD })).toMatchObject({ status: "ok" });
    const token = cookieToken(anon.cookies);
    const actor = await authenticate(h.services, { cookie: `${SESSION_COOKIE}=${token}` });
    expect(actor?.userId).toBe(user.id);
    expect(actor?.via).toBe("session");
  });

  it("says the same for an unknown user and a wrong password", async () => {
    await h.makeUser([], "bob");
    await expect(
      h.caller(null, { ip: "10.9.9.1" }).auth.login({ username: "bob", password: "wrong password!!" }),
    ).rejects.toThrow("Wrong username or password.");
    await expect(
      h.caller(null, { ip: "10.9.9.1" }).auth.login({ username: "nobody", password: "wrong password!!" }),
    ).rejects.toThrow("Wrong username or password.");
  });

  it("slows down repeated failures, then locks the account, and the lock is in the database", async () => {
    await h.makeUser([], "carol");
    const started = Date.now();
    let lastCode = "";
    for (let i = 0; i < THROTTLE.lockAfter; i++) {
      lastCode = await codeOf(
        h.caller(null, { ip: `10.1.0.${i}` }).auth.login({ username: "carol", password: "not the password" }),
      );
    }
    expect(lastCode).toBe("TOO_MANY_REQUESTS");
    expect(Date.now() - started).toBeGreaterThan(1000); // the later attempts were held back
    // Now even the right password is refused, with a message that says why and for how long.
    await expect(
      h.caller(null, { ip: "10.2.0.1" }).auth.login({ username: "carol", password: TEST_PASSWORD }),
    ).rejects.toThrow(/this account is locked for \d+ more minute/);
    const row = await h.prisma.loginThrottle.findUniqueOrThrow({ where: { key: "user:carol" } });
    expect(row.lockedUntil!.getTime()).toBeGreaterThan(Date.now());
  });

  it("locks a source address that sprays many accounts", async () => {
    const ip = "10.3.3.3";
    let lastCode = "";
    for (let i = 0; i < THROTTLE.lockAfter; i++) {
      lastCode = await codeOf(
        h.caller(null, { ip }).auth.login({ username: `spray${i}`, password: "not the password" }),
      );
    }
    expect(lastCode).toBe("TOO_MANY_REQUESTS");
    await h.makeUser([], "dave");
    await expect(h.caller(null, { ip }).auth.login({ username: "dave", password: TEST_PASSWORD })).rejects.toThrow(
      /your address is locked/,
    );
  });

  it("refuses a disabled account and ends its sessions", async () => {
    const admin = await h.makeUser([{ role: "Administrator" }]);
    const user = await h.makeUser([], "erin");
    const anon = h.caller(null);
    await anon.auth.login({ username: "erin", password: TEST_PASSWORD });
    const token = cookieToken(anon.cookies);
    await h.caller(await h.actorFor(admin.id)).users.update({ id: user.id, disabled: true });
    expect(await authenticate(h.services, { cookie: `${SESSION_COOKIE}=${token}` })).toBeNull();
    await expect(h.caller(null).auth.login({ username: "erin", password: TEST_PASSWORD })).rejects.toThrow("disabled");
  });
});

describe("sessions", () => {
  it("expire after the idle limit and at the absolute limit", async () => {
    await h.makeUser([], "frank");
    const limits = { idleMs: 60_000, absoluteMs: 3_600_000 };
    const a = h.caller(null);
    await a.auth.login({ username: "frank", password: TEST_PASSWORD });
    const idleToken = cookieToken(a.cookies);
    expect(await resolveSession(h.prisma, idleToken, limits)).not.toBeNull();
    const { sha256 } = await import("./tokens");
    await h.prisma.session.update({
      where: { id: sha256(idleToken) },
      data: { lastSeenAt: new Date(Date.now() - 61_000) },
    });
    expect(await resolveSession(h.prisma, idleToken, limits)).toBeNull();
    expect(await h.prisma.session.findUnique({ where: { id: sha256(idleToken) } })).toBeNull();

    const b = h.caller(null);
    await b.auth.login({ username: "frank", password: TEST_PASSWORD });
    const oldToken = cookieToken(b.cookies);
    await h.prisma.session.update({ where: { id: sha256(oldToken) }, data: { expiresAt: new Date(Date.now() - 1) } });
    expect(await resolveSession(h.prisma, oldToken, limits)).toBeNull();
  });

  it("lists one's sessions, and sign-out everywhere ends them all", async () => {
    const user = await h.makeUser([], "grace");
    for (let i = 0; i < 3; i++) await h.caller(null).auth.login({ username: "grace", password: TEST_PASSWORD });
    const me = h.caller({ ...(await h.actorFor(user.id, "session")) }, { origin: "http://s.test", host: "s.test" });
    expect(await me.auth.sessions()).toHaveLength(3);
    expect(await me.auth.logoutEverywhere()).toEqual({ ended: 3 });
    expect(await h.prisma.session.count({ where: { userId: user.id } })).toBe(0);
  });
});

describe("API tokens", () => {
  it("are shown once, stored hashed, act as their owner, and stop working when revoked", async () => {
    const user = await h.makeUser([{ role: "Read-only" }], "heidi");
    const me = h.caller(await h.actorFor(user.id));
    const { token, id } = await me.tokens.create({ name: "ci", expiresInDays: 30 });
    expect(token).toMatch(/^sdt_/);
    const stored = await h.prisma.apiToken.findUniqueOrThrow({ where: { id } });
    expect(JSON.stringify(stored)).not.toContain(token);
    expect((await me.tokens.list())[0]).not.toHaveProperty("hash");

    const actor = await authenticate(h.services, { authorization: `Bearer ${token}` });
    expect(actor).toMatchObject({ userId: user.id, via: "token" });
    expect(actor!.permissions.everywhere.has("container.read")).toBe(true);

    await me.tokens.revoke({ id });
    await expect(authenticate(h.services, { authorization: `Bearer ${token}` })).rejects.toThrow(BadCredentialsError);
    await expect(authenticate(h.services, { authorization: "Bearer sdt_made-up" })).rejects.toThrow(
      BadCredentialsError,
    );
  });

  it("expire", async () => {
    const user = await h.makeUser([], "ivan");
    const { token, id } = await h.caller(await h.actorFor(user.id)).tokens.create({ name: "short", expiresInDays: 1 });
    await h.prisma.apiToken.update({ where: { id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await expect(authenticate(h.services, { authorization: `Bearer ${token}` })).rejects.toThrow(BadCredentialsError);
  });
});

describe("two-factor", () => {
  it("enrols with a code, then demands one at sign-in, refuses replays, and takes a recovery code once", async () => {
    const user = await h.makeUser([], "judy");
    const me = h.caller(await h.actorFor(user.id));
    const { secret, uri, qrDataUrl } = await me.auth.totpStart();
    expect(uri).toContain("otpauth://totp/");
    expect(qrDataUrl).toMatch(/^data:image\/png;base64,/);
    const stored = await h.prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(stored.totpSecret).not.toContain(secret); // encrypted at rest
    await expect(me.auth.totpConfirm({ code: "000000" })).rejects.toThrow(/not right/);
    const { recoveryCodes } = await me.auth.totpConfirm({ code: await currentTotp(secret) });
    expect(recoveryCodes).toHaveLength(10);

    expect(await h.caller(null).auth.login({ username: "judy", password: TEST_PASSWORD })).toEqual({
      status: "totp_required",
    });
    await expect(
      h.caller(null).auth.login({ username: "judy", password: TEST_PASSWORD, totp: "123456" }),
    ).rejects.toThrow(/Wrong two-factor code|already used/);
    // The code used to confirm enrolment cannot be replayed to sign in.
    await expect(
      h.caller(null).auth.login({ username: "judy", password: TEST_PASSWORD, totp: await currentTotp(secret) }),
    ).rejects.toThrow(/already used/);

    const withRecovery = h.caller(null);
    expect(
      await withRecovery.auth.login({ username: "judy", password: TEST_PASSWORD, totp: recoveryCodes[0] }),
    ).toMatchObject({
      status: "ok",
    });
    await expect(
      h.caller(null).auth.login({ username: "judy", password: TEST_PASSWORD, totp: recoveryCodes[0] }),
    ).rejects.toThrow(/already used/);
  });

  it("when required by an admin, blocks permissioned calls until the user enrols; an admin can reset it", async () => {
    const admin = await h.makeUser([{ role: "Administrator" }]);
    const user = await h.makeUser([{ role: "Read-only" }], "ken");
    const adminApi = h.caller(await h.actorFor(admin.id));
    await adminApi.settings.update({ requireTwoFactor: true });
    const anon = h.caller(null);
    await anon.auth.login({ username: "ken", password: TEST_PASSWORD });
    const actor = await authenticate(h.services, { cookie: `${SESSION_COOKIE}=${cookieToken(anon.cookies)}` });
    expect(actor?.mustEnrollTotp).toBe(true);
    await expect(h.caller(actor).environments.list()).rejects.toThrow(/two-factor/);
    await adminApi.settings.update({ requireTwoFactor: false });

    await h.prisma.user.update({ where: { id: user.id }, data: { totpEnabled: true, totpSecret: "x" } });
    await adminApi.users.resetTotp({ id: user.id });
    expect((await h.prisma.user.findUniqueOrThrow({ where: { id: user.id } })).totpEnabled).toBe(false);
  });
});

describe("teams and scopes", () => {
  it("a team's binding on one environment reaches its members there and nowhere else", async () => {
    const admin = h.caller(await h.actorFor((await h.makeUser([{ role: "Administrator" }])).id));
    const prod = await h.makeEnvironment("prod");
    const staging = await h.makeEnvironment("staging");
    const team = await admin.teams.create({ name: "ops" });
    const operator = await h.prisma.role.findUniqueOrThrow({ where: { name: "Operator" } });
    await admin.bindings.create({ roleId: operator.id, teamId: team.id, environmentId: staging.id });
    const user = await h.makeUser([], "leo");
    await admin.teams.addMember({ teamId: team.id, userId: user.id });

    const leo = h.caller(await h.actorFor(user.id));
    expect((await leo.environments.list()).map((e) => e.name)).toEqual(["staging"]);
    expect(await leo.environments.get({ environmentId: staging.id })).toMatchObject({ name: "staging" });
    // Refused on prod, with the same answer whether or not it exists.
    expect(await codeOf(leo.environments.get({ environmentId: prod.id }))).toBe("FORBIDDEN");
    expect(await codeOf(leo.environments.get({ environmentId: "no-such-env" }))).toBe("FORBIDDEN");
    // Leaving the team takes it away.
    await admin.teams.removeMember({ teamId: team.id, userId: user.id });
    expect(await codeOf(h.caller(await h.actorFor(user.id)).environments.list())).toBe("FORBIDDEN");
  });
});

describe("nobody grants what they do not hold", () => {
  it("a role manager without user.manage cannot bind Administrator, create a role with it, or manage an admin", async () => {
    const managerRole = await h.makeRole(["role.manage", "user.manage", "environment.read"]);
    const manager = h.caller(await h.actorFor((await h.makeUser([{ role: managerRole.name }])).id));
    const admin = await h.prisma.role.findUniqueOrThrow({ where: { name: "Administrator" } });
    const target = await h.makeUser([], "mallory");

    const before = await h.snapshot();
    expect(await codeOf(manager.bindings.create({ roleId: admin.id, userId: target.id, environmentId: null }))).toBe(
      "FORBIDDEN",
    );
    expect(await codeOf(manager.roles.create({ name: "sneaky", permissions: ["container.exec"] }))).toBe("FORBIDDEN");
    const anAdmin = await h.makeUser([{ role: "Administrator" }]);
    const mid = await h.snapshot();
    expect(await codeOf(manager.users.resetPassword({ id: anAdmin.id, password: "a brand new passphrase" }))).toBe(
      "FORBIDDEN",
    );
    expect(await h.snapshot()).toEqual(mid);
    // What they hold, they may grant.
    const readRole = await h.makeRole(["environment.read"]);
    expect(await codeOf(manager.bindings.create({ roleId: readRole.id, userId: target.id, environmentId: null }))).toBe(
      "OK",
    );
    expect(before).toBeDefined();
  });

  it("keeps the last Administrator binding", async () => {
    const admin = h.caller(await h.actorFor((await h.makeUser([{ role: "Administrator" }])).id));
    const bindings = await admin.bindings.list();
    const adminBindings = bindings.filter((b) => b.role.name === "Administrator" && b.environmentId === null);
    for (const b of adminBindings.slice(1)) await admin.bindings.remove({ id: b.id });
    await expect(admin.bindings.remove({ id: adminBindings[0]!.id })).rejects.toThrow(/last Administrator/);
  });
});

describe("cross-site requests", () => {
  it("refuses a mutation from a foreign Origin and a cookie-signed mutation without Origin", async () => {
    const user = await h.makeUser([], "niaj");
    const viaCookie = await h.actorFor(user.id, "session");
    expect(
      await codeOf(
        h
          .caller(viaCookie, { origin: "https://evil.example", host: "stevedore.test" })
          .tokens.create({ name: "x", expiresInDays: 1 }),
      ),
    ).toBe("FORBIDDEN");
    expect(
      await codeOf(
        h.caller(viaCookie, { origin: null, host: "stevedore.test" }).tokens.create({ name: "x", expiresInDays: 1 }),
      ),
    ).toBe("FORBIDDEN");
    expect(
      await codeOf(
        h
          .caller(viaCookie, { origin: "http://stevedore.test", host: "stevedore.test" })
          .tokens.create({ name: "x", expiresInDays: 1 }),
      ),
    ).toBe("OK");
    // Login CSRF: a foreign page cannot sign a browser in.
    expect(
      await codeOf(
        h
          .caller(null, { origin: "https://evil.example", host: "stevedore.test" })
          .auth.login({ username: "niaj", password: TEST_PASSWORD }),
      ),
    ).toBe("FORBIDDEN");
  });
});
