"use client";

import type { RowData } from "@tanstack/react-table";
import { Columns3 } from "lucide-react";
import { Popover, PopoverContent, PopoverTrigger } from "../ui/popover";
import type { DataColumn } from "./features";

/**
 * "Columns": a popover of checkboxes, one per optional column of the list; the columns a list
 * cannot do without (its name, the actions) are not offered.
 */
export function ColumnChooser<T extends RowData>({
  columns,
  chosen,
  onChange,
}: {
  columns: readonly DataColumn<T>[];
  chosen: ReadonlySet<string>;
  onChange: (next: ReadonlySet<string>) => void;
}) {
  const optional = columns.filter((c) => c.enableHiding !== false && !c.meta?.filterOnly && c.id);
  return (
    <Popover>
      <PopoverTrigger className="inline-flex items-center gap-1.5 rounded-md border border-border-strong bg-surface px-3 py-1.5 text-sm font-medium text-fg hover:bg-hover">
        <Columns3 aria-hidden className="size-4" />
        Columns
      </PopoverTrigger>
      <PopoverContent aria-label="Columns shown">
        <fieldset className="space-y-0.5">
          <legend className="sr-only">Columns shown</legend>
          {optional.map((column) => {
            const id = column.id!;
            return (
              <label key={id} className="flex items-center gap-2 rounded px-1.5 py-1 text-sm hover:bg-hover">
                <input
                  type="checkbox"
                  className="size-4 accent-primary"
                  checked={chosen.has(id)}
                  onChange={(e) => {
                    const next = new Set(chosen);
                    if (e.target.checked) next.add(id);
                    else next.delete(id);
                    onChange(next);
                  }}
                />
                {column.meta?.label ?? (typeof column.header === "string" ? column.header : id)}
              </label>
            );
          })}
        </fieldset>
      </PopoverContent>
    </Popover>
  );
}
