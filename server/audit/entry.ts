// What the writer stores of an audit entry: every string storable and bounded, the input
// redacted (server/audit/redact.ts) and then bounded at any depth (server/audit/bound.ts), so
// no call, however large or hostile its input, makes a record that cannot be written or that
// overruns a transaction.
import type { EventFields, PatchableField } from "./chain";
import { boundedText, boundForRecord } from "./bound";
import { redact } from "./redact";

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
  environmentName?: string | null;
  targetKind?: string | null;
  targetId?: string | null;
  targetName?: string | null;
  params?: unknown;
}

/** Who acted, as an entry names them (the signed-in user and the token used, when any). */
interface Acting {
  userId: string;
  username: string;
  tokenId: string | null;
}

/**
 * The one way an entry starts, at every door (tRPC, downloads, consoles, refusals before
 * anyone is known): who asked, from where, and what; the rest as the door knows it.
 */
export function auditEntry(
  actor: Acting | null,
  request: { ip: string | null; userAgent: string | null },
  action: string,
  rest: Omit<AuditEntry, "action" | "ip" | "userAgent"> = {},
): AuditEntry {
  return {
    ...(actor ? { actorUserId: actor.userId, actorUsername: actor.username, actorTokenId: actor.tokenId } : {}),
    ip: request.ip,
    userAgent: request.userAgent,
    action,
    ...rest,
  };
}

export interface AuditCompletion {
  outcome: AuditOutcome;
  error?: string | null;
  durationMs?: number | null;
  /** what became known while running (the signed-in user after a sign-in, a created id) */
  patch?: Partial<AuditEntry>;
  /** a console session's recording as written: its digest goes into the event's parameters */
  recording?: { sha256: string; chunks: number } | null;
}

/** Limits per column, in characters. */
const COLUMN_LIMITS = {
  actorUserId: 64,
  actorUsername: 128,
  actorTokenId: 64,
  ip: 64,
  userAgent: 512,
  action: 128,
  permission: 128,
  environmentId: 64,
  environmentName: 256,
  targetKind: 64,
  targetId: 256,
  targetName: 256,
  error: 2000,
} as const;

function text(value: string | null | undefined, max: number): string | null {
  return value === null || value === undefined ? null : boundedText(String(value), max);
}

/** The input as recorded: secrets redacted first (so no digest is taken of a secret), then bounded. */
export function recordedParams(params: unknown): unknown {
  return params === undefined || params === null ? null : boundForRecord(redact(params));
}

/** A new event's fields (an intent's are "pending", with no error or duration yet). */
export function eventFieldsFor(
  id: string,
  time: Date,
  entry: AuditEntry,
  completion: AuditCompletion | null,
): EventFields {
  const merged = { ...entry, ...definedOnly(completion?.patch ?? {}) };
  return {
    id,
    time,
    actorUserId: text(merged.actorUserId, COLUMN_LIMITS.actorUserId),
    actorUsername: text(merged.actorUsername, COLUMN_LIMITS.actorUsername),
    actorTokenId: text(merged.actorTokenId, COLUMN_LIMITS.actorTokenId),
    ip: text(merged.ip, COLUMN_LIMITS.ip),
    userAgent: text(merged.userAgent, COLUMN_LIMITS.userAgent),
    action: text(entry.action, COLUMN_LIMITS.action) ?? "unknown",
    permission: text(merged.permission, COLUMN_LIMITS.permission),
    environmentId: text(merged.environmentId, COLUMN_LIMITS.environmentId),
    environmentName: text(merged.environmentName, COLUMN_LIMITS.environmentName),
    targetKind: text(merged.targetKind, COLUMN_LIMITS.targetKind),
    targetId: text(merged.targetId, COLUMN_LIMITS.targetId),
    targetName: text(merged.targetName, COLUMN_LIMITS.targetName),
    params: recordedParams(merged.params),
    outcome: completion?.outcome ?? "pending",
    error: completion ? text(completion.error, COLUMN_LIMITS.error) : null,
    durationMs: completion ? wholeMs(completion.durationMs) : null,
  };
}

/** Only the fields a completion's patch names, made storable like a new event's. */
export function patchFieldsFor(patch: Partial<AuditEntry>): Partial<Pick<EventFields, PatchableField>> {
  const out: Partial<Pick<EventFields, PatchableField>> = {};
  const given = definedOnly(patch);
  for (const key of ["actorUserId", "actorUsername", "actorTokenId", "environmentId"] as const) {
    if (key in given) out[key] = text(given[key], COLUMN_LIMITS[key]);
  }
  for (const key of ["environmentName", "targetKind", "targetId", "targetName"] as const) {
    if (key in given) out[key] = text(given[key], COLUMN_LIMITS[key]);
  }
  if ("params" in given) out.params = recordedParams(given.params);
  return out;
}

export function completionText(error: string | null | undefined): string | null {
  return text(error, COLUMN_LIMITS.error);
}

export function wholeMs(ms: number | null | undefined): number | null {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return null;
  return Math.max(0, Math.min(2_147_483_647, Math.round(ms)));
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
