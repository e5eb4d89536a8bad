// The audit trail against the real database: one event per mutation, denied calls,
// tampering found at the right event, fail-closed writes, redaction, concurrency,
// pruning and crash reconciliation.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { codeOf, callPath } from "../testing/calls";
import { openHarness, type Harness } from "../testing/harness";
import { appRouter } from "../transport/trpc/root";
import type { Actor } from "../core/context";
import { reconcileOpenIntents } from "./reconcile";
import { verifyAuditChain } from "./verify";

let h: Harness;
let admin: Actor;
/** The whole chain checked with the harness's key, and nothing anchored outside. */
const verify = () => verifyAuditChain(h.prisma, { chainKey: h.services.secrets.deriveKey("audit-chain") });

beforeAll(async () => {
  h = await openHarness();
  admin = await h.actorFor((await h.makeUser([{ role: "Administrator" }], "auditor-admin")).id);
});
afterAll(async () => {
  await h?.close();
});

/** JSON of database rows (chainSeq is a bigint). */
const dump = (value: unknown) => JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));

const mutations = Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>)
  .filter(([, p]) => p._def.type === "mutation")
  .map(([path]) => path);

describe("every mutation is on the record", () => {
  it.each(mutations)("%s leaves exactly one event with actor, action, target and outcome", async (path) => {
    const env = await h.makeEnvironment(`audit-${path}`);
    const input = { environmentId: env.id, id: `target-of-${path}` };
    const before = await h.prisma.auditEvent.count();
    const code = await codeOf(callPath(h.caller(admin), path, input));
    const events = await h.prisma.auditEvent.findMany({ where: { action: path }, orderBy: { time: "desc" }, take: 2 });
    expect(await h.prisma.auditEvent.count()).toBe(before + 1);
    const event = events[0]!;
    expect(event.actorUserId).toBe(admin.userId);
    expect(event.actorUsername).toBe(admin.username);
    expect(event.outcome).toBe(
      code === "OK" ? "ok" : ["UNAUTHORIZED", "FORBIDDEN", "TOO_MANY_REQUESTS"].includes(code) ? "denied" : "error",
    );
    expect(event.chainSeq).not.toBeNull();
    expect(event.environmentId).toBe(env.id);
    if (code !== "OK") expect(event.error).toBeTruthy();
    expect(event.targetKind).toBeTruthy();
    expect(event.targetId).toBe(`target-of-${path}`);
  });

  it("records a refused call as denied, query or mutation", async () => {
    const nobody = await h.actorFor((await h.makeUser([], "no-rights")).id);
    expect(await codeOf(h.caller(nobody).users.list())).toBe("FORBIDDEN");
    expect(await codeOf(h.caller(nobody).users.remove({ id: admin.userId }))).toBe("FORBIDDEN");
    const denied = await h.prisma.auditEvent.findMany({
      where: { actorUserId: nobody.userId },
      orderBy: { chainSeq: "asc" },
    });
    expect(denied.map((e) => [e.action, e.outcome, e.permission])).toEqual([
      ["users.list", "denied", "user.manage"],
      ["users.remove", "denied", "user.manage"],
    ]);
    expect(denied[1]!.targetId).toBe(admin.userId);
  });

  it("records a failed sign-in with the attempted username and a successful one with its user", async () => {
    const user = await h.makeUser([], "signer");
    await codeOf(h.caller(null, { ip: "10.7.7.7" }).auth.login({ username: "signer", password: "definitely wrong" }));
    await h
      .caller(null, { ip: "10.7.7.8" })
      .auth.login({ username: "signer", password: "correct horse battery staple" });
    const events = await h.prisma.auditEvent.findMany({
      where: { action: "auth.login", actorUsername: "signer" },
      orderBy: { chainSeq: "asc" },
    });
    expect(events.map((e) => [e.outcome, e.ip, e.actorUserId])).toEqual([
      ["denied", "10.7.7.7", null],
      ["ok", "10.7.7.8", user.id],
    ]);
    expect(dump(events)).not.toContain("definitely wrong");
    expect(dump(events)).not.toContain("correct horse");
  });
});

describe("secrets never reach the record", () => {
  it("redacts passwords and secret-looking environment variables in events and exports", async () => {
    const api = h.caller(admin);
    await api.users.create({ username: "redact-me", password: "a secret passphrase 77" });
    // Unknown fields are kept in the record as sent (what was attempted), redacted.
    await codeOf(
      callPath(api, "environments.create", {
        name: "e",
        url: "unix:///tmp/stevedore-no-such.sock",
        env: ["DB_PASSWORD=hunter2-db"],
        registryPassword: "reg-pw-9",
      }),
    );
    const stored = dump(await h.prisma.auditEvent.findMany());
    for (const secret of ["a secret passphrase 77", "hunter2-db", "reg-pw-9"]) expect(stored).not.toContain(secret);
    for (const format of ["csv", "ndjson"] as const) {
      const { content } = await api.audit.export({ format });
      for (const secret of ["a secret passphrase 77", "hunter2-db", "reg-pw-9"]) expect(content).not.toContain(secret);
      expect(content).toContain("redact-me");
    }
  });
});

