// The container list's contract, shared by the server and the page: its input (zod), and the
// rules by which a row matches a search or a filter and how rows are ordered. The page filters
// and sorts in the browser with these rules; the server uses the same ones to answer a first
// screen (`first`) that is the top of what the page will show, so the rows drawn first are
// the rows that stay when the whole list arrives.
import { z } from "zod";

/** The list's filters, each named for its URL key and the column it filters. */
export const FILTER_KEYS = ["env", "state", "image", "label", "stack"] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];

export const SORTABLE = ["env", "name", "image", "state", "created"] as const;
export type SortKey = (typeof SORTABLE)[number];

/** The most rows a first screen may ask for (a tall screen shows about 40). */
export const FIRST_SCREEN_MAX = 500;

/**
 * A first screen: the top `limit` rows of the list as the page will show it (its search, its
 * filters, its sort), sent ahead of the whole list so the first rows wait for nothing else.
 */
export const firstScreenInput = z.object({
  limit: z.number().int().min(1).max(FIRST_SCREEN_MAX),
  q: z.string().max(200).optional(),
  filters: z.partialRecord(z.enum(FILTER_KEYS), z.string().max(200)).optional(),
  sort: z.object({ id: z.string().max(32), desc: z.boolean() }).optional(),
});
export type FirstScreen = z.infer<typeof firstScreenInput>;

/** What the rules read of a row (a `containers.list` item). */
export interface ListedContainer {
  environmentId: string;
  id: string;
  name: string;
  image: string;
  state: string;
  created: number;
  labels: Record<string, string>;
  compose?: { project: string };
  stack?: { namespace: string };
}

/** The stack or compose project a container belongs to, if any. */
export function projectOf(row: ListedContainer): string | null {
  return row.stack?.namespace ?? row.compose?.project ?? null;
}

// A row's name and image in lower case, made once per row object (a changed container is a new
// object): a keystroke then costs a lookup and two `includes` per row, not two new strings.
const lowered = new WeakMap<ListedContainer, readonly [string, string]>();

/** The search: part of the name or image, or the start of the id. `needle` comes in lower case. */
export function matchesSearch(row: ListedContainer, needle: string): boolean {
  let text = lowered.get(row);
  if (!text) {
    text = [row.name.toLowerCase(), row.image.toLowerCase()];
    lowered.set(row, text);
  }
  return text[0].includes(needle) || text[1].includes(needle) || row.id.startsWith(needle);
}

/** `key` (the label is there) or `key=value` (with that value). */
export function labelMatches(labels: Record<string, string>, filter: string): boolean {
  const at = filter.indexOf("=");
  if (at === -1) return Object.hasOwn(labels, filter.trim());
  const key = filter.slice(0, at).trim();
  return Object.hasOwn(labels, key) && labels[key] === filter.slice(at + 1);
}

/** Whether a row passes one filter; an empty filter passes everything. */
export function matchesFilter(key: FilterKey, row: ListedContainer, value: string): boolean {
  if (!value.trim()) return true;
  switch (key) {
    case "env":
      return row.environmentId === value;
    case "state":
      return row.state === value;
    case "image":
      return row.image.toLowerCase().includes(value.trim().toLowerCase());
    case "label":
      return labelMatches(row.labels, value);
    case "stack":
      return projectOf(row) === value;
  }
}

/**
 * How two rows compare under one column's sort, ascending (the table's columns sort by these);
 * undefined for a column that does not sort.
 */
export function sortOf(
  id: string,
  envName: (environmentId: string) => string,
): ((a: ListedContainer, b: ListedContainer) => number) | undefined {
  switch (id) {
    case "env":
      return (a, b) => envName(a.environmentId).localeCompare(envName(b.environmentId));
    case "name":
      return (a, b) => a.name.localeCompare(b.name);
    case "image":
      return (a, b) => a.image.toLowerCase().localeCompare(b.image.toLowerCase());
    case "state":
      return (a, b) => a.state.localeCompare(b.state);
    case "created":
      return (a, b) => a.created - b.created;
    default:
      return undefined;
  }
}

/**
 * The first screen of a list: the rows that pass the search and every filter, in the asked
 * order (ties in the list's order, as the table keeps them), the first `limit` of them.
 */
export function firstScreenOf<T extends ListedContainer>(
  items: readonly T[],
  first: FirstScreen,
  envName: (environmentId: string) => string,
): T[] {
  const needle = first.q?.trim().toLowerCase() ?? "";
  const filters = Object.entries(first.filters ?? {}).filter(([, value]) => value?.trim()) as Array<
    [FilterKey, string]
  >;
  const passing =
    needle || filters.length
      ? items.filter(
          (row) =>
            (!needle || matchesSearch(row, needle)) && filters.every(([key, value]) => matchesFilter(key, row, value)),
        )
      : items.slice();
  const compare = first.sort ? sortOf(first.sort.id, envName) : undefined;
  if (!compare) return passing.slice(0, first.limit);
  const sign = first.sort!.desc ? -1 : 1;
  return topOf(passing, first.limit, (a, b) => sign * compare(a, b));
}

/**
 * The first `limit` of `items` in `compare`'s order, stable: without sorting them all when the
 * limit is small (one pass keeping the best `limit`, sorted, and a binary insert for each row
 * that beats the last of them).
 */
function topOf<T>(items: readonly T[], limit: number, compare: (a: T, b: T) => number): T[] {
  if (items.length <= limit) return items.slice().sort(compare);
  const best: T[] = items.slice(0, limit).sort(compare);
  for (let i = limit; i < items.length; i++) {
    const item = items[i]!;
    // Not before the last kept: equal rows keep the list's order, so only a strictly smaller one enters.
    if (compare(item, best[limit - 1]!) >= 0) continue;
    let lo = 0;
    let hi = limit - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compare(item, best[mid]!) < 0) hi = mid;
      else lo = mid + 1;
    }
    best.splice(lo, 0, item);
    best.pop();
  }
  return best;
}
