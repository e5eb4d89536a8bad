"use client";

import { flexRender, type Column, type RowData } from "@tanstack/react-table";
import { ArrowDown, ArrowUp, ArrowUpDown } from "lucide-react";
import {
  memo,
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
  type CSSProperties,
  type KeyboardEvent,
  type ReactNode,
} from "react";
import { cn } from "../ui/cn";
import type { DataRow, DataTableFeatures } from "./features";
import { DEFAULT_MIN_WIDTH_PX } from "./fit-columns";
import { countRender } from "./render-probe";
import { SELECT_COLUMN_WIDTH, type DataTableModel } from "./use-data-table";
import { blockRanges } from "./block-range";
import { useRowVirtualizer } from "./use-row-virtualizer";

/**
 * Rows drawn at least beyond the visible ones, so a quick scroll or a keyboard jump shows no
 * blanks. Blocks (./block-range.ts) add more: on average about five more above the view and eight below.
 */
const OVERSCAN = 2;
// A row as tall as most are drawn (the name's quick links and the actions button): a row measured
// at its estimate changes nothing, where each one measured otherwise moved every row after it.
const ESTIMATED_ROW_PX = 49;
const estimateRow = () => ESTIMATED_ROW_PX;
// The box assumed before the real one is measured: in the server render (a list whose first
// rows come with the page draws them into its HTML) and in the first render in the browser,
// which must draw the same rows. About a laptop's screen; the real box replaces it on mount.
const INITIAL_RECT = { width: 1280, height: 900 };

type AnyColumn<T extends RowData> = Column<DataTableFeatures, T, unknown>;

interface Layout {
  /**
   * Whether the sticky columns stick: only when the table is wider than its box and so can
   * scroll sideways. A sticky cell is a layer of its own to the compositor (three per row, a
   * hundred in view): a table that fits has none, and draws the same.
   */
  sticky: boolean;
  /** The left offset of each sticky-left column and the right offset of each sticky-right one. */
  left: Map<string, number>;
  right: Map<string, number>;
  minWidth: number;
}

function minWidthOf<T extends RowData>(columns: readonly AnyColumn<T>[], selectable: boolean): number {
  let minWidth = selectable ? SELECT_COLUMN_WIDTH : 0;
  for (const column of columns) {
    const meta = column.columnDef.meta;
    minWidth += meta?.width ?? meta?.minWidth ?? DEFAULT_MIN_WIDTH_PX;
  }
  return minWidth;
}

function layoutOf<T extends RowData>(
  columns: readonly AnyColumn<T>[],
  selectable: boolean,
  minWidth: number,
  sticky: boolean,
): Layout {
  const left = new Map<string, number>();
  const right = new Map<string, number>();
  if (!sticky) return { sticky, left, right, minWidth };
  let offset = selectable ? SELECT_COLUMN_WIDTH : 0;
  for (const column of columns) {
    const meta = column.columnDef.meta;
    if (meta?.sticky !== "left") continue;
    left.set(column.id, offset);
    offset += meta.width ?? meta.minWidth ?? DEFAULT_MIN_WIDTH_PX;
  }
  let end = 0;
  for (const column of [...columns].reverse()) {
    const meta = column.columnDef.meta;
    if (meta?.sticky !== "right") continue;
    right.set(column.id, end);
    end += meta.width ?? DEFAULT_MIN_WIDTH_PX;
  }
  return { sticky, left, right, minWidth };
}

function stickyStyle(id: string, layout: Layout): CSSProperties | undefined {
  const left = layout.left.get(id);
  if (left !== undefined) return { position: "sticky", left };
  const right = layout.right.get(id);
  if (right !== undefined) return { position: "sticky", right };
  return undefined;
}

const cellBase = "border-b border-border/60 px-3 py-2 align-middle";
// Sticky cells need a background of their own, or the cells scrolling under them show through.
const stickyCell = "z-10 bg-surface group-hover/row:bg-row-hover group-aria-selected/row:bg-row-selected";
const headBase =
  "sticky top-0 z-20 border-b border-border bg-surface-muted px-3 py-2 text-xs font-medium tracking-wide whitespace-nowrap text-muted uppercase";

