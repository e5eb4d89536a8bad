import type { ReactNode } from "react";
import { Button } from "../ui/button";

/**
 * The bar over a table while rows are selected: how many, the actions for them (the list's
 * own), and a way to clear the choice. A toolbar, so a screen reader announces it as one group.
 */
export function BulkBar({
  label,
  count,
  onClear,
  busy,
  children,
}: {
  /** Its accessible name: "Selected containers". */
  label: string;
  count: number;
  onClear: () => void;
  /** Shown while an action runs on the selection. */
  busy?: ReactNode;
  children: ReactNode;
}) {
  if (!count) return null;
  return (
    <div
      role="toolbar"
      aria-label={label}
      className="sticky top-0 z-40 mb-3 flex flex-wrap items-center gap-2 rounded-lg border border-primary-border bg-primary-soft px-3 py-2 text-sm backdrop-blur"
    >
      <span className="font-medium">{count} selected</span>
      {children}
      <Button size="sm" variant="quiet" onClick={onClear}>
        Clear selection
      </Button>
      {busy ? <span className="text-muted">{busy}</span> : null}
    </div>
  );
}
