// Checks the whole chain and names the first thing that does not fit:
//   - every checkpoint (prune cuts, the seal) carries a valid signature under the chain key;
//   - links run without gaps or doubles from the newest prune checkpoint to the head, each
//     naming the previous link's hash, each hash matching its content under the chain key
//     (legacy links up to the seal: plain SHA-256, ending exactly at the sealed hash);
//   - every event is in the chain (an intent from the moment it was written);
//   - every console recording matches the digest its session's completion recorded;
//   - every head anchored outside the database (the head file, the server log, one given by
//     hand) is still in the chain with the same hash: a shorter chain is named as truncated.
import { createHash } from "node:crypto";
import type { PrismaClient } from "../generated/prisma/client";
import type { ChainHead } from "./anchor";
import {
  checkpointMac,
  completionLinkHash,
  eventLinkHash,
  intentOf,
  legacyEventHash,
  sameDigest,
  type EventFields,
} from "./chain";
import { eventFieldsOfRow } from "./chain-store";
import { RECORDED_ACTIONS } from "./retention";

export interface ExpectedHead {
  head: ChainHead;
  /** where it came from, named in the answer ("the head file", "given") */
  source: string;
}

export interface VerifyOptions {
  chainKey: Buffer;
  expectedHeads?: ExpectedHead[];
}

export interface VerifyResult {
  ok: boolean;
  /** links checked (an action that ran is two: its intent and its completion) */
  checked: number;
  /** the first thing that does not fit, and why */
  firstBad: { chainSeq: string; id: string | null; problem: string } | null;
  from: string | null;
  through: string | null;
  /** the newest link, "seq:hash": note it somewhere the database's writers cannot reach */
  head: string | null;
  /** the anchored heads that were compared */
  anchors: { source: string; seq: string; matched: boolean }[];
  recordingsChecked: number;
}

const PAGE = 2000n;

type Row = Awaited<ReturnType<PrismaClient["auditEvent"]["findMany"]>>[number];

/** SHA-256 of a recording as `loadRecording` returns it: each chunk, then a newline, in order. */
export function recordingDigest(chunks: { data: string }[]): string {
  const hash = createHash("sha256");
  for (const chunk of chunks) hash.update(chunk.data).update("\n");
  return hash.digest("hex");
}

interface RecordingClaim {
  sha256?: unknown;
  chunks?: unknown;
}

function recordingClaimOf(params: unknown): RecordingClaim | null {
  if (!params || typeof params !== "object") return null;
  const recording = (params as { recording?: unknown }).recording;
  return recording && typeof recording === "object" ? recording : null;
}

