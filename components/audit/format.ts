import type { RouterOutputs } from "../api-types";

export type AuditEvent = RouterOutputs["audit"]["list"]["items"][number];

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  if (ms < 1000) return `${ms} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** What the event was about, in a few words: "team ops" or the bare id. */
export function describeTarget(event: Pick<AuditEvent, "targetKind" | "targetName" | "targetId">): string {
  const what = event.targetName ?? event.targetId;
  if (!event.targetKind && !what) return "—";
  return [event.targetKind, what].filter(Boolean).join(" ");
}

/** The server's timestamps to the second: several events often share a minute. */
const precise = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });
export function formatEventTime(value: string | Date): string {
  return precise.format(new Date(value));
}
