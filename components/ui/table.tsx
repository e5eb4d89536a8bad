import type { ReactNode, TdHTMLAttributes, ThHTMLAttributes } from "react";
import { cn } from "./cn";

/**
 * A plain table for small, static lists that scrolls sideways on narrow screens. Lists of
 * records (sorting, filters, selection, many rows) use components/data-table instead.
 */
export function Table({ label, children }: { label: string; children: ReactNode }) {
  return (
    // relative: what is positioned inside (a screen-reader-only header) is clipped with the
    // rest, instead of being placed against the page and widening it on a phone.
    <div className="relative overflow-x-auto rounded-lg border border-border bg-surface">
      <table aria-label={label} className="w-full text-left text-sm">
        {children}
      </table>
    </div>
  );
}

export const thClass =
  "border-b border-border bg-surface-muted px-4 py-2 text-xs font-medium tracking-wide whitespace-nowrap text-muted uppercase";
export const tdClass = "border-b border-border/60 px-4 py-2.5 align-middle";

export function Th({ className, ...props }: ThHTMLAttributes<HTMLTableCellElement>) {
  return <th scope="col" className={cn(thClass, className)} {...props} />;
}

export function Td({ className, ...props }: TdHTMLAttributes<HTMLTableCellElement>) {
  return <td className={cn(tdClass, "last:text-right", className)} {...props} />;
}

/** The last column's header over each row's action buttons: named for screen readers only. */
export function ActionsHeader() {
  return (
    <Th>
      <span className="sr-only">Actions</span>
    </Th>
  );
}
