import type { TdHTMLAttributes } from "react";

/** A table cell like ui/table's Td, but left-aligned in the last column too (these tables end in values, not actions). */
export function Cell({ className = "", ...props }: TdHTMLAttributes<HTMLTableCellElement>) {
  return (
    <td
      className={`border-b border-slate-100 px-4 py-2 align-middle dark:border-slate-800/70 ${className}`}
      {...props}
    />
  );
}