describe("fail closed", () => {
  it("a mutation whose event cannot be written does not run, and the caller is told why", async () => {
    const api = h.caller(admin);
    // A real fault: the table the writer needs is gone for a moment.
    await h.prisma.$executeRawUnsafe(`ALTER TABLE "AuditEvent" RENAME TO "AuditEvent_away"`);
    try {
      await expect(
        api.environments.create({ name: "must-not-exist", url: "unix:///tmp/stevedore-no-such.sock", skipTest: true }),
      ).rejects.toThrow(/audit trail cannot be written, so nothing was done/);
    } finally {
      await h.prisma.$executeRawUnsafe(`ALTER TABLE "AuditEvent_away" RENAME TO "AuditEvent"`);
    }
    expect(await h.prisma.environment.findUnique({ where: { name: "must-not-exist" } })).toBeNull();
  });
});

describe("the hash chain", () => {
  beforeEach(async () => {
    await h.services.audit.settled();
    await h.prisma.$executeRawUnsafe(`TRUNCATE "AuditEvent", "AuditCheckpoint"`);
    const api = h.caller(admin);
    for (let i = 0; i < 10; i++) await api.teams.create({ name: `chain-${Date.now()}-${i}` });
  });

  async function eventAt(n: number) {
    const rows = await h.prisma.auditEvent.findMany({ orderBy: { chainSeq: "asc" } });
    return rows[n]!;
  }

  it("verifies when untouched: each action is two links, its intent and its completion", async () => {
    expect(await verify()).toMatchObject({ ok: true, checked: 20, firstBad: null, from: "1", through: "20" });
  });

  it("names an edited event", async () => {
    const victim = await eventAt(4);
    await h.prisma.$executeRaw`UPDATE "AuditEvent" SET "actorUsername" = 'someone-else' WHERE id = ${victim.id}`;
    const result = await verify();
    expect(result.ok).toBe(false);
    expect(result.firstBad).toMatchObject({ chainSeq: victim.chainSeq!.toString(), id: victim.id });
    expect(result.firstBad!.problem).toMatch(/changed/);
  });

  it("names an edited outcome", async () => {
    const victim = await eventAt(2);
    await h.prisma.$executeRaw`UPDATE "AuditEvent" SET outcome = 'denied' WHERE id = ${victim.id}`;
    const result = await verify();
    expect(result.firstBad).toMatchObject({ chainSeq: victim.completionSeq!.toString(), id: victim.id });
    expect(result.firstBad!.problem).toMatch(/outcome .* was changed/);
  });

  it("names a deleted event", async () => {
    const victim = await eventAt(6);
    await h.prisma.$executeRaw`DELETE FROM "AuditEvent" WHERE id = ${victim.id}`;
    const result = await verify();
    expect(result.firstBad).toMatchObject({ chainSeq: victim.chainSeq!.toString() });
    expect(result.firstBad!.problem).toMatch(/missing/);
  });

  it("names an inserted event", async () => {
    const at = await eventAt(3);
    const after = at.completionSeq!;
    // Make room after the fourth event's completion and slip a forged event in, with a plausible hash.
    for (const column of ["chainSeq", "completionSeq"]) {
      await h.prisma.$executeRawUnsafe(
        `UPDATE "AuditEvent" SET "${column}" = "${column}" + 1000 WHERE "${column}" > ${after}`,
      );
      await h.prisma.$executeRawUnsafe(
        `UPDATE "AuditEvent" SET "${column}" = "${column}" - 999 WHERE "${column}" > ${after + 1000n}`,
      );
    }
    await h.prisma.$executeRaw`
      INSERT INTO "AuditEvent" (id, "chainSeq", time, action, outcome, "prevHash", hash)
      VALUES ('forged', ${after + 1n}, now(), 'users.remove', 'ok', ${at.completionHash}, ${"f".repeat(64)})`;
    const result = await verify();
    expect(result.firstBad).toMatchObject({ chainSeq: (after + 1n).toString(), id: "forged" });
  });

  it("names an event slipped in outside the chain", async () => {
    await h.prisma.$executeRaw`
      INSERT INTO "AuditEvent" (id, time, action, outcome) VALUES ('unchained', now(), 'users.remove', 'pending')`;
    const result = await verify();
    expect(result.firstBad).toMatchObject({ id: "unchained" });
    expect(result.firstBad!.problem).toMatch(/outside the chain/);
  });

  it("stays one chain under concurrent writers", async () => {
    const api = h.caller(admin);
    await Promise.all(Array.from({ length: 25 }, (_, i) => api.teams.create({ name: `race-${Date.now()}-${i}` })));
    const rows = await h.prisma.auditEvent.findMany();
    const seqs = rows
      .flatMap((r) => [r.chainSeq, r.completionSeq])
      .map(Number)
      .sort((a, b) => a - b);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect(await verify()).toMatchObject({ ok: true, checked: 70 });
  });

  it("prunes old events and still verifies from the signed checkpoint", async () => {
    const fifth = await eventAt(4);
    await h.prisma
      .$executeRaw`UPDATE "AuditEvent" SET time = now() - interval '400 days' WHERE "chainSeq" <= ${fifth.chainSeq}`;
    expect(await h.services.audit.prune(new Date(Date.now() - 365 * 86_400_000))).toBe(5);
    expect(await verify()).toMatchObject({ ok: true, checked: 10, from: "11" });
    await h.caller(admin).teams.create({ name: `after-prune-${Date.now()}` });
    expect(await verify()).toMatchObject({ ok: true, checked: 12 });
  });

  it("does not cut through an action that was still running", async () => {
    const open = await h.services.audit.begin({ action: "environments.remove", actorUsername: "slow" });
    await h.caller(admin).teams.create({ name: `meanwhile-${Date.now()}` });
    // Old, all of them (as far as retention can tell; the kept ones' times are put back after).
    const times = await h.prisma.auditEvent.findMany({ select: { id: true, time: true } });
    await h.prisma.$executeRaw`UPDATE "AuditEvent" SET time = now() - interval '400 days'`;
    // Everything before the open intent goes; the intent and what follows it stay.
    expect(await h.services.audit.prune(new Date(Date.now() - 365 * 86_400_000))).toBe(10);
    for (const { id, time } of times) await h.prisma.auditEvent.updateMany({ where: { id }, data: { time } });
    await h.services.audit.complete(open, { outcome: "ok" });
    expect(await verify()).toMatchObject({ ok: true, from: "21", checked: 4 });
  });

  it("completes intents left open by a crash as interrupted", async () => {
    const id = await h.services.audit.begin({ action: "environments.remove", actorUsername: "ghost" });
    expect(await reconcileOpenIntents(h.prisma, h.services.audit)).toEqual({ completed: 1, failed: 0 });
    const row = await h.prisma.auditEvent.findUniqueOrThrow({ where: { id } });
    expect(row.outcome).toBe("interrupted");
    expect(await verify()).toMatchObject({ ok: true, checked: 22 });
  });
});

