// Where keyed links begin. Chains written before this version are plain SHA-256, which anyone
// who can write the database could recompute. At the first append of this version, under the
// chain's lock, the writer signs (with the chain key) the legacy chain's head and every
// checkpoint that exists: the "seal". Legacy links up to the seal then verify under the legacy
// rule and must end exactly at the sealed hash (so they cannot be rewritten without breaking
// SHA-256), and every link after it must be keyed. A fresh database is sealed at #0.
import { randomUUID } from "node:crypto";
import { checkpointMac, GENESIS_HASH, legacyEventHash } from "./chain";
import { readHead, type Tx } from "./chain-store";

/** Seals the chain if it has no seal yet; returns whether a seal was written. */
export async function ensureSeal(tx: Tx, key: Buffer, log: (line: string) => void): Promise<boolean> {
  if (await tx.auditCheckpoint.findFirst({ where: { kind: "seal" }, select: { id: true } })) return false;
  const head = await readHead(tx);
  if (head && !(await isLegacyLink(tx, head.seq, head.hash))) {
    // Keyed links exist, so a seal was written once: someone removed it. Writing a new one
    // would bless whatever is there now; leave the gap for audit:verify to report.
    log(
      "audit: the chain has keyed links but its seal is missing (removed from the database?); audit:verify reports it",
    );
    return false;
  }
  for (const checkpoint of await tx.auditCheckpoint.findMany({ where: { mac: null } })) {
    await tx.auditCheckpoint.update({
      where: { id: checkpoint.id },
      data: { mac: checkpointMac(key, checkpoint) },
    });
  }
  const seal = {
    id: randomUUID(),
    createdAt: new Date(),
    kind: "seal",
    throughSeq: head?.seq ?? 0n,
    lastHash: head?.hash ?? GENESIS_HASH,
    pruned: 0,
  };
  await tx.auditCheckpoint.create({ data: { ...seal, mac: checkpointMac(key, seal) } });
  if (head) log(`audit: sealed ${head.seq} link(s) written before chains were keyed (legacy SHA-256 rule)`);
  return true;
}

/** Whether the link at `seq` was written under the legacy rule (or is a legacy checkpoint). */
async function isLegacyLink(tx: Tx, seq: bigint, hash: string): Promise<boolean> {
  const row = await tx.auditEvent.findUnique({ where: { chainSeq: seq } });
  if (!row) {
    // The head is a checkpoint (everything before it pruned): legacy when unsigned.
    const checkpoint = await tx.auditCheckpoint.findFirst({ where: { throughSeq: seq, lastHash: hash } });
    return Boolean(checkpoint && !checkpoint.mac);
  }
  return (
    legacyEventHash(row.prevHash, {
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
    }) === row.hash
  );
}
