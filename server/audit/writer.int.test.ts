// The writer under load and faults, against the real database: one queue in batches, nothing
// lost however many arrive at once, retried until written when the database fails for a while,
// intents refused (fail closed) rather than waited for forever, anonymous refusals grouped.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openHarness, type Harness } from "../testing/harness";
import { waitUntil } from "../testing/wait-until";
import { verifyAuditChain } from "./verify";
import { AuditWriter, AuditWriteError } from "./writer";

let h: Harness;
const key = () => h.services.secrets.deriveKey("audit-chain");
const verify = () => verifyAuditChain(h.prisma, { chainKey: key() });

beforeAll(async () => {
  h = await openHarness();
});
afterAll(async () => {
  await h?.close();
});
beforeEach(async () => {
  await h.services.audit.settled();
  await h.prisma.$executeRawUnsafe(`TRUNCATE "AuditEvent", "AuditCheckpoint"`);
});

describe("the append queue", () => {
  it("writes every event of a burst, in one gapless chain, beside actions begun and completed meanwhile", async () => {
    const writer = h.services.audit;
    const refusals = Array.from({ length: 2000 }, (_, i) =>
      writer.record({ action: "containers.list", ip: `10.1.${i % 250}.${i % 7}` }, { outcome: "denied", error: "x" }),
    );
    const actions = Array.from({ length: 20 }, async (_, i) => {
      const id = await writer.begin({ action: "containers.restart", actorUsername: "operator", targetId: `c${i}` });
      await writer.complete(id, { outcome: "ok", durationMs: i });
      return id;
    });
    await Promise.all([...refusals, ...actions]);
    const restarts = await h.prisma.auditEvent.findMany({ where: { action: "containers.restart" } });
    expect(restarts).toHaveLength(20);
    expect(restarts.every((r) => r.outcome === "ok" && r.completionSeq !== null)).toBe(true);
    expect(await h.prisma.auditEvent.count({ where: { action: "containers.list" } })).toBe(2000);
    expect(await verify()).toMatchObject({ ok: true, checked: 2040 });
  });

  it("retries what it cannot write until the database is back, and loses nothing", async () => {
    const lines: string[] = [];
    const writer = new AuditWriter(h.prisma, { chainKey: key(), log: (line) => lines.push(line) });
    const open = await Promise.all(
      Array.from({ length: 5 }, (_, i) => writer.begin({ action: "containers.stop", targetId: `s${i}` })),
    );
    await h.prisma.$executeRawUnsafe(`ALTER TABLE "AuditEvent" RENAME TO "AuditEvent_away"`);
    let restored = false;
    try {
      const completions = open.map((id) => writer.complete(id, { outcome: "ok" }));
      const wholes = Array.from({ length: 5 }, (_, i) =>
        writer.record({ action: "auth.login", actorUsername: `u${i}` }, { outcome: "denied", error: "wrong" }),
      );
      await waitUntil(() => lines.some((line) => /failed \(attempt \d+\), retrying/.test(line)), {
        ms: 20_000,
        everyMs: 20,
      });
      await h.prisma.$executeRawUnsafe(`ALTER TABLE "AuditEvent_away" RENAME TO "AuditEvent"`);
      restored = true;
      await Promise.all([...completions, ...wholes]);
    } finally {
      if (!restored) await h.prisma.$executeRawUnsafe(`ALTER TABLE "AuditEvent_away" RENAME TO "AuditEvent"`);
    }
    expect(await h.prisma.auditEvent.count({ where: { action: "containers.stop", outcome: "ok" } })).toBe(5);
    expect(await h.prisma.auditEvent.count({ where: { action: "auth.login" } })).toBe(5);
    expect(await verify()).toMatchObject({ ok: true, checked: 15 });
    await writer.close();
  });

  it("refuses an intent it cannot write in time (the action must not run unrecorded)", async () => {
    const writer = new AuditWriter(h.prisma, { chainKey: key(), intentDeadlineMs: 500, log: () => undefined });
    await h.prisma.$executeRawUnsafe(`ALTER TABLE "AuditEvent" RENAME TO "AuditEvent_away"`);
    try {
      await expect(writer.begin({ action: "environments.remove" })).rejects.toBeInstanceOf(AuditWriteError);
    } finally {
      await h.prisma.$executeRawUnsafe(`ALTER TABLE "AuditEvent_away" RENAME TO "AuditEvent"`);
    }
    await writer.close();
  });

  it("stores what the database would refuse (NUL, lone surrogates, deep and long input) instead of failing", async () => {
    const deep: unknown[] = [];
    let cursor = deep;
    for (let i = 0; i < 10_000; i++) cursor.push((cursor = []));
    const id = await h.services.audit.record(
      {
        action: "containers.create\u0000x",
        actorUsername: "nul\u0000name",
        targetName: "half \ud800 pair",
        params: { name: "a\u0000b", deep, long: "y".repeat(200_000), list: Array.from({ length: 5000 }, (_, i) => i) },
      },
      { outcome: "error", error: "bad\u0000input" },
    );
    const row = await h.prisma.auditEvent.findUniqueOrThrow({ where: { id } });
    expect(row.actorUsername).toBe("nul\u2400name");
    expect(row.targetName).toBe("half \ufffd pair");
    const params = row.params as { name: string; deep: unknown; long: string; list: unknown[] };
    expect(params.name).toBe("a\u2400b");
    expect(JSON.stringify(params.deep)).toMatch(/cut: nested deeper than 8 levels; sha256 of the whole: [0-9a-f]{64}/);
    expect(params.long).toMatch(/^y{1024}… \[cut [\d,]+ characters; sha256 of the whole: [0-9a-f]{64}\]$/);
    expect(params.list).toHaveLength(51);
    expect(params.list[50]).toMatch(/^\[cut 4,950 more items; sha256 of the whole array: [0-9a-f]{64}\]$/);
    expect(JSON.stringify(row.params).length).toBeLessThan(16_000);
    expect(await verify()).toMatchObject({ ok: true });
  });
});