describe("an intent is on the record from the moment it is written", () => {
  it("is listed, exported and verified while its action runs, and completed in place", async () => {
    const api = h.caller(admin);
    const id = await h.services.audit.begin({
      action: "containers.restart",
      actorUserId: admin.userId,
      actorUsername: admin.username,
      targetKind: "container",
      targetId: "still-running-intent",
    });
    const listed = await api.audit.list({ target: "still-running-intent" });
    expect(listed.items).toEqual([expect.objectContaining({ id, outcome: "pending" })]);
    expect(listed.items[0]!.chainSeq).not.toBeNull();
    const exported = await api.audit.export({ format: "ndjson", target: "still-running-intent" });
    expect(exported.content).toContain(`"id":"${id}"`);
    expect(exported.content).toContain(`"outcome":"pending"`);
    const pending = await verify();
    expect(pending.ok).toBe(true);
    await h.services.audit.complete(id, { outcome: "ok", durationMs: 12, patch: { targetName: "web-1" } });
    const done = await api.audit.get({ id });
    expect(done).toMatchObject({ outcome: "ok", durationMs: 12, targetName: "web-1" });
    expect(Number(done.completionSeq)).toBeGreaterThan(Number(done.chainSeq));
    expect(await verify()).toMatchObject({ ok: true, checked: pending.checked + 1 });
  });
});

describe("search and export", () => {
  it("filters by actor, action, outcome and target text; exports what the filter shows", async () => {
    const api = h.caller(admin);
    await api.teams.create({ name: "findable-team-xyz" });
    const byTarget = await api.audit.list({ target: "findable-team" });
    expect(byTarget.items.map((e) => e.action)).toEqual(["teams.create"]);
    const byActor = await api.audit.list({ actor: admin.username, action: "teams.", outcome: "ok", limit: 500 });
    expect(byActor.items.every((e) => e.actorUsername === admin.username && e.action.startsWith("teams."))).toBe(true);
    const csv = await api.audit.export({ format: "csv", target: "findable-team" });
    expect(csv.count).toBe(1);
    expect(csv.content.split("\r\n")[0]).toMatch(/^chainSeq,time,actorUsername/);
    expect(csv.content).toContain("findable-team-xyz");
  });
});

describe("revocation", () => {
  it("ends an open live tail within seconds of the permission being taken away", async () => {
    const role = await h.makeRole(["audit.read"]);
    const user = await h.makeUser([{ role: role.name }]);
    const stream = await h.caller(await h.actorFor(user.id)).audit.tail();
    const ended = (async () => {
      for await (const event of stream) void event; // whatever arrives meanwhile
      return performance.now();
    })();
    await h.caller(admin).teams.create({ name: `tail-${Date.now()}` }); // the tail is live
    const revokedAt = performance.now();
    await h.prisma.roleBinding.deleteMany({ where: { userId: user.id } });
    // The re-check runs every 2 s; the bound is loose for a loaded machine, and finite (an
    // unchecked tail would stay open).
    expect((await ended) - revokedAt).toBeLessThan(20_000);
  }, 40_000);
});
