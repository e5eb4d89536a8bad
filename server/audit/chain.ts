// The hash chain: each completed event's hash covers its canonical content and the hash of
// the event before it, so editing, deleting or inserting a row breaks the chain there.
import { createHash } from "node:crypto";

export interface ChainedFields {
  id: string;
  chainSeq: bigint;
  time: Date;
  actorUserId: string | null;
  actorUsername: string | null;
  actorTokenId: string | null;
  ip: string | null;
  userAgent: string | null;
  action: string;
  permission: string | null;
  environmentId: string | null;
  targetKind: string | null;
  targetId: string | null;
  targetName: string | null;
  params: unknown;
  outcome: string;
  error: string | null;
  durationMs: number | null;
  prevHash: string | null;
}

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

export function eventHash(fields: ChainedFields): string {
  const { prevHash, ...content } = fields;
  return createHash("sha256")
    .update(prevHash ?? GENESIS_HASH)
    .update("\n")
    .update(canonicalJson(content))
    .digest("hex");
}
