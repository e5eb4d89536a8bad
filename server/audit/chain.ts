// The hash chain's arithmetic. Every link's hash covers the previous link's hash and the
// link's canonical content, so editing, deleting, inserting or reordering breaks the chain
// there. Links are keyed (HMAC-SHA256 with a key derived from STEVEDORE_SECRET_KEY or the key
// file, never stored in the database), so someone who can write the database but does not
// hold the key cannot re-hash what they changed. Links written before chains were keyed
// verify under the legacy rule (plain SHA-256); a signed "seal" checkpoint pins where that
// legacy part ends (server/audit/seal.ts), so it cannot be rewritten either.
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/** What an event says: everything but its place in the chain. */
export interface EventFields {
  id: string;
  time: Date;
  actorUserId: string | null;
  actorUsername: string | null;
  actorTokenId: string | null;
  ip: string | null;
  userAgent: string | null;
  action: string;
  permission: string | null;
  environmentId: string | null;
  environmentName: string | null;
  targetKind: string | null;
  targetId: string | null;
  targetName: string | null;
  params: unknown;
  outcome: string;
  error: string | null;
  durationMs: number | null;
}

export const EVENT_FIELD_NAMES = [
  "id",
  "time",
  "actorUserId",
  "actorUsername",
  "actorTokenId",
  "ip",
  "userAgent",
  "action",
  "permission",
  "environmentId",
  "environmentName",
  "targetKind",
  "targetId",
  "targetName",
  "params",
  "outcome",
  "error",
  "durationMs",
] as const satisfies readonly (keyof EventFields)[];

/** The fields a completion may change (what became known while the action ran). */
export const PATCHABLE_FIELDS = [
  "actorUserId",
  "actorUsername",
  "actorTokenId",
  "environmentId",
  "environmentName",
  "targetKind",
  "targetId",
  "targetName",
  "params",
] as const satisfies readonly (keyof EventFields)[];
export type PatchableField = (typeof PATCHABLE_FIELDS)[number];

/** JSON with object keys sorted at every level, so the same content hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === undefined || value === null) return "null";
  if (typeof value === "bigint") return JSON.stringify(value.toString());
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export const GENESIS_HASH = "0".repeat(64);

/** The link kinds: a whole event, the intent of an action that runs, and its completion. */
export type LinkKind = "event" | "intent" | "completion";

/** HMAC-SHA256 of the previous hash and a link's content, under the chain key. */
export function keyedLinkHash(
  key: Buffer,
  prevHash: string | null,
  kind: LinkKind,
  seq: bigint,
  content: Record<string, unknown>,
): string {
  return createHmac("sha256", key)
    .update(`stevedore audit v2 ${kind} ${seq}\n`)
    .update(prevHash ?? GENESIS_HASH)
    .update("\n")
    .update(canonicalJson(content))
    .digest("hex");
}

/** A whole event's or an intent's link. */
export function eventLinkHash(
  key: Buffer,
  prevHash: string | null,
  kind: "event" | "intent",
  seq: bigint,
  fields: EventFields,
): string {
  return keyedLinkHash(key, prevHash, kind, seq, { ...fields });
}

/** A completion's link: the event as it finally stands, tied to its intent's hash. */
export function completionLinkHash(
  key: Buffer,
  prevHash: string | null,
  seq: bigint,
  completion: { completedAt: Date; intentHash: string; final: EventFields },
): string {
  return keyedLinkHash(key, prevHash, "completion", seq, {
    completedAt: completion.completedAt,
    intentHash: completion.intentHash,
    event: completion.final,
  });
}

/** What a link written before chains were keyed covered: the event and its position. */
export type LegacyFields = Omit<EventFields, "environmentName"> & { chainSeq: bigint };

/** Links written before chains were keyed: sha256(previous hash, canonical content). */
export function legacyEventHash(prevHash: string | null, fields: LegacyFields): string {
  return createHash("sha256")
    .update(prevHash ?? GENESIS_HASH)
    .update("\n")
    .update(canonicalJson(fields))
    .digest("hex");
}

export interface CheckpointFields {
  id: string;
  createdAt: Date;
  kind: string;
  throughSeq: bigint;
  lastHash: string;
  pruned: number;
}

/** A checkpoint's signature: only the holder of the chain key can make a valid one. */
export function checkpointMac(key: Buffer, checkpoint: CheckpointFields): string {
  return createHmac("sha256", key)
    .update("stevedore audit v2 checkpoint\n")
    .update(
      canonicalJson({
        id: checkpoint.id,
        createdAt: checkpoint.createdAt,
        kind: checkpoint.kind,
        throughSeq: checkpoint.throughSeq,
        lastHash: checkpoint.lastHash,
        pruned: checkpoint.pruned,
      }),
    )
    .digest("hex");
}

/** Compares two hex digests in constant time (false when either is missing or malformed). */
export function sameDigest(a: string | null | undefined, b: string | null | undefined): boolean {
  if (!a || !b || a.length !== b.length) return false;
  return timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/** The intent as it was written: the event as it stands, with what its completion changed put back. */
export function intentOf(final: EventFields, intentFields: unknown): EventFields {
  const before = intentFields && typeof intentFields === "object" ? (intentFields as Partial<EventFields>) : {};
  return { ...final, ...before, outcome: "pending", error: null, durationMs: null };
}

/** What a completion changed of the intent's patchable fields: their values in the intent. */
export function changedByCompletion(intent: EventFields, final: EventFields): Record<string, unknown> | null {
  const changed: Record<string, unknown> = {};
  for (const field of PATCHABLE_FIELDS) {
    if (canonicalJson(intent[field]) !== canonicalJson(final[field])) changed[field] = intent[field];
  }
  return Object.keys(changed).length ? changed : null;
}
