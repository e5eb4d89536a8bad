// Retention: events older than the configured number of days are pruned from the start of
// the chain, and a signed checkpoint records where the chain was cut and the hash of the last
// pruned link, so what remains still verifies and nobody without the chain key can forge a
// cut (say, to drop the oldest events and pretend retention did it).
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "../generated/prisma/client";
import type { ChainHead } from "./anchor";
import { checkpointMac } from "./chain";
import type { Tx } from "./chain-store";

export const RETENTION_KEY = "audit.retentionDays";
export const DEFAULT_RETENTION_DAYS = 365;

/** The actions whose events carry a console recording. */
export const RECORDED_ACTIONS = ["console.exec", "console.attach"];

export async function retentionDays(prisma: PrismaClient): Promise<number> {
  const row = await prisma.setting.findUnique({ where: { key: RETENTION_KEY } });
  return typeof row?.value === "number" ? row.value : DEFAULT_RETENTION_DAYS;
}

/**
 * Cuts at the newest link older than `olderThan` such that no event straddles the cut (an
 * action begun before it and completed after it, or still open, keeps everything from its
 * intent on). Runs under the chain's lock (the writer's queue calls it).
 */
export async function pruneChain(
  tx: Tx,
  key: Buffer,
  olderThan: Date,
): Promise<{ pruned: number; checkpoint: ChainHead | null }> {
  const last = await tx.auditEvent.findFirst({
    where: { chainSeq: { not: null }, time: { lt: olderThan } },
    orderBy: { chainSeq: "desc" },
    select: { chainSeq: true, completionSeq: true },
  });
  if (!last?.chainSeq) return { pruned: 0, checkpoint: null };
  let cut = last.completionSeq !== null && last.completionSeq > last.chainSeq ? last.completionSeq : last.chainSeq;
  for (;;) {
    // An event whose intent is at or before the cut but whose completion is after it (or not yet
    // written) moves the cut to just before its intent.
    const straddler = await tx.auditEvent.findFirst({
      where: {
        chainSeq: { lte: cut },
        OR: [{ completionSeq: { gt: cut } }, { completionSeq: null, outcome: "pending" }],
      },
      orderBy: { chainSeq: "asc" },
      select: { chainSeq: true },
    });
    if (!straddler?.chainSeq) break;
    cut = straddler.chainSeq - 1n;
  }
  if (cut <= 0n) return { pruned: 0, checkpoint: null };
  const atCut = await tx.auditEvent.findFirst({
    where: { OR: [{ chainSeq: cut }, { completionSeq: cut }] },
    select: { chainSeq: true, hash: true, completionSeq: true, completionHash: true },
  });
  const lastHash = atCut?.chainSeq === cut ? atCut.hash : atCut?.completionSeq === cut ? atCut.completionHash : null;
  if (!lastHash) return { pruned: 0, checkpoint: null };
  const doomed = await tx.auditEvent.findMany({
    where: { chainSeq: { lte: cut }, action: { in: RECORDED_ACTIONS } },
    select: { id: true },
  });
  if (doomed.length) {
    await tx.consoleRecordingChunk.deleteMany({ where: { eventId: { in: doomed.map((e) => e.id) } } });
  }
  const { count } = await tx.auditEvent.deleteMany({ where: { chainSeq: { lte: cut } } });
  const checkpoint = {
    id: randomUUID(),
    createdAt: new Date(),
    kind: "prune",
    throughSeq: cut,
    lastHash,
    pruned: count,
  };
  await tx.auditCheckpoint.create({ data: { ...checkpoint, mac: checkpointMac(key, checkpoint) } });
  return { pruned: count, checkpoint: { seq: cut, hash: lastHash } };
}
