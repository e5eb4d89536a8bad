// The trail against someone who can write the database but does not hold the chain key: each
// way they tried to rewrite it (issue #11 item 3) is named by verify. And chains written before
// keys existed are sealed, not trusted blindly.
import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { recordingStoreFor, SessionRecorder } from "../console/recorder";
import { openHarness, type Harness } from "../testing/harness";
import type { Actor } from "../core/context";
import { formatHead } from "./anchor";
import { canonicalJson, checkpointMac, completionLinkHash, eventLinkHash, legacyEventHash } from "./chain";
import { eventFieldsOfRow } from "./chain-store";
import { reconcileOpenIntents } from "./reconcile";
import { verifyAuditChain, type ExpectedHead } from "./verify";

let h: Harness;
let admin: Actor;
const key = () => h.services.secrets.deriveKey("audit-chain");
const verify = (expectedHeads: ExpectedHead[] = []) => verifyAuditChain(h.prisma, { chainKey: key(), expectedHeads });

beforeAll(async () => {
  h = await openHarness();
  admin = await h.actorFor((await h.makeUser([{ role: "Administrator" }], "tamper-admin")).id);
});
afterAll(async () => {
  await h?.close();
});

beforeEach(async () => {
  await h.services.audit.settled();
  await h.prisma.$executeRawUnsafe(`TRUNCATE "AuditEvent", "AuditCheckpoint", "ConsoleRecordingChunk"`);
  const api = h.caller(admin);
  for (let i = 0; i < 6; i++) await api.teams.create({ name: `tamper-${Date.now()}-${i}` });
});

const rows = () => h.prisma.auditEvent.findMany({ orderBy: { chainSeq: "asc" } });

/**
 * What an attacker without the key can do after editing: recompute every link from `fromSeq`
 * on, with the right algorithm and a key of their own guessing (or plain SHA-256).
 */
async function rehashFrom(fromSeq: bigint, guess: Buffer | "sha256") {
  const all = await rows();
  const links = all
    .flatMap((row) => [
      { seq: row.chainSeq!, completion: false, row },
      ...(row.completionSeq === null ? [] : [{ seq: row.completionSeq, completion: true, row }]),
    ])
    .sort((a, b) => (a.seq < b.seq ? -1 : 1));
  let prev: string | null = null;
  const intentHash = new Map<string, string>();
  for (const { seq, completion, row } of links) {
    if (seq < fromSeq) {
      prev = completion ? row.completionHash : row.hash;
      if (!completion) intentHash.set(row.id, row.hash!);
      continue;
    }
    const fields = eventFieldsOfRow(row);
    let hash: string;
    if (guess === "sha256") {
      hash = createHash("sha256")
        .update(prev ?? "0".repeat(64))
        .update(canonicalJson({ ...fields, seq, completion }))
        .digest("hex");
    } else if (completion) {
      hash = completionLinkHash(guess, prev, seq, {
        completedAt: row.completedAt!,
        intentHash: intentHash.get(row.id)!,
        final: fields,
      });
    } else {
      hash = eventLinkHash(guess, prev, "intent", seq, {
        ...fields,
        outcome: "pending",
        error: null,
        durationMs: null,
      });
    }
    if (completion) {
      await h.prisma.auditEvent.update({
        where: { id: row.id },
        data: { completionPrevHash: prev, completionHash: hash },
      });
    } else {
      intentHash.set(row.id, hash);
      await h.prisma.auditEvent.update({ where: { id: row.id }, data: { prevHash: prev, hash } });
    }
    prev = hash;
  }
}

