// What runs in a container (`docker top`) and what changed in its filesystem against its
// image (`docker diff`): two plain reads within the fleet's deadline.
import type { Fleet } from "./fleet";

export interface ProcessList {
  /** column names as `ps` printed them (UID, PID, PPID, C, STIME, TTY, TIME, CMD) */
  titles: string[];
  processes: string[][];
}

export function containerTop(fleet: Fleet, environmentId: string, id: string): Promise<ProcessList> {
  return fleet.call(environmentId, "container top", async (docker) => {
    const top = (await docker.getContainer(id).top()) as { Titles?: string[]; Processes?: string[][] | null };
    return { titles: top.Titles ?? [], processes: top.Processes ?? [] };
  });
}

export type ChangeKind = "A" | "C" | "D";

export interface FilesystemChanges {
  changes: { kind: ChangeKind; path: string }[];
  /** more changes than `limit`: the rest were left out */
  truncated: boolean;
  total: number;
}

/** The engine's Kind: 0 changed, 1 added, 2 deleted (the letters `docker diff` prints). */
const KINDS: Record<number, ChangeKind> = { 0: "C", 1: "A", 2: "D" };

export function containerChanges(
  fleet: Fleet,
  environmentId: string,
  id: string,
  limit = 10_000,
): Promise<FilesystemChanges> {
  return fleet.call(
    environmentId,
    "container diff",
    async (docker) => {
      const raw = engineList<{ Path: string; Kind: number }>(await docker.getContainer(id).changes());
      const changes = raw.map((c) => ({ kind: KINDS[c.Kind] ?? "C", path: c.Path }));
      changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      return { changes: changes.slice(0, limit), truncated: changes.length > limit, total: changes.length };
    },
    { deadlineMs: 15_000 },
  );
}

/**
 * The engine answers `null` for a container with no changes, and docker-modem hands that
 * back undecoded, as a Buffer holding "null\n": anything that is not a list is none.
 */
function engineList<T>(answer: unknown): T[] {
  const decoded: unknown = Buffer.isBuffer(answer) ? JSON.parse(answer.toString("utf8") || "null") : answer;
  return Array.isArray(decoded) ? (decoded as T[]) : [];
}
