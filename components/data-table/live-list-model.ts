// How a list kept live by the fleet's feed changes, as pure functions over the cached answer:
// the picture's changes applied in place, one environment's status applied to that environment's
// error banner only, and a fresh read of some environments merged over what was there. (The
// environments' own statuses: ./live-status-sync.ts.)
import type { RouterOutputs } from "../api-types";

type FleetChange = RouterOutputs["fleet"]["changes"] extends AsyncIterable<infer C> ? C : never;
export type EnvironmentStatus = Extract<FleetChange, { type: "status" }>["status"];
export type PictureEvent = Extract<FleetChange, { type: "picture" }>["events"][number];

/**
 * Everything the feed may say. `resync` tells that the server dropped messages for these
 * environments (or all), or that an environment's watcher read its engine afresh: what the page
 * holds for them may be wrong and must be read again. Older servers never send it.
 */
export type LiveChange = FleetChange | { type: "resync"; environmentIds: string[] | "all" };

/** The kinds of the live picture that have a fleet-wide list (`<kind>.list`). */
export type LiveKind = Extract<PictureEvent, { kind: string }>["kind"];

export interface ListError {
  environmentId: string;
  code: string;
  cause?: string;
  message: string;
  latencyMs: number;
}

/** The shape every `<kind>.list` answers with. */
export interface LiveListData<T> {
  items: T[];
  errors: ListError[];
  paused: string[];
}

type Located = { environmentId: string };

/** An object's identity within its environment, as the server keys the picture (volumes by name). */
export function itemKey(kind: LiveKind, item: object): string {
  return kind === "volumes" ? (item as { name: string }).name : (item as { id: string }).id;
}

export const rowKeyOf = (environmentId: string, id: string) => `${environmentId}/${id}`;

/**
 * The list after a batch of picture events: upserts replace the row in place (or are added at
 * the end), removes drop it, an environment dropped from the fleet loses its rows (those the batch
 * upserts after the drop are its rows again: it was added back). Rows nothing
 * touched keep their identity, so what was drawn for them stays valid. Answers the same object
 * when the batch changed nothing of this kind.
 */
export function applyPictureEvents<T extends Located, D extends LiveListData<T>>(
  data: D,
  kind: LiveKind,
  events: readonly PictureEvent[],
): D {
  const upserts = new Map<string, T>();
  const removes = new Set<string>();
  const dropped = new Set<string>();
  const touched = new Set<string>();
  for (const event of events) {
    if (!("kind" in event)) {
      if (event.type !== "dropped") continue;
      // Everything the environment held goes, also what this batch said of it before; what the
      // batch says after (the environment added again) stays.
      dropped.add(event.environmentId);
      const prefix = rowKeyOf(event.environmentId, "");
      for (const key of upserts.keys()) if (key.startsWith(prefix)) upserts.delete(key);
      for (const key of removes) if (key.startsWith(prefix)) removes.delete(key);
      continue;
    }
    if (event.kind !== kind) continue;
    touched.add(event.environmentId);
    const key = rowKeyOf(event.environmentId, event.id);
    if (event.type === "upsert") {
      upserts.set(key, { ...(event.item as object), environmentId: event.environmentId } as T);
      removes.delete(key);
    } else {
      removes.add(key);
      upserts.delete(key);
    }
  }
  if (!upserts.size && !removes.size && !dropped.size) return data;
  // Only rows of the environments the batch touched need their key made (one batch is usually
  // one environment of fifty).
  for (const id of dropped) touched.add(id);
  let changed = false;
  const items: T[] = [];
  for (const row of data.items) {
    if (!touched.has(row.environmentId)) {
      items.push(row);
      continue;
    }
    const key = rowKeyOf(row.environmentId, itemKey(kind, row));
    if (dropped.has(row.environmentId) || removes.has(key)) {
      changed = true;
      continue;
    }
    const fresh = upserts.get(key);
    if (fresh) {
      upserts.delete(key);
      items.push(fresh);
      changed = true;
    } else {
      items.push(row);
    }
  }
  for (const fresh of upserts.values()) {
    items.push(fresh);
    changed = true;
  }
  const errors = dropped.size ? data.errors.filter((e) => !dropped.has(e.environmentId)) : data.errors;
  if (!changed && errors === data.errors) return data;
  return { ...data, items, errors };
}

/**
 * The list's per-environment errors after a status change: an environment that answers again
 * loses its error (its rows arrive as picture events or a resync), one that went down gets the
 * reason. Answers the same array when nothing changed.
 */
export function errorsAfterStatus(errors: ListError[], status: EnvironmentStatus): ListError[] {
  const at = errors.findIndex((e) => e.environmentId === status.environmentId);
  if (status.state === "down" && status.lastError) {
    const error: ListError = {
      environmentId: status.environmentId,
      code: status.lastError.code,
      ...(status.lastError.cause ? { cause: status.lastError.cause } : {}),
      message: status.lastError.message,
      latencyMs: status.latencyMs ?? 0,
    };
    if (at !== -1 && errors[at]!.message === error.message && errors[at]!.code === error.code) return errors;
    return at === -1 ? [...errors, error] : errors.map((e, i) => (i === at ? error : e));
  }
  if ((status.state === "up" || status.state === "degraded" || status.state === "paused") && at !== -1) {
    return errors.filter((_, i) => i !== at);
  }
  return errors;
}

/** A fresh read of some environments, merged over what the list held for them. */
export function mergeEnvironments<T extends Located, D extends LiveListData<T>>(
  data: D,
  fresh: LiveListData<T>,
  environmentIds: readonly string[],
): D {
  const ids = new Set(environmentIds);
  return {
    ...data,
    items: [...data.items.filter((row) => !ids.has(row.environmentId)), ...fresh.items],
    errors: [...data.errors.filter((e) => !ids.has(e.environmentId)), ...fresh.errors],
    paused: [...data.paused.filter((id) => !ids.has(id)), ...fresh.paused],
  };
}
