import type { TdHTMLAttributes } from "react";

/** A table cell like ui/table's Td, but left-aligned in the last column too (these tables end in values, not actions). */
export function Cell({ className = "", ...props }: TdHTMLAttributes<HTMLTableCellElement>) {
  return <td className={`border-b border-border/60 px-4 py-2 align-middle ${className}`} {...props} />;
}