describe("someone with write access to the database, without the chain key", () => {
  it("deletes the newest events: the rest still links, but the head anchored outside names the truncation", async () => {
    const head = h.services.audit.head!;
    expect(head.seq).toBe(12n);
    const newest = (await rows()).slice(-2);
    await h.prisma.auditEvent.deleteMany({ where: { id: { in: newest.map((r) => r.id) } } });

    // Link by link the shorter chain is fine: this is why the head is kept elsewhere too.
    expect(await verify()).toMatchObject({ ok: true, through: "8" });
    const result = await verify([{ head, source: "the server log" }]);
    expect(result.ok).toBe(false);
    expect(result.firstBad!.problem).toBe(
      "the chain is truncated: it ends at #8, but #12 was anchored in the server log; the newest 4 link(s) were removed",
    );
    // Through the API, with the head as the server log prints it (and the server's own memory).
    const viaApi = await h.caller(admin).audit.verify({ expectedHead: formatHead(head) });
    expect(viaApi.firstBad!.problem).toMatch(/truncated: it ends at #8, but #12 was anchored/);
  });

  it("edits one event and re-hashes everything after it: the hashes are not the key's, and verify names the event", async () => {
    const victim = (await rows())[2]!;
    await h.prisma.auditEvent.update({ where: { id: victim.id }, data: { actorUsername: "someone-else" } });
    for (const guess of [randomBytes(32), "sha256" as const]) {
      await rehashFrom(victim.chainSeq!, guess);
      const result = await verify();
      expect(result.ok).toBe(false);
      expect(result.firstBad).toMatchObject({ chainSeq: victim.chainSeq!.toString(), id: victim.id });
      expect(result.firstBad!.problem).toBe(`event #${victim.chainSeq} was changed after it was written`);
    }
  });

  it("forges the oldest checkpoint to pass off deleted events as pruned: the checkpoint is named", async () => {
    const [first, second] = await rows();
    await h.prisma.auditEvent.deleteMany({ where: { id: { in: [first!.id, second!.id] } } });
    const forged = {
      id: "forged-checkpoint",
      createdAt: new Date(),
      kind: "prune",
      throughSeq: second!.completionSeq!,
      lastHash: second!.completionHash!,
      pruned: 2,
    };
    for (const mac of [null, checkpointMac(randomBytes(32), forged)]) {
      await h.prisma.auditCheckpoint.deleteMany({ where: { id: forged.id } });
      await h.prisma.auditCheckpoint.create({ data: { ...forged, mac } });
      const result = await verify();
      expect(result.ok).toBe(false);
      expect(result.firstBad).toMatchObject({ chainSeq: "4" });
      expect(result.firstBad!.problem).toMatch(
        /^the prune checkpoint at #4 is not signed with this server's chain key/,
      );
    }
  });

  it("rewrites or removes a console recording: the digest in the session's completion names it", async () => {
    const id = await h.services.audit.begin({
      action: "console.exec",
      actorUserId: admin.userId,
      actorUsername: admin.username,
      targetKind: "container",
      targetId: "rec-target",
    });
    const recorder = new SessionRecorder(
      recordingStoreFor(h.prisma),
      id,
      { width: 80, height: 24, command: "sh", title: "t", recordInput: false },
      () => undefined,
    );
    await recorder.start();
    recorder.output(Buffer.from("$ cat /etc/shadow\r\nroot:*:19000:0:99999:7:::\r\n"));
    await recordingStoreFor(h.prisma).flush();
    recorder.output(Buffer.from("$ exit\r\n"));
    await recorder.finish();
    await h.services.audit.complete(id, { outcome: "ok", recording: recorder.summary(), patch: { params: {} } });
    const event = await h.prisma.auditEvent.findUniqueOrThrow({ where: { id } });
    expect(await verify()).toMatchObject({ ok: true, recordingsChecked: 1 });

    await h.prisma.$executeRaw`
      UPDATE "ConsoleRecordingChunk" SET data = replace(data, 'shadow', 'motd') WHERE "eventId" = ${id}`;
    const rewritten = await verify();
    expect(rewritten.firstBad).toMatchObject({ chainSeq: event.completionSeq!.toString(), id });
    expect(rewritten.firstBad!.problem).toBe(
      `the recording of console session #${event.completionSeq} was changed after it was written`,
    );

    await h.prisma.consoleRecordingChunk.deleteMany({ where: { eventId: id } });
    expect((await verify()).firstBad!.problem).toMatch(/recording of console session #\d+ is missing/);
  });

  it("removes the seal that says where keyed links begin: named", async () => {
    await h.prisma.auditCheckpoint.deleteMany({ where: { kind: "seal" } });
    expect((await verify()).firstBad!.problem).toMatch(/seal .* is missing/);
    // The writer does not bless what is there by sealing again.
    await h.caller(admin).teams.create({ name: `after-unseal-${Date.now()}` });
    expect(await h.prisma.auditCheckpoint.count({ where: { kind: "seal" } })).toBe(0);
  });
});

describe("a chain written before links were keyed (the migration)", () => {
  it("is sealed at the first append: legacy links verify under the legacy rule and cannot be rewritten", async () => {
    await h.prisma.$executeRawUnsafe(`TRUNCATE "AuditEvent", "AuditCheckpoint"`);
    // What the previous version left: a pruning checkpoint without a signature, three whole
    // events chained with plain SHA-256 after it, and an intent still pending (never chained).
    const cutHash = "c".repeat(64);
    await h.prisma.auditCheckpoint.create({ data: { throughSeq: 4n, lastHash: cutHash, pruned: 4 } });
    let prev = cutHash;
    for (let seq = 5n; seq <= 7n; seq++) {
      const fields = {
        id: `legacy-${seq}`,
        chainSeq: seq,
        time: new Date(Date.now() - 60_000),
        actorUserId: admin.userId,
        actorUsername: admin.username,
        actorTokenId: null,
        ip: "10.0.0.1",
        userAgent: "old",
        action: "teams.create",
        permission: "team.manage",
        environmentId: null,
        targetKind: "team",
        targetId: null,
        targetName: `old-team-${seq}`,
        params: { name: `old-team-${seq}` },
        outcome: "ok",
        error: null,
        durationMs: 3,
      };
      const hash = legacyEventHash(prev, fields);
      await h.prisma.auditEvent.create({ data: { ...fields, prevHash: prev, hash } });
      prev = hash;
    }
    await h.prisma.auditEvent.create({
      data: { id: "legacy-open", action: "containers.stop", outcome: "pending", time: new Date(Date.now() - 30_000) },
    });

    await h.caller(admin).teams.create({ name: `first-keyed-${Date.now()}` });
    expect(await reconcileOpenIntents(h.prisma, h.services.audit)).toEqual({ completed: 1, failed: 0 });
    const seal = await h.prisma.auditCheckpoint.findFirstOrThrow({ where: { kind: "seal" } });
    expect(seal).toMatchObject({ throughSeq: 7n, lastHash: prev });
    expect(await h.prisma.auditCheckpoint.count({ where: { mac: null } })).toBe(0);
    expect(await verify()).toMatchObject({ ok: true, from: "5", through: "11", checked: 7 });
    const reconciled = await h.prisma.auditEvent.findUniqueOrThrow({ where: { id: "legacy-open" } });
    expect(reconciled).toMatchObject({ outcome: "interrupted", chainSeq: 10n, completionSeq: 11n });

    // Rewriting a legacy event and re-hashing the legacy part with SHA-256 no longer works.
    await h.prisma.auditEvent.update({ where: { id: "legacy-6" }, data: { targetName: "renamed" } });
    const legacyContent = (row: Parameters<typeof eventFieldsOfRow>[0], chainSeq: bigint) => {
      const { environmentName: _none, ...fields } = eventFieldsOfRow(row);
      return { ...fields, chainSeq };
    };
    const six = await h.prisma.auditEvent.findUniqueOrThrow({ where: { id: "legacy-6" } });
    const sixHash = legacyEventHash(six.prevHash, legacyContent(six, 6n));
    const seven = await h.prisma.auditEvent.findUniqueOrThrow({ where: { id: "legacy-7" } });
    const sevenHash = legacyEventHash(sixHash, legacyContent(seven, 7n));
    await h.prisma.auditEvent.update({ where: { id: "legacy-6" }, data: { hash: sixHash } });
    await h.prisma.auditEvent.update({ where: { id: "legacy-7" }, data: { prevHash: sixHash, hash: sevenHash } });
    const result = await verify();
    expect(result.firstBad).toMatchObject({ chainSeq: "7", id: "legacy-7" });
    expect(result.firstBad!.problem).toMatch(/not the legacy head its seal recorded/);
  });
});
