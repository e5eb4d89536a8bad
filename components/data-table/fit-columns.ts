// Which chosen columns a narrow table leaves out so that nothing scrolls sideways: the least
// important first (highest priority number), until what is left fits. Columns without a
// priority (the name, the selection box, the actions) always stay. A table is narrow when it is
// below COMPACT_BELOW_PX or cannot hold its default columns (a tablet, or a window beside the
// sidebar); wider than both, it shows every column the user chose and scrolls sideways for them.

export interface FitColumn {
  id: string;
  width?: number;
  minWidth?: number;
  priority?: number;
}

/** Below this width (the table's own box, in CSS pixels) the table always chooses its columns. */
export const COMPACT_BELOW_PX = 720;

/** A column without a width takes what is left, but no less than this unless it says so. */
export const DEFAULT_MIN_WIDTH_PX = 160;

export const neededWidth = (columns: readonly FitColumn[]) =>
  columns.reduce((sum, c) => sum + (c.width ?? c.minWidth ?? DEFAULT_MIN_WIDTH_PX), 0);

/**
 * The ids of `shown` columns to leave out at `available` pixels: none when the table is at least
 * `defaultsNeed` (what its default columns need) and COMPACT_BELOW_PX wide.
 */
export function columnsToDrop(shown: readonly FitColumn[], available: number, defaultsNeed = 0): Set<string> {
  const dropped = new Set<string>();
  if (available <= 0 || available >= Math.max(COMPACT_BELOW_PX, defaultsNeed)) return dropped;
  let needed = neededWidth(shown);
  const droppable = shown.filter((c) => c.priority !== undefined).sort((a, b) => (b.priority ?? 0) - (a.priority ?? 0));
  for (const column of droppable) {
    if (needed <= available) break;
    dropped.add(column.id);
    needed -= column.width ?? column.minWidth ?? DEFAULT_MIN_WIDTH_PX;
  }
  return dropped;
}
