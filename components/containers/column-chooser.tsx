"use client";

import { Columns3 } from "lucide-react";
import { useMemo, useSyncExternalStore } from "react";
import { COLUMNS, parseColumns, STORAGE_KEY, type ColumnKey } from "./columns";

const CHANGED = "stevedore:columns";

function subscribe(onChange: () => void) {
  window.addEventListener("storage", onChange);
  window.addEventListener(CHANGED, onChange);
  return () => {
    window.removeEventListener("storage", onChange);
    window.removeEventListener(CHANGED, onChange);
  };
}

/**
 * The viewer's column choice, kept in this browser (and followed across its tabs). The server
 * renders the default; the saved choice applies once the page runs in the browser.
 */
export function useColumnChoice(): [ReadonlySet<ColumnKey>, (next: ReadonlySet<ColumnKey>) => void] {
  const saved = useSyncExternalStore(
    subscribe,
    () => window.localStorage.getItem(STORAGE_KEY),
    () => null,
  );
  const columns = useMemo(() => parseColumns(saved), [saved]);
  const choose = (next: ReadonlySet<ColumnKey>) => {
    window.localStorage.setItem(STORAGE_KEY, JSON.stringify([...next]));
    window.dispatchEvent(new Event(CHANGED));
  };
  return [columns, choose];
}

/** A disclosure of checkboxes, one per optional column; Name and the actions always show. */
export function ColumnChooser({
  columns,
  onChange,
}: {
  columns: ReadonlySet<ColumnKey>;
  onChange: (columns: ReadonlySet<ColumnKey>) => void;
}) {
  return (
    <details className="group relative">
      <summary className="inline-flex cursor-pointer list-none items-center gap-1.5 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-50 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-200 dark:hover:bg-slate-800 [&::-webkit-details-marker]:hidden">
        <Columns3 aria-hidden className="size-4" />
        Columns
      </summary>
      <fieldset className="absolute right-0 z-20 mt-1 w-52 space-y-1 rounded-md border border-slate-200 bg-white p-2 shadow-lg dark:border-slate-700 dark:bg-slate-900">
        <legend className="sr-only">Columns shown</legend>
        {COLUMNS.map((column) => (
          <label
            key={column.key}
            className="flex items-center gap-2 rounded px-1.5 py-1 text-sm text-slate-800 hover:bg-slate-100 dark:text-slate-200 dark:hover:bg-slate-800"
          >
            <input
              type="checkbox"
              className="size-4 accent-sky-600"
              checked={columns.has(column.key)}
              onChange={(e) => {
                const next = new Set(columns);
                if (e.target.checked) next.add(column.key);
                else next.delete(column.key);
                onChange(next);
              }}
            />
            {column.label}
          </label>
        ))}
      </fieldset>
    </details>
  );
}
