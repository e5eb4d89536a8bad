// Filters over the audit trail, shared by the list, the export and the live tail.
import { z } from "zod";
import type { Prisma } from "../generated/prisma/client";

export const auditFilter = z.object({
  actor: z.string().trim().max(128).optional(),
  action: z.string().trim().max(128).optional(),
  environmentId: z.string().max(64).optional(),
  /** an environment's name at the time of the event (part of it), or its id */
  environment: z.string().trim().max(256).optional(),
  target: z.string().trim().max(256).optional(),
  outcome: z.enum(["pending", "ok", "denied", "error", "interrupted"]).optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
});
export type AuditFilter = z.infer<typeof auditFilter>;

export function auditWhere(filter: AuditFilter = {}): Prisma.AuditEventWhereInput {
  const where: Prisma.AuditEventWhereInput[] = [];
  if (filter.actor) where.push({ actorUsername: { equals: filter.actor, mode: "insensitive" } });
  if (filter.action) where.push({ action: { startsWith: filter.action } });
  if (filter.environmentId) where.push({ environmentId: filter.environmentId });
  if (filter.environment) {
    where.push({
      OR: [
        { environmentId: filter.environment },
        { environmentName: { contains: filter.environment, mode: "insensitive" } },
      ],
    });
  }
  if (filter.outcome) where.push({ outcome: filter.outcome });
  if (filter.from) where.push({ time: { gte: filter.from } });
  if (filter.to) where.push({ time: { lte: filter.to } });
  if (filter.target) {
    const q = filter.target;
    where.push({
      OR: [
        { targetName: { contains: q, mode: "insensitive" } },
        { targetId: { contains: q, mode: "insensitive" } },
        { targetKind: { equals: q, mode: "insensitive" } },
      ],
    });
  }
  return where.length ? { AND: where } : {};
}

export const auditColumns = {
  id: true,
  chainSeq: true,
  time: true,
  actorUserId: true,
  actorUsername: true,
  actorTokenId: true,
  ip: true,
  userAgent: true,
  action: true,
  permission: true,
  environmentId: true,
  targetKind: true,
  targetId: true,
  targetName: true,
  params: true,
  outcome: true,
  error: true,
  durationMs: true,
  hash: true,
  environmentName: true,
  completionSeq: true,
  completedAt: true,
  completionHash: true,
} as const;

export type AuditRow = Prisma.AuditEventGetPayload<{ select: typeof auditColumns }>;

/** JSON-safe (chain positions are bigints in the database). */
export function presentAuditRow(row: AuditRow) {
  return {
    ...row,
    chainSeq: row.chainSeq === null ? null : row.chainSeq.toString(),
    completionSeq: row.completionSeq === null ? null : row.completionSeq.toString(),
  };
}
export type PresentedAuditRow = ReturnType<typeof presentAuditRow>;

const csvFields = [
  "chainSeq",
  "time",
  "actorUsername",
  "actorTokenId",
  "ip",
  "action",
  "permission",
  "environmentId",
  "environmentName",
  "targetKind",
  "targetId",
  "targetName",
  "outcome",
  "error",
  "durationMs",
  "params",
  "hash",
] as const;

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = value instanceof Date ? value.toISOString() : typeof value === "string" ? value : JSON.stringify(value);
  // Quote always; double quotes inside. A leading = + - @ would be run as a formula by
  // spreadsheets: prefix it with a quote (CSV injection).
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return `"${safe.replace(/"/g, '""')}"`;
}

export function toCsv(rows: PresentedAuditRow[]): string {
  const lines = [csvFields.join(",")];
  for (const row of rows) lines.push(csvFields.map((f) => csvCell(row[f])).join(","));
  return lines.join("\r\n") + "\r\n";
}

export function toNdjson(rows: PresentedAuditRow[]): string {
  return rows.map((row) => JSON.stringify(row)).join("\n") + (rows.length ? "\n" : "");
}
