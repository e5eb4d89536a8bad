"use client";

import { useCallback, useMemo, useSyncExternalStore } from "react";

const CHANGED = "stevedore:columns";

function subscribe(onChange: () => void) {
  window.addEventListener("storage", onChange);
  window.addEventListener(CHANGED, onChange);
  return () => {
    window.removeEventListener("storage", onChange);
    window.removeEventListener(CHANGED, onChange);
  };
}

export interface ChoosableColumn {
  id: string;
  defaultHidden?: boolean;
}

/**
 * Which of the optional columns are shown, as saved (a JSON list of ids), without ids this
 * version does not know; the default when nothing was saved or it cannot be read.
 */
export function parseColumnChoice(saved: string | null, columns: readonly ChoosableColumn[]): ReadonlySet<string> {
  const fallback = new Set(columns.filter((c) => !c.defaultHidden).map((c) => c.id));
  if (!saved) return fallback;
  try {
    const value: unknown = JSON.parse(saved);
    if (!Array.isArray(value)) return fallback;
    const known = new Set(columns.map((c) => c.id));
    return new Set(value.filter((id): id is string => typeof id === "string" && known.has(id)));
  } catch {
    return fallback;
  }
}

/** Whether a saved value is a choice this version can read (a JSON list), not a fallback. */
export function isReadableChoice(saved: string | null): boolean {
  if (!saved) return false;
  try {
    return Array.isArray(JSON.parse(saved));
  } catch {
    return false;
  }
}

/**
 * The viewer's choice of optional columns, kept in this browser under `storageKey` (and
 * followed across its tabs), and whether it is one they saved (not the defaults). The server renders the default; the saved choice applies once the
 * page runs in the browser.
 */
export function useColumnChoice(
  storageKey: string,
  columns: readonly ChoosableColumn[],
): [ReadonlySet<string>, (next: ReadonlySet<string>) => void, boolean] {
  const saved = useSyncExternalStore(
    subscribe,
    () => window.localStorage.getItem(storageKey),
    () => null,
  );
  const chosen = useMemo(() => parseColumnChoice(saved, columns), [saved, columns]);
  const choose = useCallback(
    (next: ReadonlySet<string>) => {
      window.localStorage.setItem(storageKey, JSON.stringify([...next]));
      window.dispatchEvent(new Event(CHANGED));
    },
    [storageKey],
  );
  // Saved means the user chose: a table keeps such columns however narrow (useDataTable).
  return [chosen, choose, useMemo(() => isReadableChoice(saved), [saved])];
}