/**
 * A list's table: sticky header, virtualised rows inside its own scroll box (only the rows in
 * view are in the page, so ten thousand scroll as smoothly as ten), fixed column widths,
 * columns kept in view while it scrolls sideways, a selection box per row, and the keyboard:
 * arrow keys (and Page Up / Down, Ctrl+Home / End) move between rows, in the same column.
 */
export const DataTable = memo(DataTableView) as typeof DataTableView;

// Memoised: a parent that re-renders for its own reasons (the set of rows drawn, which it is
// told of while the list scrolls) does not draw the table again when the model is the same.
function DataTableView<T extends RowData>({
  model,
  label,
  noun,
  footer,
  onRowsDrawn,
  rowClassName,
  rowHeight,
}: {
  model: DataTableModel<T>;
  /** The table's accessible name ("Containers"). */
  label: string;
  /** For the count under the table: ["container", "containers"]. */
  noun?: readonly [string, string];
  footer?: ReactNode;
  /** Told which rows are drawn now, to fetch what only they need (usage figures). */
  onRowsDrawn?: (rows: T[]) => void;
  rowClassName?: (row: T) => string | undefined;
  /**
   * Every row is exactly this tall (CSS pixels, its bottom border included) because no cell is
   * ever taller: the virtualizer places rows by arithmetic and measures none of them. Without
   * it each row drawn is measured (rows whose cells wrap).
   */
  rowHeight?: number;
}) {
  const { table, rows, selectable } = model;
  const columns = table.getVisibleLeafColumns() as AnyColumn<T>[];
  const minWidth = useMemo(() => minWidthOf(columns, selectable), [columns, selectable]);
  // Until the box is measured (the server's render, the first in the browser) it is taken to fit.
  const sticky = model.width > 0 && minWidth > model.width;
  const layout = useMemo(
    () => layoutOf(columns, selectable, minWidth, sticky),
    [columns, selectable, minWidth, sticky],
  );
  const scrollRef = useRef<HTMLDivElement>(null);
  // The virtualizer looks for its scroll box in its own layout effect, which runs before this
  // box's ref is attached: it finds it on the next render. A table mounted again on a model
  // already measured (a tab shown again) had no next render and drew no rows. Holding the box
  // in state renders once more as soon as it exists.
  const [scrollBox, setScrollBox] = useState<HTMLDivElement | null>(null);
  const attachScrollBox = useCallback((box: HTMLDivElement | null) => {
    scrollRef.current = box;
    setScrollBox(box);
  }, []);

  const { setWidth } = model;
  useEffect(() => {
    const box = scrollRef.current;
    if (!box) return;
    const observer = new ResizeObserver(([entry]) => setWidth(Math.floor(entry?.contentRect.width ?? 0)));
    observer.observe(box);
    return () => observer.disconnect();
  }, [setWidth]);

  const chosenShown = model.chosenIds.length;
  const allChosen = rows.length > 0 && chosenShown === model.filteredRows.length;

  return (
    <div>
      <div
        ref={attachScrollBox}
        className="overflow-auto overscroll-x-contain rounded-lg border border-border bg-surface"
        // Its own scroll box, about as tall as the window: the header sticks and the rows scroll
        // under it, while the page around keeps its toolbar reachable.
        style={{ maxHeight: "calc(100dvh - 5rem)" }}
      >
        <table
          aria-label={label}
          aria-rowcount={rows.length + 1}
          className="w-full table-fixed border-separate border-spacing-0 text-left text-sm"
          style={{ minWidth: layout.minWidth }}
        >
          <colgroup>
            {selectable ? <col style={{ width: SELECT_COLUMN_WIDTH }} /> : null}
            {columns.map((column) => (
              <col key={column.id} style={{ width: column.columnDef.meta?.width }} />
            ))}
          </colgroup>
          <thead>
            <tr aria-rowindex={1}>
              {selectable ? (
                <th scope="col" className={cn(headBase, layout.sticky && "left-0 z-30")}>
                  <input
                    type="checkbox"
                    aria-label={allChosen ? "Select none" : "Select all shown"}
                    checked={allChosen}
                    ref={(box) => {
                      if (box) box.indeterminate = chosenShown > 0 && !allChosen;
                    }}
                    onChange={(e) =>
                      model.setSelected(
                        model.filteredRows.map((row) => row.id),
                        e.target.checked,
                      )
                    }
                    className="size-4 accent-primary"
                  />
                </th>
              ) : null}
              {columns.map((column) => (
                <HeaderCell key={column.id} column={column} layout={layout} />
              ))}
            </tr>
          </thead>
          <VirtualBody
            rows={rows}
            columns={columns}
            layout={layout}
            selectable={selectable}
            rowSelection={model.rowSelection}
            rowLabel={model.rowLabel}
            scrollRef={scrollRef}
            scrollBox={scrollBox}
            onRowsDrawn={onRowsDrawn}
            rowClassName={rowClassName}
            rowHeight={rowHeight}
          />
        </table>
      </div>
      <p className="mt-2 text-xs text-subtle" data-testid="row-count">
        {noun ? countLine(rows.length, model.total, noun) : null}
        {chosenShown ? ` · ${chosenShown} selected` : ""}
        {footer}
      </p>
    </div>
  );
}

