// Identity against the real database: setup, sign-in throttling, sessions, tokens, TOTP,
// teams and per-environment scoping, escalation and cross-site refusal.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codeOf } from "../testing/calls";
import { openHarness, TEST_PASSWORD, type Harness } from "../testing/harness";
import { authenticate, BadCredentialsError } from "./authenticate";
import { resolveSession, SESSION_COOKIE } from "./sessions";
import { issueSetupCode, SETUP_CODE_KEY } from "../modules/identity/first-start";
import { DEVICE_COOKIE } from "./device";
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
  it("asks for the setup code, refuses weak passwords, and creates exactly one admin under a race", async () => {
    const anon = h.caller(null);
    expect(await anon.auth.setupStatus()).toEqual({ needsSetup: true });
    const account = { username: "root", password: "a long and unusual passphrase" };
    // No code issued yet (the server issues one at start), then a wrong one: refused, nothing made.
    expect(await codeOf(anon.auth.setup({ ...account, setupCode: "AAAAA-BBBBB-CCCCC-DDDDD" }))).toBe("FORBIDDEN");
    const setupCode = await issueSetupCode(h.prisma);
    expect(setupCode).toMatch(/^[0-9A-Z]{5}(-[0-9A-Z]{5}){3}$/);
    expect(await codeOf(anon.auth.setup({ ...account, setupCode: "AAAAA-BBBBB-CCCCC-DDDDD" }))).toBe("FORBIDDEN");
    expect(await h.prisma.user.count()).toBe(0);
    await expect(anon.auth.setup({ setupCode, username: "root", password: "short" })).rejects.toThrow(/at least 12/);
    await expect(anon.auth.setup({ setupCode, username: "root", password: "password1234" })).rejects.toThrow(
      /common passwords/,
    );
    const racers = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) =>
        h.caller(null).auth.setup({
          // Typed loosely: case, spaces and dashes do not matter.
          setupCode: i % 2 ? setupCode.toLowerCase() : setupCode.replaceAll("-", " "),
          username: `admin${i}`,
          password: "a long and unusual passphrase",
        }),
      ),
    );
    expect(racers.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    // The losers are told it is done (CONFLICT), or, when they arrive together with the
    // earlier failed try from the same address, to slow down (the setup is throttled too).
    for (const r of racers.filter((r): r is PromiseRejectedResult => r.status === "rejected")) {
      expect(["CONFLICT", "TOO_MANY_REQUESTS"]).toContain((r.reason as { code?: string }).code);
    }
    expect(await h.prisma.user.count({ where: { username: { startsWith: "admin" } } })).toBe(1);
    expect(await anon.auth.setupStatus()).toEqual({ needsSetup: false });
    // The code is spent with the setup.
    expect(await h.prisma.setting.findUnique({ where: { key: SETUP_CODE_KEY } })).toBeNull();
    // The winner is an Administrator everywhere.
    const admin = await h.prisma.user.findFirstOrThrow({ where: { username: { startsWith: "admin" } } });
    const actor = await h.actorFor(admin.id);
    expect(actor.permissions.everywhere.has("role.manage")).toBe(true);
  });
});

