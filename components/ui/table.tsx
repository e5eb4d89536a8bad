import type { ReactNode, TdHTMLAttributes, ThHTMLAttributes } from "react";

/** A plain data table that scrolls sideways on narrow screens instead of squashing. */
export function Table({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
      <table aria-label={label} className="w-full text-left text-sm">
        {children}
      </table>
    </div>
  );
}

export function Th({ className = "", ...props }: ThHTMLAttributes<HTMLTableCellElement>) {
  return (
    <th
      scope="col"
      className={`border-b border-slate-200 bg-slate-50 px-4 py-2 text-xs whitespace-nowrap font-medium tracking-wide text-slate-600 uppercase dark:border-slate-800 dark:bg-slate-900 dark:text-slate-400 ${className}`}
      {...props}
    />
  );
}

export function Td({ className = "", ...props }: TdHTMLAttributes<HTMLTableCellElement>) {
  return (
    <td
      className={`border-b border-slate-100 px-4 py-2.5 align-middle last:text-right dark:border-slate-800/70 ${className}`}
      {...props}
    />
  );
}

/** The last column's header over each row's action buttons: named for screen readers only. */
export function ActionsHeader() {
  return (
    <Th>
      <span className="sr-only">Actions</span>
    </Th>
  );
}
