// Retention: events older than the configured number of days are pruned from the start of
// the chain, and a checkpoint records where the chain was cut and the last pruned hash,
// so what remains still verifies.
import type { PrismaClient } from "../generated/prisma/client";

export const RETENTION_KEY = "audit.retentionDays";
export const DEFAULT_RETENTION_DAYS = 365;

export async function retentionDays(prisma: PrismaClient): Promise<number> {
  const row = await prisma.setting.findUnique({ where: { key: RETENTION_KEY } });
  return typeof row?.value === "number" ? row.value : DEFAULT_RETENTION_DAYS;
}

export async function pruneAudit(prisma: PrismaClient, olderThan: Date): Promise<number> {
  return prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${0x5e7ed0e})`;
    // Cut at the last chained event older than the limit.
    const last = await tx.auditEvent.findFirst({
      where: { chainSeq: { not: null }, time: { lt: olderThan } },
      orderBy: { chainSeq: "desc" },
      select: { chainSeq: true, hash: true },
    });
    if (!last?.chainSeq || !last.hash) return 0;
    const { count } = await tx.auditEvent.deleteMany({ where: { chainSeq: { lte: last.chainSeq } } });
    await tx.auditCheckpoint.create({ data: { throughSeq: last.chainSeq, lastHash: last.hash, pruned: count } });
    return count;
  });
}