/** n addresses, one per attempt: an attacker with many addresses, so only the account's count limits. */
const spread = (i: number) => ({ ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` });

async function codes(attempts: Promise<unknown>[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const code of await Promise.all(attempts.map((a) => codeOf(a)))) counts[code] = (counts[code] ?? 0) + 1;
  return counts;
}

/**
 * The most attempts a throttle may check in `elapsedMs`: the free ones, then one per delay, each
 * twice the last. A burst that took this machine a while still checks only a handful.
 */
function mostChecked(free: number, elapsedMs: number, baseMs: number): number {
  return free + Math.ceil(Math.log2(elapsedMs / baseMs + 1));
}

/**
 * Holds a key's wait open for a minute, so that an attempt "too early" is too early however slow
 * this machine is (a 1 s delay can pass while one password is hashed under load). Returns the
 * wait the throttle itself set (windowStart to lockedUntil) and a function that puts it back.
 */
async function holdWaitOpen(key: string): Promise<{ delayMs: number; release: () => Promise<unknown> }> {
  const row = await h.prisma.loginThrottle.findUniqueOrThrow({ where: { key } });
  await h.prisma.loginThrottle.update({ where: { key }, data: { lockedUntil: new Date(Date.now() + 60_000) } });
  return {
    delayMs: row.lockedUntil!.getTime() - row.windowStart.getTime(),
    release: () => h.prisma.loginThrottle.update({ where: { key }, data: { lockedUntil: row.lockedUntil } }),
  };
}

/** Waits (on the clock the row names, not a guess) until the key may be tried again. */
async function untilAllowed(key: string): Promise<void> {
  const row = await h.prisma.loginThrottle.findUnique({ where: { key } });
  const wait = (row?.lockedUntil?.getTime() ?? 0) - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait + 20));
}

describe("sign-in", () => {
  it("signs in with a password and sets an httpOnly SameSite cookie that authenticates", async () => {
    const user = await h.makeUser([], "alice");
    const anon = h.caller(null);
    expect(await anon.auth.login({ username: "Alice", password: TEST_PASSWORD })).toMatchObject({ status: "ok" });
    const token = cookieToken(anon.cookies);
    const actor = await authenticate(h.services, { cookie: `${SESSION_COOKIE}=${token}` });
    expect(actor?.userId).toBe(user.id);
    expect(actor?.via).toBe("session");
    // …and a device cookie: this browser signed in to alice.
    expect(anon.cookies.find((c) => c.startsWith(`${DEVICE_COOKIE}=`))).toMatch(/HttpOnly/);
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

  it("slows a guesser down with growing delays, refusing early attempts unchecked, never for good", async () => {
    await h.makeUser([], "carol");
    const guess = (i: number, password = "not the password") =>
      h.caller(null, spread(1000 + i)).auth.login({ username: "carol", password });
    for (let i = 0; i < THROTTLE.account.free; i++) expect(await codeOf(guess(i))).toBe("UNAUTHORIZED");
    // The last free guess set the first delay.
    const wait = await holdWaitOpen("user:carol");
    expect(wait.delayMs).toBe(THROTTLE.account.baseMs);
    // Too early: even the right password is refused, unchecked, with how long to wait.
    await expect(guess(99, TEST_PASSWORD)).rejects.toThrow(/try again in \d+ seconds?/);
    const row = await h.prisma.loginThrottle.findUniqueOrThrow({ where: { key: "user:carol" } });
    expect(row.failures).toBe(THROTTLE.account.free); // the refused attempt was not counted
    // After the delay, the next guess is checked; the one after must wait twice as long.
    await wait.release();
    await untilAllowed("user:carol");
    expect(await codeOf(guess(100))).toBe("UNAUTHORIZED");
    const next = await h.prisma.loginThrottle.findUniqueOrThrow({ where: { key: "user:carol" } });
    expect(next.lockedUntil!.getTime() - next.windowStart.getTime()).toBe(2 * THROTTLE.account.baseMs);
    // The wait is bounded: the right password gets in once it is over.
    await untilAllowed("user:carol");
    expect(await guess(101, TEST_PASSWORD)).toMatchObject({ status: "ok" });
    expect(await h.prisma.loginThrottle.findUnique({ where: { key: "user:carol" } })).toBeNull();
  });

  it("checks only a handful of a burst of 300 guesses, the right one last", async () => {
    await h.makeUser([], "burst");
    let started = Date.now();
    const burst = await codes(
      Array.from({ length: 300 }, (_, i) =>
        h
          .caller(null, spread(2000 + i))
          .auth.login({ username: "burst", password: i === 299 ? TEST_PASSWORD : `guess number ${i}` }),
      ),
    );
    // Checked: a wrong password said so (UNAUTHORIZED), or the right one got in (OK); the
    // rest were refused before their password was looked at.
    const checked = (burst.UNAUTHORIZED ?? 0) + (burst.OK ?? 0);
    expect(checked).toBeLessThanOrEqual(
      mostChecked(THROTTLE.account.free, Date.now() - started, THROTTLE.account.baseMs),
    );
    expect(checked + burst.TOO_MANY_REQUESTS!).toBe(300);
    // One address spraying many accounts is slowed on its own count.
    started = Date.now();
    const sprayed = await codes(
      Array.from({ length: 100 }, (_, i) =>
        h.caller(null, { ip: "10.3.3.3" }).auth.login({ username: `spray${i}`, password: "not the password" }),
      ),
    );
    expect(sprayed.UNAUTHORIZED).toBeLessThanOrEqual(
      mostChecked(THROTTLE.address.free, Date.now() - started, THROTTLE.address.baseMs),
    );
    await h.makeUser([], "dave");
    // While that address must wait (a spray keeps it waiting), even a right password from it is refused.
    await h.prisma.loginThrottle.update({
      where: { key: "ip:10.3.3.3" },
      data: { lockedUntil: new Date(Date.now() + 60_000) },
    });
    await expect(
      h.caller(null, { ip: "10.3.3.3" }).auth.login({ username: "dave", password: TEST_PASSWORD }),
    ).rejects.toThrow(/from your address/);
  });

  it("does not let a stranger keep the real user out: a browser that signed in before still gets in", async () => {
    const user = await h.makeUser([], "judith");
    const usual = h.caller(null, { ip: "10.8.0.1" });
    await usual.auth.login({ username: "judith", password: TEST_PASSWORD });
    const device = usual.cookies
      .find((c) => c.startsWith(`${DEVICE_COOKIE}=`))!
      .split(";")[0]!
      .split("=")[1]!;
    // A stranger hammers the account from many addresses; after hours of it, new browsers
    // wait the longest delay (the row as such an attack leaves it).
    await codes(
      Array.from({ length: 20 }, (_, i) =>
        h.caller(null, spread(3000 + i)).auth.login({ username: "judith", password: "guess" }),
      ),
    );
    await h.prisma.loginThrottle.update({
      where: { key: "user:judith" },
      data: { failures: 500, lockedUntil: new Date(Date.now() + THROTTLE.account.capMs) },
    });
    expect(await codeOf(h.caller(null, spread(3100)).auth.login({ username: "judith", password: TEST_PASSWORD }))).toBe(
      "TOO_MANY_REQUESTS",
    );
    // The real user's browser is not slowed by it.
    expect(
      await h.caller(null, { ip: "10.8.0.1", device }).auth.login({ username: "judith", password: TEST_PASSWORD }),
    ).toMatchObject({ status: "ok" });
    // A made-up or edited device cookie, or one for another account, is a new browser.
    for (const forged of ["made-up", `${device.slice(0, -2)}xx`]) {
      expect(
        await codeOf(
          h
            .caller(null, { ip: "10.8.0.2", device: forged })
            .auth.login({ username: "judith", password: TEST_PASSWORD }),
        ),
      ).toBe("TOO_MANY_REQUESTS");
    }
    await h.makeUser([], "other-judith");
    expect(
      await codeOf(
        h
          .caller(null, { ip: "10.8.0.3", device })
          .auth.login({ username: "other-judith", password: "not the password" }),
      ),
    ).toBe("UNAUTHORIZED");
    // And an administrator can lift the slow-down for new browsers too.
    const admin = await h.actorFor((await h.makeUser([{ role: "Administrator" }])).id);
    const listed = (await h.caller(admin).users.list()).find((u) => u.id === user.id)!;
    expect(listed.signInSlowedDown?.failures).toBeGreaterThanOrEqual(THROTTLE.account.free);
    await h.caller(admin).users.unlock({ id: user.id });
    expect(
      await h.caller(null, { ip: "10.8.0.4" }).auth.login({ username: "judith", password: TEST_PASSWORD }),
    ).toMatchObject({ status: "ok" });
  });

  it("slows down password checks behind a session (change password, turning off two-factor)", async () => {
    const user = await h.makeUser([], "pat");
    const me = h.caller(await h.actorFor(user.id));
    for (let i = 0; i < THROTTLE.reauth.free; i++) {
      expect(
        await codeOf(me.auth.changePassword({ currentPassword: "wrong wrong wrong", newPassword: "x".repeat(3) })),
      ).toBe("BAD_REQUEST");
    }
    // The right password, too early: refused unchecked, by either door.
    const wait = await holdWaitOpen(`reauth:${user.id}`);
    expect(wait.delayMs).toBe(THROTTLE.reauth.baseMs);
    expect(
      await codeOf(me.auth.changePassword({ currentPassword: TEST_PASSWORD, newPassword: "a fresh new passphrase" })),
    ).toBe("TOO_MANY_REQUESTS");
    expect(await codeOf(me.auth.totpDisable({ password: TEST_PASSWORD }))).toBe("TOO_MANY_REQUESTS");
    const held = await h.prisma.loginThrottle.findUniqueOrThrow({ where: { key: `reauth:${user.id}` } });
    expect(held.failures).toBe(THROTTLE.reauth.free); // neither was counted
    // A burst once the wait is over: only a handful are checked.
    await wait.release();
    await untilAllowed(`reauth:${user.id}`);
    const started = Date.now();
    const burst = await codes(Array.from({ length: 50 }, () => me.auth.totpDisable({ password: "another wrong one" })));
    expect(50 - burst.TOO_MANY_REQUESTS!).toBeLessThanOrEqual(
      mostChecked(0, Date.now() - started, THROTTLE.reauth.baseMs),
    );
    await untilAllowed(`reauth:${user.id}`);
    expect(
      await me.auth.changePassword({ currentPassword: TEST_PASSWORD, newPassword: "a fresh new passphrase" }),
    ).toEqual({ ok: true });
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
    const me = h.caller(
      { ...(await h.actorFor(user.id, "session")) },
      { origin: "http://stevedore.test", host: "stevedore.test" },
    );
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
    await expect(admin.bindings.remove({ id: adminBindings[0]!.id })).rejects.toThrow(/no enabled Administrator/);
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