export async function verifyAuditChain(prisma: PrismaClient, options: VerifyOptions): Promise<VerifyResult> {
  const key = options.chainKey;
  const expected = options.expectedHeads ?? [];
  const anchors = expected.map((e) => ({ source: e.source, seq: e.head.seq.toString(), matched: false }));
  let checked = 0;
  let recordingsChecked = 0;
  let from: bigint | null = null;
  const result = (
    through: bigint | null,
    head: ChainHead | null,
    bad: VerifyResult["firstBad"] = null,
  ): VerifyResult => ({
    ok: bad === null,
    checked,
    firstBad: bad,
    from: from?.toString() ?? null,
    through: through?.toString() ?? null,
    head: head ? `${head.seq}:${head.hash}` : null,
    anchors,
    recordingsChecked,
  });
  const bad = (seq: bigint, id: string | null, problem: string, head: ChainHead | null = null) =>
    result(null, head, { chainSeq: seq.toString(), id, problem });

  // Checkpoints first: a forged one would otherwise decide where checking starts.
  const checkpoints = await prisma.auditCheckpoint.findMany({ orderBy: { throughSeq: "asc" } });
  for (const checkpoint of checkpoints) {
    if (!sameDigest(checkpoint.mac, checkpointMac(key, checkpoint))) {
      return bad(
        checkpoint.throughSeq,
        null,
        `the ${checkpoint.kind} checkpoint at #${checkpoint.throughSeq} is not signed with this server's chain key: forged or edited (or STEVEDORE_SECRET_KEY changed)`,
      );
    }
  }
  const seal = checkpoints.find((c) => c.kind === "seal") ?? null;
  const start = checkpoints.filter((c) => c.kind === "prune").at(-1) ?? null;
  const legacyThrough = seal?.throughSeq ?? 0n;

  const [top] = await prisma.$queryRaw<{ seq: bigint | null }[]>`
    SELECT GREATEST(MAX("chainSeq"), MAX("completionSeq")) AS seq FROM "AuditEvent"`;
  const last = top?.seq === null || top?.seq === undefined ? null : BigInt(top.seq);
  if (last !== null && !seal) {
    return bad(1n, null, "the chain's seal (where keyed links begin) is missing: removed from the database");
  }

  let expectedSeq = (start?.throughSeq ?? 0n) + 1n;
  let prevHash: string | null = start?.lastHash ?? null;
  from = expectedSeq;
  let head: ChainHead | null = start ? { seq: start.throughSeq, hash: start.lastHash } : null;
  if (seal && start && start.throughSeq === seal.throughSeq && start.lastHash !== seal.lastHash) {
    return bad(seal.throughSeq, null, `the chain was cut at #${seal.throughSeq} with a hash its seal does not know`);
  }
  const checkAnchor = (seq: bigint, hash: string): string | null => {
    for (const [i, e] of expected.entries()) {
      if (e.head.seq !== seq) continue;
      if (e.head.hash !== hash) {
        return `link #${seq} is not the one anchored in ${e.source} (${e.head.hash.slice(0, 16)}…): the chain was rewritten from here`;
      }
      anchors[i]!.matched = true;
    }
    return null;
  };
  // A head anchored at the prune cut itself.
  if (start) {
    const problem = checkAnchor(start.throughSeq, start.lastHash);
    if (problem) return bad(start.throughSeq, null, problem);
  }

  for (let low = expectedSeq; last !== null && low <= last; low += PAGE) {
    const high = low + PAGE;
    const rows = await prisma.auditEvent.findMany({
      where: { OR: [{ chainSeq: { gte: low, lt: high } }, { completionSeq: { gte: low, lt: high } }] },
    });
    const links: { seq: bigint; completion: boolean; row: Row }[] = [];
    for (const row of rows) {
      if (row.chainSeq !== null && row.chainSeq >= low && row.chainSeq < high) {
        links.push({ seq: row.chainSeq, completion: false, row });
      }
      if (row.completionSeq !== null && row.completionSeq >= low && row.completionSeq < high) {
        links.push({ seq: row.completionSeq, completion: true, row });
      }
    }
    links.sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0));
    for (const link of links) {
      const { seq, row } = link;
      if (seq < expectedSeq) {
        return bad(seq, row.id, `two links claim #${seq}: one of them was inserted`, head);
      }
      if (seq !== expectedSeq) {
        return bad(
          expectedSeq,
          null,
          `link #${expectedSeq} is missing (deleted); the chain continues at #${seq}`,
          head,
        );
      }
      const problem = link.completion
        ? checkCompletion(key, row, seq, prevHash, legacyThrough)
        : checkEventLink(key, row, seq, prevHash, legacyThrough);
      if (problem) return bad(seq, row.id, problem, head);
      const hash = (link.completion ? row.completionHash : row.hash)!;
      if (seal && seq === seal.throughSeq && hash !== seal.lastHash) {
        return bad(seq, row.id, `link #${seq} is not the legacy head its seal recorded: rewritten`, head);
      }
      const anchorProblem = checkAnchor(seq, hash);
      if (anchorProblem) return bad(seq, row.id, anchorProblem, head);
      // The recording is covered where the event's outcome is: its completion, or a whole event.
      const final = link.completion || (row.completionSeq === null && row.outcome !== "pending");
      if (final && RECORDED_ACTIONS.includes(row.action)) {
        const recordingProblem = await checkRecording(prisma, row, seq);
        if (recordingProblem === "checked") recordingsChecked++;
        else if (recordingProblem) return bad(seq, row.id, recordingProblem, head);
      }
      prevHash = hash;
      head = { seq, hash };
      expectedSeq = seq + 1n;
      checked++;
    }
  }

  const outside = await prisma.auditEvent.findFirst({ where: { chainSeq: null }, select: { id: true } });
  if (outside) {
    return bad(expectedSeq, outside.id, `event ${outside.id} is outside the chain (inserted without a link)`, head);
  }
  for (const e of expected) {
    if (e.head.seq < (start?.throughSeq ?? 0n)) continue; // pruned since: nothing left to compare
    if (e.head.seq > expectedSeq - 1n) {
      const lost = e.head.seq - (expectedSeq - 1n);
      return bad(
        expectedSeq,
        null,
        `the chain is truncated: it ends at #${expectedSeq - 1n}, but #${e.head.seq} was anchored in ${e.source}; the newest ${lost} link(s) were removed`,
        head,
      );
    }
  }
  return result(expectedSeq - 1n, head);
}

