// Which columns of the container list are shown: the viewer's choice, kept in this browser.
export const COLUMNS = [
  { key: "environment", label: "Environment" },
  { key: "image", label: "Image" },
  { key: "state", label: "State" },
  { key: "usage", label: "CPU / memory" },
  { key: "status", label: "Status" },
  { key: "ports", label: "Ports" },
  { key: "ip", label: "IP" },
  { key: "created", label: "Created" },
  { key: "project", label: "Stack / project" },
] as const;

export type ColumnKey = (typeof COLUMNS)[number]["key"];

const ALL = new Set<string>(COLUMNS.map((c) => c.key));
export const DEFAULT_COLUMNS: ReadonlySet<ColumnKey> = new Set<ColumnKey>([
  "environment",
  "image",
  "state",
  "usage",
  "status",
  "ports",
  "created",
  "project",
]);

export const STORAGE_KEY = "stevedore.containers.columns";

/** What was saved, without names this version does not know; the default when nothing was. */
export function parseColumns(saved: string | null): ReadonlySet<ColumnKey> {
  if (!saved) return DEFAULT_COLUMNS;
  try {
    const value: unknown = JSON.parse(saved);
    if (!Array.isArray(value)) return DEFAULT_COLUMNS;
    return new Set(value.filter((k): k is ColumnKey => typeof k === "string" && ALL.has(k)));
  } catch {
    return DEFAULT_COLUMNS;
  }
}
