// The container list's pure parts: rows, what the URL says to show, filtering and sorting.
// Kept free of React so the rules read in one place.
import type { RouterOutputs } from "../api-types";

export type ContainerRow = RouterOutputs["containers"]["list"]["items"][number];
export type ListError = RouterOutputs["containers"]["list"]["errors"][number];

export const SORT_KEYS = ["environment", "name", "image", "state", "created"] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export interface ListView {
  q: string;
  env: string;
  state: string;
  /** image name, or part of it */
  image: string;
  /** `key` or `key=value` */
  label: string;
  /** a swarm stack or compose project name */
  stack: string;
  sort: SortKey;
  dir: "asc" | "desc";
}

export const FILTER_KEYS = ["q", "env", "state", "image", "label", "stack"] as const;
const VIEW_KEYS = [...FILTER_KEYS, "sort", "dir"] as const;

export const DEFAULT_VIEW: ListView = {
  q: "",
  env: "",
  state: "",
  image: "",
  label: "",
  stack: "",
  sort: "name",
  dir: "asc",
};

export const NO_FILTERS = { q: "", env: "", state: "", image: "", label: "", stack: "" } as const;

export function isFiltered(view: ListView): boolean {
  return FILTER_KEYS.some((key) => view[key] !== "");
}

/** Filters live in the URL so a view can be linked to. */
export function viewFromParams(params: URLSearchParams): ListView {
  const sort = params.get("sort");
  return {
    q: params.get("q") ?? "",
    env: params.get("env") ?? "",
    state: params.get("state") ?? "",
    image: params.get("image") ?? "",
    label: params.get("label") ?? "",
    stack: params.get("stack") ?? "",
    sort: SORT_KEYS.includes(sort as SortKey) ? (sort as SortKey) : DEFAULT_VIEW.sort,
    dir: params.get("dir") === "desc" ? "desc" : "asc",
  };
}

export function paramsFromView(view: ListView): string {
  const params = new URLSearchParams();
  for (const key of VIEW_KEYS) {
    if (view[key] && view[key] !== DEFAULT_VIEW[key]) params.set(key, view[key]);
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

export const rowKey = (row: Pick<ContainerRow, "environmentId" | "id">) => `${row.environmentId}/${row.id}`;

/** The stack or compose project a container belongs to, if any. */
export function projectOf(row: ContainerRow): string | null {
  return row.stack?.namespace ?? row.compose?.project ?? null;
}

function labelMatches(labels: Record<string, string>, filter: string): boolean {
  const at = filter.indexOf("=");
  if (at === -1) return Object.hasOwn(labels, filter.trim());
  const key = filter.slice(0, at).trim();
  return Object.hasOwn(labels, key) && labels[key] === filter.slice(at + 1);
}

export function visibleRows(rows: ContainerRow[], view: ListView, envName: (id: string) => string): ContainerRow[] {
  const needle = view.q.trim().toLowerCase();
  const image = view.image.trim().toLowerCase();
  const kept = rows.filter(
    (row) =>
      (!view.env || row.environmentId === view.env) &&
      (!view.state || row.state === view.state) &&
      (!image || row.image.toLowerCase().includes(image)) &&
      (!view.label.trim() || labelMatches(row.labels, view.label)) &&
      (!view.stack || projectOf(row) === view.stack) &&
      (!needle ||
        row.name.toLowerCase().includes(needle) ||
        row.image.toLowerCase().includes(needle) ||
        row.id.startsWith(needle)),
  );
  const value = (row: ContainerRow): string | number => {
    switch (view.sort) {
      case "environment":
        return envName(row.environmentId).toLowerCase();
      case "image":
        return row.image.toLowerCase();
      case "state":
        return row.state;
      case "created":
        return row.created;
      default:
        return row.name.toLowerCase();
    }
  };
  const sign = view.dir === "asc" ? 1 : -1;
  return kept.sort((a, b) => {
    const x = value(a);
    const y = value(b);
    if (x < y) return -sign;
    if (x > y) return sign;
    return a.name.localeCompare(b.name);
  });
}

/** "0.0.0.0:8080->80/tcp", shortest form first, without duplicates from IPv4 and IPv6 bindings. */
export function formatPorts(ports: ContainerRow["ports"]): string[] {
  const seen = new Set<string>();
  for (const p of ports) {
    seen.add(p.publicPort ? `${p.publicPort}->${p.privatePort}/${p.type}` : `${p.privatePort}/${p.type}`);
  }
  return [...seen];
}
