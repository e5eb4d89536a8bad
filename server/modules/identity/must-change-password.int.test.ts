// "Must change password" (issue #18 item 10): an administrator who creates a user or resets a
// password can require a new one at first sign-in. Until it is changed, that user's calls are
// refused with a message that says what to do, except signing out and changing the password;
// the refusals and the change are on the record.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { codeOf } from "../../testing/calls";
import { openHarness, type Harness } from "../../testing/harness";
import { authenticate } from "../../auth/authenticate";
import { SESSION_COOKIE } from "../../auth/sessions";
import type { Actor } from "../../core/context";

let h: Harness;
let admin: Actor;
beforeAll(async () => {
  h = await openHarness();
  admin = await h.actorFor((await h.makeUser([{ role: "Administrator" }])).id);
});
afterAll(async () => {
  await h?.close();
});

/** A browser's call: its session cookie, from Stevedore's own page. */
const page = { origin: "http://stevedore.test", host: "stevedore.test" };
const firstPassword = "a first passphrase from the admin";
const ownPassword = "my very own passphrase 2026";

/** Signs in as a browser would and returns the actor its session cookie authenticates as. */
async function signInAs(username: string, password: string): Promise<Actor> {
  const anon = h.caller(null);
  const outcome = await anon.auth.login({ username, password });
  expect(outcome.status).toBe("ok");
  const cookie = anon.cookies.find((c) => c.startsWith(`${SESSION_COOKIE}=`))!.split(";")[0]!;
  const actor = await authenticate(h.services, { cookie });
  expect(actor).not.toBeNull();
  return actor!;
}

describe("must change password", () => {
  it("a new user required to change it is refused everything but the change, then works", async () => {
    const created = await h.caller(admin).users.create({
      username: "newcomer",
      password: firstPassword,
      mustChangePassword: true,
    });
    const operator = await h.prisma.role.findUniqueOrThrow({ where: { name: "Operator" } });
    await h.prisma.roleBinding.create({ data: { roleId: operator.id, userId: created.id, environmentId: null } });

    const pending = await signInAs("newcomer", firstPassword);
    expect(pending.mustChangePassword).toBe(true);
    const api = h.caller(pending, page);
    expect((await api.auth.me())?.mustChangePassword).toBe(true);

    // Reads, changes, one's own tokens: refused, with what to do.
    await expect(api.environments.list()).rejects.toThrow(/Choose a new password first/);
    expect(await codeOf(api.containers.list({}))).toBe("FORBIDDEN");
    expect(await codeOf(api.tokens.create({ name: "sneaky", expiresInDays: 1 }))).toBe("FORBIDDEN");
    expect(await codeOf(api.tokens.list())).toBe("FORBIDDEN");
    expect(await h.prisma.apiToken.count({ where: { userId: created.id } })).toBe(0);
    // The refusal is on the record.
    await vi.waitFor(
      async () =>
        expect(
          await h.prisma.auditEvent.count({
            where: { actorUserId: created.id, action: "tokens.create", outcome: "denied" },
          }),
        ).toBe(1),
      { timeout: 10_000 },
    );

    // The change itself is allowed (and checks the password as ever).
    expect(
      await codeOf(api.auth.changePassword({ currentPassword: "not it at all!!", newPassword: ownPassword })),
    ).toBe("BAD_REQUEST");
    // Keeping the same password is no change: the requirement stays.
    await expect(
      api.auth.changePassword({ currentPassword: firstPassword, newPassword: firstPassword }),
    ).rejects.toThrow(/different from the current one/);
    expect((await api.auth.me())?.mustChangePassword).toBe(true);
    await api.auth.changePassword({ currentPassword: firstPassword, newPassword: ownPassword });
    const changed = await h.prisma.auditEvent.findFirst({
      where: { actorUserId: created.id, action: "auth.changePassword", outcome: "ok" },
    });
    expect(changed).not.toBeNull();
    expect(JSON.stringify(changed!.params)).not.toContain(ownPassword);

    const after = await signInAs("newcomer", ownPassword);
    expect(after.mustChangePassword).toBe(false);
    expect(Array.isArray(await h.caller(after).environments.list())).toBe(true);
  });

  it("signing out is allowed while the change is pending", async () => {
    await h.caller(admin).users.create({ username: "leaver", password: firstPassword, mustChangePassword: true });
    const pending = await signInAs("leaver", firstPassword);
    expect(await codeOf(h.caller(pending, page).auth.logout())).toBe("OK");
  });

  it("a user created without the requirement is not asked; a reset asks unless the admin says not to", async () => {
    const created = await h.caller(admin).users.create({ username: "plain", password: firstPassword });
    expect((await signInAs("plain", firstPassword)).mustChangePassword).toBe(false);
    expect((await h.caller(admin).users.list()).find((u) => u.id === created.id)?.mustChangePassword).toBe(false);

    await h.caller(admin).users.resetPassword({ id: created.id, password: "reset by the admin once" });
    expect((await signInAs("plain", "reset by the admin once")).mustChangePassword).toBe(true);
    expect((await h.caller(admin).users.list()).find((u) => u.id === created.id)?.mustChangePassword).toBe(true);

    await h.caller(admin).users.resetPassword({
      id: created.id,
      password: "reset by the admin twice",
      mustChangePassword: false,
    });
    expect((await signInAs("plain", "reset by the admin twice")).mustChangePassword).toBe(false);
  });
});
