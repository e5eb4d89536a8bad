// Checks every procedure's raw input gets before anything else looks at it, whatever its
// schema: no NUL characters (Postgres cannot store them, so they would fail deep inside a
// handler or the audit write), and no nesting deep enough to overflow a recursive walker
// (JSON.parse accepts a million levels; JSON.stringify, zod and the policy walkers do not), and
// no object wider than any input has a use for (zod takes seconds over the 90,000 unknown keys a
// 1 MiB body holds, where this walk, which enumerates them anyway, stops at once). Iterative, so
// the check itself cannot overflow.
import { clip } from "./input-errors";

export const MAX_INPUT_DEPTH = 64;
/** The most fields one object of an input may have (labels, options, filters: a few dozen). */
export const MAX_INPUT_FIELDS = 1_000;

/** Where in the input, for the message: each field name clipped (a caller's names may be huge). */
function where(path: (string | number)[]): string {
  if (!path.length) return "the input";
  const shown = path.map((p, i) => (typeof p === "number" ? `[${p}]` : i ? `.${clip(p, 40)}` : clip(p, 40))).join("");
  return clip(shown, 200);
}

/** A sentence saying what is wrong with the input, or null. */
export function hostileInputProblem(input: unknown): string | null {
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value: input, path: [] }];
  while (stack.length) {
    const { value, path } = stack.pop()!;
    if (typeof value === "string") {
      if (value.includes("\u0000")) return `${where(path)} contains a NUL character, which text may not hold.`;
      continue;
    }
    if (value === null || typeof value !== "object") continue;
    if (path.length >= MAX_INPUT_DEPTH) {
      return `${where(path.slice(0, 4))}… is nested more than ${MAX_INPUT_DEPTH} levels deep.`;
    }
    if (Array.isArray(value)) {
      value.forEach((item, i) => stack.push({ value: item, path: [...path, i] }));
      continue;
    }
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length > MAX_INPUT_FIELDS) {
      return `${where(path.slice(0, 4))} has ${entries.length.toLocaleString("en")} fields; at most ${MAX_INPUT_FIELDS.toLocaleString("en")} are accepted.`;
    }
    for (const [key, item] of entries) {
      if (key.includes("\u0000")) return `A field name in ${where(path)} contains a NUL character.`;
      stack.push({ value: item, path: [...path, key] });
    }
  }
  return null;
}
