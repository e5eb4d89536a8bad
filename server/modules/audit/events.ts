// The audit trail as pages, one event, a console recording, an export: reads of the chain
// with no transport (domain errors only, server/core/errors.ts).
import type { PrismaClient } from "../../generated/prisma/client";
import { auditColumns, auditWhere, presentAuditRow, toCsv, toNdjson, type AuditFilter } from "../../audit/query";
import { loadRecording } from "../../console/recorder";
import { NotFoundError } from "../../core/errors";

const EXPORT_LIMIT = 100_000;
/** The events that carry a console recording: a shell (exec) or the main process (attach). */
const CONSOLE_ACTIONS = new Set(["console.exec", "console.attach"]);

/** Newest first, filtered, a page at a time (cursor: the last chainSeq seen). */
export async function listAuditEvents(
  prisma: PrismaClient,
  filter: AuditFilter,
  page: { cursor?: string; limit: number },
) {
  const { cursor, limit } = page;
  const rows = await prisma.auditEvent.findMany({
    where: {
      AND: [auditWhere(filter), { chainSeq: cursor ? { lt: BigInt(cursor) } : { not: null } }],
    },
    orderBy: { chainSeq: "desc" },
    take: limit + 1,
    select: auditColumns,
  });
  const items = rows.slice(0, limit).map(presentAuditRow);
  return { items, nextCursor: rows.length > limit ? items[items.length - 1]!.chainSeq : null };
}

export async function getAuditEvent(prisma: PrismaClient, id: string) {
  const row = await prisma.auditEvent.findUnique({ where: { id }, select: auditColumns });
  if (!row) throw new NotFoundError("No such event.");
  return presentAuditRow(row);
}

/** A console session's recording as an asciicast v2 file, for replay. */
export async function consoleRecording(prisma: PrismaClient, id: string) {
  const event = await prisma.auditEvent.findUnique({ where: { id }, select: { action: true } });
  if (!event || !CONSOLE_ACTIONS.has(event.action)) throw new NotFoundError("No console session with that id.");
  const cast = await loadRecording(prisma, id);
  if (!cast) throw new NotFoundError("This session has no recording.");
  return { cast };
}

/** The filter's events as CSV or NDJSON, oldest first. */
export async function exportAuditEvents(prisma: PrismaClient, filter: AuditFilter, format: "csv" | "ndjson") {
  const rows = await prisma.auditEvent.findMany({
    where: { AND: [auditWhere(filter), { chainSeq: { not: null } }] },
    orderBy: { chainSeq: "asc" },
    take: EXPORT_LIMIT,
    select: auditColumns,
  });
  const presented = rows.map(presentAuditRow);
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  return {
    filename: `stevedore-audit-${stamp}.${format === "csv" ? "csv" : "ndjson"}`,
    contentType: format === "csv" ? "text/csv" : "application/x-ndjson",
    content: format === "csv" ? toCsv(presented) : toNdjson(presented),
    count: presented.length,
    truncated: rows.length === EXPORT_LIMIT,
  };
}

/** The completed event `id`, when it matches the filter (for the live tail). */
export async function completedEvent(prisma: PrismaClient, filter: AuditFilter, id: string) {
  const row = await prisma.auditEvent.findFirst({
    where: { AND: [auditWhere(filter), { id }] },
    select: auditColumns,
  });
  return row ? presentAuditRow(row) : null;
}
