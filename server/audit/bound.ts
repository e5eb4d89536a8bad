// What an audit event keeps of a call's input is bounded, whatever was sent: long strings,
// long arrays, objects with many keys and deep nesting are shortened at any depth, and each
// cut leaves a marker with the SHA-256 of the whole value it shortened (so a copy of what was
// sent can still be matched to the record). Strings are also made storable: Postgres refuses
// NUL characters and lone UTF-16 surrogates, and a record that cannot be stored is a record
// lost. Nothing here recurses deeper than MAX_DEPTH, and the digest walks iteratively, so no
// input can overflow the stack.
import { createHash } from "node:crypto";

export const RECORD_LIMITS = {
  /** characters kept of a string */
  string: 1024,
  /** characters kept of an object key */
  key: 128,
  /** items kept of an array */
  items: 50,
  /** keys kept of an object */
  keys: 100,
  /** levels of nesting kept */
  depth: 8,
} as const;

/** Shown instead of a NUL character, which Postgres cannot store in text. */
const NUL_STAND_IN = "\u2400";

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** A string Postgres can store: no NUL, no lone surrogate (either would fail the write). */
export function storableText(text: string): string {
  const noNul = text.includes("\u0000") ? text.replaceAll("\u0000", NUL_STAND_IN) : text;
  return noNul.replace(LONE_SURROGATE, "\uFFFD");
}

/** Storable, and at most `max` characters (with a marker saying how much was cut). */
export function boundedText(text: string, max: number = RECORD_LIMITS.string): string {
  if (text.length <= max) return storableText(text);
  return `${storableText(text.slice(0, max))}… [cut ${(text.length - max).toLocaleString("en")} characters; sha256 of the whole: ${digestOf(text)}]`;
}

/**
 * SHA-256 of a value's canonical JSON (keys sorted), computed without recursion: the same
 * text `canonicalJson` would give, for any depth.
 */
export function digestOf(value: unknown): string {
  const hash = createHash("sha256");
  // A stack of things still to write: values, or literal text (closing brackets, commas).
  const stack: ({ text: string } | { value: unknown })[] = [{ value }];
  while (stack.length) {
    const next = stack.pop()!;
    if ("text" in next) {
      hash.update(next.text);
      continue;
    }
    const v = next.value;
    if (v === undefined || v === null) hash.update("null");
    else if (typeof v === "bigint") hash.update(JSON.stringify(v.toString()));
    else if (v instanceof Date) hash.update(JSON.stringify(v.toISOString()));
    else if (Array.isArray(v)) {
      hash.update("[");
      stack.push({ text: "]" });
      for (let i = v.length - 1; i >= 0; i--) {
        stack.push({ value: v[i] });
        if (i > 0) stack.push({ text: "," });
      }
    } else if (typeof v === "object") {
      const entries = Object.entries(v as Record<string, unknown>)
        .filter(([, item]) => item !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      hash.update("{");
      stack.push({ text: "}" });
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, item] = entries[i]!;
        stack.push({ value: item });
        stack.push({ text: `${JSON.stringify(key)}:` });
        if (i > 0) stack.push({ text: "," });
      }
    } else hash.update(JSON.stringify(v) ?? "null");
  }
  return hash.digest("hex");
}

/** The input as the record keeps it: bounded at every level, every string storable. */
export function boundForRecord(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return boundedText(value);
  if (value === null || typeof value !== "object") {
    // Numbers, booleans: as they are (JSON has no NaN or Infinity: stored as null).
    return typeof value === "number" && !Number.isFinite(value) ? null : value;
  }
  if (value instanceof Date) return value.toISOString();
  if (depth >= RECORD_LIMITS.depth) {
    return `[cut: nested deeper than ${RECORD_LIMITS.depth} levels; sha256 of the whole: ${digestOf(value)}]`;
  }
  if (Array.isArray(value)) {
    const kept = value.slice(0, RECORD_LIMITS.items).map((item) => boundForRecord(item, depth + 1));
    if (value.length > RECORD_LIMITS.items) {
      kept.push(
        `[cut ${(value.length - RECORD_LIMITS.items).toLocaleString("en")} more items; sha256 of the whole array: ${digestOf(value)}]`,
      );
    }
    return kept;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, item]) => item !== undefined);
  const out: Record<string, unknown> = {};
  for (const [key, item] of entries.slice(0, RECORD_LIMITS.keys)) {
    out[boundedText(key, RECORD_LIMITS.key)] = boundForRecord(item, depth + 1);
  }
  if (entries.length > RECORD_LIMITS.keys) {
    out["[cut]"] =
      `${(entries.length - RECORD_LIMITS.keys).toLocaleString("en")} more keys; sha256 of the whole object: ${digestOf(value)}`;
  }
  return out;
}