function checkEventLink(
  key: Buffer,
  row: Row,
  seq: bigint,
  prevHash: string | null,
  legacyThrough: bigint,
): string | null {
  if ((row.prevHash ?? null) !== prevHash)
    return `link #${seq} does not follow link #${seq - 1n} (inserted or reordered)`;
  const final = eventFieldsOfRow(row);
  if (seq <= legacyThrough) {
    const { environmentName, ...legacy } = final;
    const clean = environmentName === null && row.completionSeq === null && row.intentFields === null;
    return clean && legacyEventHash(prevHash, { ...legacy, chainSeq: seq }) === row.hash
      ? null
      : `event #${seq} was changed after it was written`;
  }
  const isIntent = row.completionSeq !== null || row.outcome === "pending";
  const fields: EventFields = isIntent ? intentOf(final, row.intentFields) : final;
  const hash = eventLinkHash(key, prevHash, isIntent ? "intent" : "event", seq, fields);
  return sameDigest(hash, row.hash) ? null : `event #${seq} was changed after it was written`;
}

function checkCompletion(
  key: Buffer,
  row: Row,
  seq: bigint,
  prevHash: string | null,
  legacyThrough: bigint,
): string | null {
  if (seq <= legacyThrough || row.chainSeq === null || row.chainSeq >= seq || !row.hash || !row.completedAt) {
    return `the completion at #${seq} does not belong there (inserted)`;
  }
  if ((row.completionPrevHash ?? null) !== prevHash) {
    return `link #${seq} does not follow link #${seq - 1n} (inserted or reordered)`;
  }
  const hash = completionLinkHash(key, prevHash, seq, {
    completedAt: row.completedAt,
    intentHash: row.hash,
    final: eventFieldsOfRow(row),
  });
  return sameDigest(hash, row.completionHash)
    ? null
    : `the outcome of event #${row.chainSeq} (link #${seq}) was changed after it was written`;
}

/** "checked", null (nothing to check), or the problem. */
async function checkRecording(prisma: PrismaClient, row: Row, seq: bigint): Promise<string | null> {
  const claim = recordingClaimOf(row.params);
  if (!claim || typeof claim.sha256 !== "string") return null;
  const chunks = await prisma.consoleRecordingChunk.findMany({
    where: { eventId: row.id },
    orderBy: { seq: "asc" },
    select: { data: true },
  });
  if (!chunks.length) return `the recording of console session #${seq} is missing (deleted)`;
  if (typeof claim.chunks === "number" && claim.chunks !== chunks.length) {
    return `the recording of console session #${seq} has ${chunks.length} part(s), not the ${claim.chunks} it was written with`;
  }
  return recordingDigest(chunks) === claim.sha256
    ? "checked"
    : `the recording of console session #${seq} was changed after it was written`;
}
