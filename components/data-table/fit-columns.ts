// Which shown columns a narrow table leaves out so that nothing scrolls sideways: the least
// important first (highest priority number), until what is left fits. Columns without a
// priority (the name, the selection box, the actions) always stay. Below COMPACT_BELOW_PX (a
// phone) any column with a priority may go. Wider, only columns not in `keep` may: a table
// shows its default columns where they fit (a tablet, a window beside the sidebar) and drops
// the least important of them where they do not, but the columns a user chose themselves (a
// saved choice) all stay and the table scrolls sideways for them (#18 item 7: dropping chosen
// columns at a laptop's width broke what people had asked for).

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
 * The ids of `shown` columns to leave out at `available` pixels. Below COMPACT_BELOW_PX, any
 * with a priority; from there on, only those not in `keep` (everything the user chose; omitted,
 * every shown column is kept and the table scrolls instead).
 */
export function columnsToDrop(shown: readonly FitColumn[], available: number, keep?: ReadonlySet<string>): Set<string> {
  const dropped = new Set<string>();
  if (available <= 0) return dropped;
  const compact = available < COMPACT_BELOW_PX;
  if (!compact && !keep) return dropped;
  let needed = neededWidth(shown);
  const droppable = shown
    .filter((c) => c.priority !== undefined && (compact || !keep?.has(c.id)))
    .sort((a, b) => (b.priority ?? 0) - (a.priority ?? 0));
  for (const column of droppable) {
    if (needed <= available) break;
    dropped.add(column.id);
    needed -= column.width ?? column.minWidth ?? DEFAULT_MIN_WIDTH_PX;
  }
  return dropped;
}