function countLine(shown: number, total: number, [one, many]: readonly [string, string]) {
  const noun = (n: number) => (n === 1 ? one : many);
  return shown === total ? `${total} ${noun(total)}` : `${shown} of ${total} ${noun(total)}`;
}

function HeaderCell<T extends RowData>({ column, layout }: { column: AnyColumn<T>; layout: Layout }) {
  const meta = column.columnDef.meta;
  const header = column.columnDef.header;
  const text = typeof header === "string" ? header : "";
  const sticky = stickyStyle(column.id, layout);
  const className = cn(headBase, sticky && "z-30", meta?.align === "end" && "text-right");
  if (!column.getCanSort()) {
    return (
      <th scope="col" className={className} style={sticky}>
        {text ? text : <span className="sr-only">{meta?.label ?? column.id}</span>}
      </th>
    );
  }
  const sorted = column.getIsSorted();
  const Icon = !sorted ? ArrowUpDown : sorted === "asc" ? ArrowUp : ArrowDown;
  return (
    <th
      scope="col"
      className={className}
      style={sticky}
      aria-sort={sorted ? (sorted === "asc" ? "ascending" : "descending") : undefined}
    >
      <button
        type="button"
        onClick={column.getToggleSortingHandler()}
        className="inline-flex items-center gap-1 uppercase hover:text-fg"
      >
        {text}
        <Icon aria-hidden className={cn("size-3", !sorted && "opacity-40")} />
      </button>
    </th>
  );
}

const NAV_KEYS = new Set(["ArrowUp", "ArrowDown", "PageUp", "PageDown", "Home", "End"]);

