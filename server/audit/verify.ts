// Checks the whole chain: positions run without gaps from the last pruning checkpoint,
// each event names the previous hash, and each hash matches the event's content. Names the
// first event that does not fit.
import type { PrismaClient } from "../generated/prisma/client";
import { eventHash, type ChainedFields } from "./chain";

export interface VerifyResult {
  ok: boolean;
  checked: number;
  /** the first event that does not fit, and why */
  firstBad: { chainSeq: string; id: string | null; problem: string } | null;
  from: string | null;
  through: string | null;
}

const PAGE = 2000;

export async function verifyAuditChain(prisma: PrismaClient): Promise<VerifyResult> {
  const checkpoint = await prisma.auditCheckpoint.findFirst({ orderBy: { throughSeq: "desc" } });
  let expectedSeq = (checkpoint?.throughSeq ?? 0n) + 1n;
  let prevHash: string | null = checkpoint?.lastHash ?? null;
  let checked = 0;
  const from = expectedSeq;
  const fail = (chainSeq: bigint, id: string | null, problem: string): VerifyResult => ({
    ok: false,
    checked,
    firstBad: { chainSeq: chainSeq.toString(), id, problem },
    from: from.toString(),
    through: null,
  });

  for (;;) {
    const rows = await prisma.auditEvent.findMany({
      where: { chainSeq: { gte: expectedSeq } },
      orderBy: { chainSeq: "asc" },
      take: PAGE,
    });
    for (const row of rows) {
      const seq = row.chainSeq!;
      if (seq !== expectedSeq) {
        return fail(expectedSeq, null, `event #${expectedSeq} is missing (deleted); the chain continues at #${seq}`);
      }
      if ((row.prevHash ?? null) !== prevHash) {
        return fail(seq, row.id, `event #${seq} does not follow event #${seq - 1n} (inserted or reordered)`);
      }
      const fields: ChainedFields = {
        id: row.id,
        chainSeq: seq,
        time: row.time,
        actorUserId: row.actorUserId,
        actorUsername: row.actorUsername,
        actorTokenId: row.actorTokenId,
        ip: row.ip,
        userAgent: row.userAgent,
        action: row.action,
        permission: row.permission,
        environmentId: row.environmentId,
        targetKind: row.targetKind,
        targetId: row.targetId,
        targetName: row.targetName,
        params: row.params,
        outcome: row.outcome,
        error: row.error,
        durationMs: row.durationMs,
        prevHash: row.prevHash,
      };
      if (eventHash(fields) !== row.hash) {
        return fail(seq, row.id, `event #${seq} was changed after it was written`);
      }
      prevHash = row.hash;
      expectedSeq = seq + 1n;
      checked++;
    }
    if (rows.length < PAGE) break;
  }
  // Events in the chain's range that lost their position would otherwise go unnoticed.
  return { ok: true, checked, firstBad: null, from: from.toString(), through: (expectedSeq - 1n).toString() };
}