describe("refusals", () => {
  it("groups anonymous refusals of one kind: a few whole, the rest counted into one event", async () => {
    const writer = new AuditWriter(h.prisma, { chainKey: key(), refusals: { windowMs: 60_000, wholePerKind: 3 } });
    await Promise.all(
      Array.from({ length: 500 }, () =>
        writer.refuse(
          { action: "containers.restart", ip: "203.0.113.9", params: { id: "x" } },
          { outcome: "denied", error: "Sign in first." },
        ),
      ),
    );
    // Someone signed in is accountable: each of theirs is its own event.
    await Promise.all(
      Array.from({ length: 20 }, () =>
        writer.refuse(
          { action: "users.remove", actorUserId: "u1", actorUsername: "mallory", targetId: "admin" },
          { outcome: "denied", error: "You do not have the user.manage permission here." },
        ),
      ),
    );
    await writer.flushRefusals();
    const anonymous = await h.prisma.auditEvent.findMany({ where: { action: "containers.restart" } });
    expect(anonymous).toHaveLength(4);
    const summary = anonymous.find((e) => (e.params as { repeatedRefusals?: number }).repeatedRefusals)!;
    expect(summary.params).toMatchObject({ repeatedRefusals: 497, last: { id: "x" } });
    expect(summary.error).toMatch(/^Sign in first\. \(497 more refusal\(s\) like this between .* recorded together\)$/);
    const counted = anonymous.reduce(
      (sum, e) => sum + ((e.params as { repeatedRefusals?: number }).repeatedRefusals ?? 1),
      0,
    );
    expect(counted).toBe(500);
    expect(await h.prisma.auditEvent.count({ where: { action: "users.remove", actorUsername: "mallory" } })).toBe(20);
    await writer.close();
  });
});
