// The container list's pure parts: rows, what the URL may say to show, and how a row matches a
// search or a filter. Kept free of React so the rules read in one place; the columns
// (./columns/*) hand them to the table.
import type { RouterOutputs } from "../api-types";
import type { ListView, ViewSpec } from "../data-table/url-view";
import { FILTER_KEYS, SORTABLE, type FilterKey, type FirstScreen } from "@/server/modules/containers/contract";

// The rules a row is matched and sorted by are shared with the server (its first screen).
export {
  FILTER_KEYS,
  labelMatches,
  matchesFilter,
  matchesSearch,
  projectOf,
  type FilterKey,
} from "@/server/modules/containers/contract";

export type ContainerRow = RouterOutputs["containers"]["list"]["items"][number];
export type ListError = RouterOutputs["containers"]["list"]["errors"][number];

export const CONTAINERS_VIEW: ViewSpec<FilterKey> = {
  filters: FILTER_KEYS,
  sortable: SORTABLE,
  defaultSort: { id: "name", desc: false },
};

export const STATES = ["running", "exited", "paused", "restarting", "created", "dead"] as const;

export const rowKey = (row: Pick<ContainerRow, "environmentId" | "id">) => `${row.environmentId}/${row.id}`;

/** How many rows the first screen asks for: more than any screen shows, a few kilobytes. */
export const FIRST_SCREEN_ROWS = 100;

/**
 * How many the page's server render reads and sends with the HTML: the rows a tall screen shows
 * and then some (each one is in the page twice, drawn and as data for the browser).
 */
export const SERVED_FIRST_ROWS = 40;

/** The first screen of the page's view, as `containers.list` takes it (`first`). */
export function firstScreenFor(view: ListView<FilterKey>, limit = FIRST_SCREEN_ROWS): FirstScreen {
  const filters: FirstScreen["filters"] = {};
  for (const key of FILTER_KEYS) if (view.filters[key]?.trim()) filters[key] = view.filters[key];
  return {
    limit,
    ...(view.q.trim() ? { q: view.q } : {}),
    ...(Object.keys(filters).length ? { filters } : {}),
    sort: view.sort,
  };
}

/** Whether two first screens are of the same view (whatever their number of rows). */
export function sameView(a: FirstScreen, b: FirstScreen): boolean {
  return JSON.stringify({ ...a, limit: 0 }) === JSON.stringify({ ...b, limit: 0 });
}

/** "0.0.0.0:8080->80/tcp", shortest form first, without duplicates from IPv4 and IPv6 bindings. */
export function formatPorts(ports: ContainerRow["ports"]): string[] {
  const seen = new Set<string>();
  for (const p of ports) {
    seen.add(p.publicPort ? `${p.publicPort}->${p.privatePort}/${p.type}` : `${p.privatePort}/${p.type}`);
  }
  return [...seen];
}
