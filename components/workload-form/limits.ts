// The restart policy and resource limits as a form holds them (text, as typed), shared by the
// create form and the Update dialog: the same field names, so the same section components.
import type { RestartName } from "@/server/workloads/sections/restart";

export type { RestartName };

export interface LimitValues {
  restartPolicy: { name: RestartName; maximumRetryCount: string };
  resources: { memoryMb: string; cpus: string; pidsLimit: string };
}

export const MB = 1024 * 1024;

/** Bytes as the MB field shows them ("64", "0.5"), "" for none. */
export const megabytes = (bytes: number | undefined) => (bytes ? String(Math.round((bytes / MB) * 100) / 100) : "");

/** A number field's text: undefined when empty, an issue when not a number. */
export function numberOf(
  text: string,
  path: string,
  issues: { path: string; message: string }[],
  integer = true,
): number | undefined {
  const t = text.trim();
  if (!t) return undefined;
  const n = Number(t);
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n))) {
    issues.push({ path, message: integer ? "Enter a whole number." : "Enter a number." });
    return undefined;
  }
  return n;
}