function VirtualBody<T extends RowData>({
  rows,
  columns,
  layout,
  selectable,
  rowSelection,
  rowLabel,
  scrollRef,
  scrollBox,
  onRowsDrawn,
  rowClassName,
  rowHeight,
}: {
  rows: DataRow<T>[];
  columns: AnyColumn<T>[];
  layout: Layout;
  selectable: boolean;
  rowSelection: Record<string, boolean>;
  rowLabel: ((row: T) => string) | undefined;
  scrollRef: React.RefObject<HTMLDivElement | null>;
  scrollBox: HTMLDivElement | null;
  onRowsDrawn: ((rows: T[]) => void) | undefined;
  rowClassName: ((row: T) => string | undefined) | undefined;
  rowHeight: number | undefined;
}) {
  countRender("data-table-body");
  // One key function per list of rows, not per render: the virtualizer rebuilds every row's
  // measurement whenever it changes.
  const getItemKey = useCallback((index: number) => rows[index]?.id ?? index, [rows]);
  const estimateSize = useMemo(() => (rowHeight ? () => rowHeight : estimateRow), [rowHeight]);
  // Its own: it keeps the widest view seen.
  const [rangeExtractor] = useState(blockRanges);
  const virtualizer = useRowVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollBox,
    estimateSize,
    overscan: OVERSCAN,
    getItemKey,
    rangeExtractor,
    initialRect: INITIAL_RECT,
  });
  const items = virtualizer.getVirtualItems();
  const before = items.length ? items[0]!.start : 0;
  const after = items.length ? virtualizer.getTotalSize() - items[items.length - 1]!.end : 0;
  const width = columns.length + (selectable ? 1 : 0);

  // The rows drawn, told only when that set changes and the list is not scrolling (what is
  // fetched for them is for rows someone looks at, not rows flying past; each telling renders
  // the list's parent again, which cost a render pass per scroll frame), and found through the
  // drawn items, not by a pass over every row.
  const drawnRows = items.flatMap((item) => rows[item.index] ?? []);
  const drawn = virtualizer.isScrolling ? null : drawnRows.map((row) => row.id).join("\n");
  // For a browser test: the body renders again when the list starts or stops scrolling.
  const scrolling = virtualizer.isScrolling;
  useEffect(() => countRender("data-table-body-scrolling"), [scrolling]);
  const drawnRef = useRef({ onRowsDrawn, drawnRows });
  useEffect(() => {
    drawnRef.current = { onRowsDrawn, drawnRows };
  });
  useEffect(() => {
    if (drawn === null) return;
    const { onRowsDrawn, drawnRows } = drawnRef.current;
    onRowsDrawn?.(drawnRows.map((row) => row.original));
  }, [drawn]);

  const onKeyDown = (event: KeyboardEvent<HTMLTableSectionElement>) => {
    if (!NAV_KEYS.has(event.key)) return;
    if ((event.key === "Home" || event.key === "End") && !event.ctrlKey) return;
    const target = event.target as HTMLElement;
    if (target.matches("input:not([type=checkbox]), select, textarea")) return;
    const cell = target.closest("td");
    const index = Number(cell?.parentElement?.dataset.index);
    if (!cell || Number.isNaN(index)) return;
    const page = Math.max(
      1,
      Math.floor((scrollRef.current?.clientHeight ?? 400) / (rowHeight ?? ESTIMATED_ROW_PX)) - 1,
    );
    const next = Math.min(
      rows.length - 1,
      Math.max(
        0,
        event.key === "ArrowUp"
          ? index - 1
          : event.key === "ArrowDown"
            ? index + 1
            : event.key === "PageUp"
              ? index - page
              : event.key === "PageDown"
                ? index + page
                : event.key === "Home"
                  ? 0
                  : rows.length - 1,
      ),
    );
    event.preventDefault();
    if (next === index) return;
    virtualizer.scrollToIndex(next, { align: "auto" });
    focusCell(scrollRef.current, next, cell.cellIndex);
  };

  return (
    // While it scrolls, rows may keep still what would move (app/globals.css, still-while-scrolling).
    <tbody onKeyDown={onKeyDown} data-scrolling={scrolling ? "" : undefined}>
      {before > 0 ? (
        <tr aria-hidden>
          <td colSpan={width} style={{ height: before, padding: 0 }} />
        </tr>
      ) : null}
      <RowsBlock
        rows={rows}
        first={items[0]?.index ?? 0}
        last={items[items.length - 1]?.index ?? -1}
        columns={columns}
        layout={layout}
        selectable={selectable}
        rowSelection={rowSelection}
        rowLabel={rowLabel}
        measure={rowHeight ? undefined : virtualizer.measureElement}
        height={rowHeight}
        rowClassName={rowClassName}
      />
      {after > 0 ? (
        <tr aria-hidden>
          <td colSpan={width} style={{ height: after, padding: 0 }} />
        </tr>
      ) : null}
    </tbody>
  );
}

interface RowsBlockProps<T extends RowData> {
  rows: DataRow<T>[];
  first: number;
  last: number;
  columns: AnyColumn<T>[];
  layout: Layout;
  selectable: boolean;
  rowSelection: Record<string, boolean>;
  rowLabel: ((row: T) => string) | undefined;
  measure: ((element: Element | null) => void) | undefined;
  height: number | undefined;
  rowClassName: ((row: T) => string | undefined) | undefined;
}

