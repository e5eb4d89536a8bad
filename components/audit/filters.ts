// The audit page's filters live in the URL query string, so a filtered view can be linked.
export const outcomes = ["pending", "ok", "denied", "error", "interrupted"] as const;
export type Outcome = (typeof outcomes)[number];

/** As the URL and the API take it: dates as ISO strings. */
export interface AuditFilter {
  actor?: string;
  action?: string;
  target?: string;
  outcome?: Outcome;
  environmentId?: string;
  /** an environment's name at the time (or part of it): finds events of one since renamed or removed */
  environment?: string;
  from?: string;
  to?: string;
}

const textKeys = ["actor", "action", "target", "environmentId", "environment", "from", "to"] as const;

export function filterFromSearch(params: URLSearchParams): AuditFilter {
  const filter: AuditFilter = {};
  for (const key of textKeys) {
    const value = params.get(key)?.trim();
    if (value) filter[key] = value;
  }
  const outcome = params.get("outcome");
  if (outcome && (outcomes as readonly string[]).includes(outcome)) filter.outcome = outcome as Outcome;
  // A hand-edited link with a date that does not parse would only make the server refuse the list.
  for (const key of ["from", "to"] as const) {
    const value = filter[key];
    if (value !== undefined && Number.isNaN(new Date(value).getTime())) delete filter[key];
  }
  return filter;
}

export function searchFromFilter(filter: AuditFilter): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filter)) {
    if (typeof value === "string" && value) params.set(key, value);
  }
  const query = params.toString();
  return query ? `?${query}` : "";
}

/** `<input type="datetime-local">` speaks local time without a zone; the URL carries ISO. */
export function toLocalInput(iso: string | undefined): string {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export function fromLocalInput(value: string): string | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
