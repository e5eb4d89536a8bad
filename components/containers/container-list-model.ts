// The container list's pure parts: rows, what the URL may say to show, and how a row matches a
// search or a filter. Kept free of React so the rules read in one place; the columns
// (./columns/*) hand them to the table.
import type { RouterOutputs } from "../api-types";
import type { ViewSpec } from "../data-table/url-view";

export type ContainerRow = RouterOutputs["containers"]["list"]["items"][number];
export type ListError = RouterOutputs["containers"]["list"]["errors"][number];

/** The list's filters, each named for its URL key and the column it filters. */
export const FILTER_KEYS = ["env", "state", "image", "label", "stack"] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];

export const CONTAINERS_VIEW: ViewSpec<FilterKey> = {
  filters: FILTER_KEYS,
  sortable: ["env", "name", "image", "state", "created"],
  defaultSort: { id: "name", desc: false },
};

export const STATES = ["running", "exited", "paused", "restarting", "created", "dead"] as const;

export const rowKey = (row: Pick<ContainerRow, "environmentId" | "id">) => `${row.environmentId}/${row.id}`;

/** The stack or compose project a container belongs to, if any. */
export function projectOf(row: ContainerRow): string | null {
  return row.stack?.namespace ?? row.compose?.project ?? null;
}

// A row's name and image in lower case, made once per row object (a changed container is a new
// object): a keystroke then costs a lookup and two `includes` per row, not two new strings.
const lowered = new WeakMap<ContainerRow, readonly [string, string]>();

/** The search: part of the name or image, or the start of the id. `needle` comes in lower case. */
export function matchesSearch(row: ContainerRow, needle: string): boolean {
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
export function matchesFilter(key: FilterKey, row: ContainerRow, value: string): boolean {
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

/** "0.0.0.0:8080->80/tcp", shortest form first, without duplicates from IPv4 and IPv6 bindings. */
export function formatPorts(ports: ContainerRow["ports"]): string[] {
  const seen = new Set<string>();
  for (const p of ports) {
    seen.add(p.publicPort ? `${p.publicPort}->${p.privatePort}/${p.type}` : `${p.privatePort}/${p.type}`);
  }
  return [...seen];
}
