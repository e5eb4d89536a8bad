// The chain's rows in Postgres: the head (the newest link anywhere: an event, a completion or
// a prune checkpoint), many new events in one statement, many completions in one statement.
// Called only inside the writer's transaction, under the chain's advisory lock.
import type { Prisma } from "../generated/prisma/client";
import { EVENT_FIELD_NAMES, type EventFields } from "./chain";
import type { ChainHead } from "./anchor";

/** Arbitrary constant naming the chain's advisory lock (the same for every process). */
export const CHAIN_LOCK = 0x5e7ed0e;

export type Tx = Prisma.TransactionClient;

export async function lockChain(tx: Tx): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${CHAIN_LOCK})`;
}

export async function readHead(tx: Tx): Promise<ChainHead | null> {
  return (await readChainState(tx)).head;
}

/** The head, and whether the chain has its seal (server/audit/seal.ts): one round trip. */
export async function readChainState(tx: Tx): Promise<{ head: ChainHead | null; sealed: boolean }> {
  const rows = await tx.$queryRaw<{ seq: bigint | null; hash: string | null; sealed: boolean }[]>`
    SELECT links.seq, links.hash,
      EXISTS (SELECT 1 FROM "AuditCheckpoint" WHERE kind = 'seal') AS sealed
    FROM (SELECT NULL::bigint AS seq, NULL::text AS hash) AS nothing
    LEFT JOIN LATERAL (
      SELECT seq, hash FROM (
        (SELECT "chainSeq" AS seq, "hash" AS hash FROM "AuditEvent"
          WHERE "chainSeq" IS NOT NULL ORDER BY "chainSeq" DESC LIMIT 1)
        UNION ALL
        (SELECT "completionSeq", "completionHash" FROM "AuditEvent"
          WHERE "completionSeq" IS NOT NULL ORDER BY "completionSeq" DESC LIMIT 1)
        UNION ALL
        (SELECT "throughSeq", "lastHash" FROM "AuditCheckpoint"
          WHERE kind = 'prune' ORDER BY "throughSeq" DESC LIMIT 1)
      ) AS candidates ORDER BY seq DESC LIMIT 1
    ) AS links ON true`;
  const row = rows[0];
  return {
    head: row?.seq !== null && row?.seq !== undefined && row.hash ? { seq: BigInt(row.seq), hash: row.hash } : null,
    sealed: Boolean(row?.sealed),
  };
}

/** An event row as the chain wrote it. */
export interface NewEventRow extends EventFields {
  chainSeq: bigint;
  prevHash: string | null;
  hash: string;
}

const columnTypes: Record<(typeof EVENT_FIELD_NAMES)[number], string> = {
  id: "text",
  time: "timestamp(3)",
  actorUserId: "text",
  actorUsername: "text",
  actorTokenId: "text",
  ip: "text",
  userAgent: "text",
  action: "text",
  permission: "text",
  environmentId: "text",
  environmentName: "text",
  targetKind: "text",
  targetId: "text",
  targetName: "text",
  params: "jsonb",
  outcome: "text",
  error: "text",
  durationMs: "integer",
};

function recordsetJson(rows: Record<string, unknown>[]): string {
  return JSON.stringify(rows, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value));
}

const eventColumns = [...EVENT_FIELD_NAMES, "chainSeq", "prevHash", "hash"] as const;
const eventTypes = { ...columnTypes, chainSeq: "bigint", prevHash: "text", hash: "text" };
const quoted = (name: string) => `"${name}"`;

/**
 * One statement however many rows, of one shape (the rows travel as one JSON parameter), so
 * the database plans it once and a batch costs one round trip.
 */
export async function insertEvents(tx: Tx, rows: NewEventRow[]): Promise<void> {
  if (!rows.length) return;
  const names = eventColumns.map(quoted).join(", ");
  const definition = eventColumns.map((c) => `${quoted(c)} ${eventTypes[c]}`).join(", ");
  await tx.$executeRawUnsafe(
    `INSERT INTO "AuditEvent" (${names})
     SELECT ${eventColumns.map((c) => `r.${quoted(c)}`).join(", ")}
     FROM jsonb_to_recordset($1::jsonb) AS r(${definition})`,
    recordsetJson(rows as unknown as Record<string, unknown>[]),
  );
}

/** A completion as the chain wrote it: the event's final fields and the completion's link. */
export interface CompletionRow extends EventFields {
  /** the intent's link (set here too for intents written before they were chained) */
  chainSeq: bigint;
  prevHash: string | null;
  hash: string;
  completionSeq: bigint;
  completedAt: Date;
  completionPrevHash: string | null;
  completionHash: string;
  intentFields: Record<string, unknown> | null;
}

const completionColumns = [
  ...eventColumns.filter((c) => c !== "id" && c !== "time" && c !== "action"),
  "completionSeq",
  "completedAt",
  "completionPrevHash",
  "completionHash",
  "intentFields",
] as const;
const completionTypes: Record<string, string> = {
  ...eventTypes,
  completionSeq: "bigint",
  completedAt: "timestamp(3)",
  completionPrevHash: "text",
  completionHash: "text",
  intentFields: "jsonb",
};

/** Returns how many rows took their completion (one each, never twice). */
export async function applyCompletions(tx: Tx, rows: CompletionRow[]): Promise<number> {
  if (!rows.length) return 0;
  const definition = ["id", ...completionColumns].map((c) => `${quoted(c)} ${completionTypes[c]}`).join(", ");
  return tx.$executeRawUnsafe(
    `UPDATE "AuditEvent" AS e SET ${completionColumns.map((c) => `${quoted(c)} = r.${quoted(c)}`).join(", ")}
     FROM jsonb_to_recordset($1::jsonb) AS r(${definition})
     WHERE e.id = r.id AND e."completionSeq" IS NULL`,
    recordsetJson(rows as unknown as Record<string, unknown>[]),
  );
}

/** An event row (as Prisma reads it) as the chain's fields: exactly EVENT_FIELD_NAMES. */
export function eventFieldsOfRow(row: EventFields): EventFields {
  const fields = Object.fromEntries(EVENT_FIELD_NAMES.map((name) => [name, row[name]])) as unknown as EventFields;
  return { ...fields, params: row.params ?? null };
}
