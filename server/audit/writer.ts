// The only writer of the audit trail. Mutations: `begin` inserts the event before anything
// runs (if that fails, the mutation does not run) and `complete` gives it its outcome and
// its place in the hash chain. Other events (a denied call, a console session) are
// `record`ed whole. Chain appends are serialised by a Postgres advisory lock, so concurrent
// writers never fork the chain.
import { EventEmitter } from "node:events";
import type { PrismaClient } from "../generated/prisma/client";
import { eventHash } from "./chain";
import { redact } from "./redact";

/** Arbitrary constant naming the chain's advisory lock. */
const CHAIN_LOCK = 0x5e7ed0e;

export type AuditOutcome = "ok" | "denied" | "error" | "interrupted";

export interface AuditEntry {
  actorUserId?: string | null;
  actorUsername?: string | null;
  actorTokenId?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  action: string;
  permission?: string | null;
  environmentId?: string | null;
  targetKind?: string | null;
  targetId?: string | null;
  targetName?: string | null;
  params?: unknown;
}

export interface AuditCompletion {
  outcome: AuditOutcome;
  error?: string | null;
  durationMs?: number | null;
  /** what became known while running (the signed-in user after a sign-in, a created id) */
  patch?: Partial<AuditEntry>;
}

export class AuditWriteError extends Error {
  constructor(cause: unknown) {
    super("The audit trail cannot be written, so nothing was done. Ask an administrator to check the database.", {
      cause,
    });
    this.name = "AuditWriteError";
  }
}

function columns(entry: Partial<AuditEntry>) {
  const all = {
    actorUserId: entry.actorUserId,
    actorUsername: entry.actorUsername,
    actorTokenId: entry.actorTokenId,
    ip: entry.ip,
    userAgent: entry.userAgent?.slice(0, 512),
    action: entry.action,
    permission: entry.permission,
    environmentId: entry.environmentId,
    targetKind: entry.targetKind,
    targetId: entry.targetId,
    targetName: entry.targetName?.slice(0, 256),
    params: entry.params === undefined ? undefined : (redact(entry.params) as object),
  };
  // Only what the entry says: a patch must not blank what the intent recorded.
  return Object.fromEntries(Object.entries(all).filter(([, v]) => v !== undefined)) as Partial<typeof all>;
}

export class AuditWriter {
  /** Emits "event" with the id of every completed event (for live tails). */
  readonly events = new EventEmitter();

  constructor(private readonly prisma: PrismaClient) {
    this.events.setMaxListeners(0);
  }

  /** Writes the intent; throws AuditWriteError when it cannot. */
  async begin(entry: AuditEntry): Promise<string> {
    try {
      const row = await this.prisma.auditEvent.create({
        data: { ...columns(entry), action: entry.action, outcome: "pending" },
        select: { id: true },
      });
      return row.id;
    } catch (error) {
      throw new AuditWriteError(error);
    }
  }

  /** Gives a pending event its outcome and chain position. */
  async complete(id: string, completion: AuditCompletion): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${CHAIN_LOCK})`;
      const last = await tx.auditEvent.findFirst({
        where: { chainSeq: { not: null } },
        orderBy: { chainSeq: "desc" },
        select: { chainSeq: true, hash: true },
      });
      const checkpoint = last ? null : await tx.auditCheckpoint.findFirst({ orderBy: { throughSeq: "desc" } });
      const chainSeq = (last?.chainSeq ?? checkpoint?.throughSeq ?? 0n) + 1n;
      const prevHash = last?.hash ?? checkpoint?.lastHash ?? null;
      const pending = await tx.auditEvent.findUniqueOrThrow({ where: { id } });
      if (pending.chainSeq !== null) return; // completed already
      const merged = {
        ...pending,
        ...columns(completion.patch ?? {}),
        action: pending.action,
        outcome: completion.outcome,
        error: completion.error?.slice(0, 2000) ?? null,
        durationMs: completion.durationMs ?? null,
        chainSeq,
        prevHash,
      };
      // Read back what Postgres stores (params as JSON) so the hash is of the stored form.
      const fields = {
        id,
        chainSeq,
        time: merged.time,
        actorUserId: merged.actorUserId ?? null,
        actorUsername: merged.actorUsername ?? null,
        actorTokenId: merged.actorTokenId ?? null,
        ip: merged.ip ?? null,
        userAgent: merged.userAgent ?? null,
        action: merged.action,
        permission: merged.permission ?? null,
        environmentId: merged.environmentId ?? null,
        targetKind: merged.targetKind ?? null,
        targetId: merged.targetId ?? null,
        targetName: merged.targetName ?? null,
        params: merged.params ?? null,
        outcome: merged.outcome,
        error: merged.error,
        durationMs: merged.durationMs,
        prevHash,
      };
      await tx.auditEvent.update({
        where: { id },
        data: {
          ...fields,
          params: fields.params === null ? undefined : (fields.params as object),
          hash: eventHash(fields),
        },
      });
    });
    this.events.emit("event", id);
  }

  /** Writes a whole event at once (a denied call, a console session's end). */
  async record(entry: AuditEntry, completion: AuditCompletion): Promise<string> {
    const id = await this.begin(entry);
    await this.complete(id, completion);
    return id;
  }
}