/**
 * The rows drawn, `first` to `last` (the block range is whole). Memoised on that range: when the
 * body renders again with the same rows (the list stops or starts scrolling), this is skipped
 * whole instead of comparing every drawn row's props.
 */
const RowsBlock = memo(function RowsBlock<T extends RowData>({
  rows,
  first,
  last,
  rowSelection,
  rowClassName,
  ...shared
}: RowsBlockProps<T>) {
  const drawn: ReactNode[] = [];
  for (let index = first; index <= last; index++) {
    const row = rows[index];
    if (!row) continue;
    drawn.push(
      <BodyRow
        key={row.id}
        row={row}
        index={index}
        selected={rowSelection[row.id] === true}
        className={rowClassName?.(row.original)}
        {...shared}
      />,
    );
  }
  return drawn;
}) as <T extends RowData>(props: RowsBlockProps<T>) => ReactNode;

/** Focus the same column's first control in row `index`, once the virtualizer has drawn it. */
function focusCell(box: HTMLElement | null, index: number, cellIndex: number, tries = 10) {
  requestAnimationFrame(() => {
    const row = box?.querySelector<HTMLTableRowElement>(`tr[data-index="${index}"]`);
    if (!row) {
      if (tries > 0) focusCell(box, index, cellIndex, tries - 1);
      return;
    }
    const selector = "a[href], button:not([disabled]), input, select, [tabindex]";
    const target =
      row.cells[cellIndex]?.querySelector<HTMLElement>(selector) ?? row.querySelector<HTMLElement>(selector);
    target?.focus();
  });
}

/**
 * One row. Memoised: while the list scrolls, rows already drawn keep their props (the same row
 * object, index, columns and selection) and are not rendered again; only rows coming into view are.
 */
const BodyRow = memo(function BodyRow<T extends RowData>({
  row,
  index,
  columns,
  layout,
  selectable,
  selected,
  rowLabel,
  measure,
  height,
  className,
}: {
  row: DataRow<T>;
  index: number;
  columns: AnyColumn<T>[];
  layout: Layout;
  selectable: boolean;
  selected: boolean;
  rowLabel: ((row: T) => string) | undefined;
  measure: ((element: Element | null) => void) | undefined;
  height: number | undefined;
  className: string | undefined;
}) {
  countRender("data-table-row");
  // `columns` is what is visible: getVisibleCells follows the same visibility.
  void columns;
  return (
    <tr
      data-index={index}
      ref={measure}
      style={height ? { height } : undefined}
      aria-rowindex={index + 2}
      aria-selected={selectable ? selected : undefined}
      className={cn("group/row hover:bg-row-hover aria-selected:bg-row-selected", className)}
    >
      {selectable ? (
        <td
          className={cn(cellBase, layout.sticky && stickyCell)}
          style={layout.sticky ? { position: "sticky", left: 0 } : undefined}
        >
          <input
            type="checkbox"
            aria-label={`Select ${rowLabel ? rowLabel(row.original) : row.id}`}
            checked={selected}
            onChange={row.getToggleSelectedHandler()}
            className="size-4 accent-primary"
          />
        </td>
      ) : null}
      {row.getVisibleCells().map((cell) => {
        const meta = cell.column.columnDef.meta;
        const sticky = stickyStyle(cell.column.id, layout);
        return (
          <td
            key={cell.id}
            className={cn(cellBase, sticky && stickyCell, meta?.align === "end" && "text-right", meta?.cellClassName)}
            style={sticky}
          >
            {flexRender(cell.column.columnDef.cell, cell.getContext())}
          </td>
        );
      })}
    </tr>
  );
}) as <T extends RowData>(props: {
  row: DataRow<T>;
  index: number;
  columns: AnyColumn<T>[];
  layout: Layout;
  selectable: boolean;
  selected: boolean;
  rowLabel: ((row: T) => string) | undefined;
  measure: ((element: Element | null) => void) | undefined;
  height: number | undefined;
  className: string | undefined;
}) => ReactNode;
