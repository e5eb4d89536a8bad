"use client";

import {
  functionalUpdate,
  useTable,
  type ColumnVisibilityState,
  type FilterFn,
  type RowData,
  type RowSelectionState,
  type SortingState,
  type Updater,
} from "@tanstack/react-table";
import { useCallback, useMemo, useState } from "react";
import { dataTableFeatures, type DataColumn, type DataRow, type DataTableFeatures } from "./features";
import { columnsToDrop } from "./fit-columns";
import { columnFiltersOf, type ListView } from "./url-view";

/** The selection box's column: always first, never hidden, kept in view. */
export const SELECT_COLUMN_WIDTH = 40;

const NO_ROWS: never[] = [];

export interface DataTableOptions<T extends RowData, F extends string> {
  /** The rows (a query's data: keep it the same object while nothing changed). */
  data: readonly T[] | undefined;
  /** Defined once (module level or a memo): a new array re-renders every row. */
  columns: readonly DataColumn<T>[];
  /** A row's lasting identity (not its index): keys, selection and measured heights follow it. */
  getRowId: (row: T) => string;
  /** Search, filters and sort, usually from `useUrlView`; without it, sort `defaultSort` locally. */
  view?: ListView<F>;
  onSortChange?: (sort: { id: string; desc: boolean }) => void;
  defaultSort?: { id: string; desc: boolean };
  /** Whether a row matches the search; `needle` comes trimmed and in lower case. */
  search?: (row: T, needle: string) => boolean;
  /** The optional columns shown (`useColumnChoice`); omitted, all that are not `defaultHidden`. */
  chosenColumns?: ReadonlySet<string>;
  /**
   * `chosenColumns` is the user's own saved choice: every one stays at any width above a phone's
   * and the table scrolls for them. Otherwise they are the defaults, which give way (least
   * important first) where they do not fit: the chooser brings them back. A table without
   * `chosenColumns` has no chooser, so it keeps its columns above a phone's width.
   */
  choiceSaved?: boolean;
  /** Rows get a selection box, and the header one to choose all shown. */
  selectable?: boolean;
  /** What a row is called, for its selection box ("Select web-1"). */
  rowLabel?: (row: T) => string;
}

/**
 * A list's table model on TanStack Table: sorted, filtered and searched in the browser, with
 * the columns that are chosen and fit, and a selection. Everything here is computed once per
 * change of data, view or choice (TanStack memoises each row model), never per frame.
 */
export function useDataTable<T extends RowData, F extends string = never>(options: DataTableOptions<T, F>) {
  const { view, onSortChange, search, chosenColumns, choiceSaved = false, selectable = false } = options;
  const [localSort, setLocalSort] = useState(options.defaultSort ?? null);
  const sort = view?.sort ?? localSort;
  const sorting = useMemo<SortingState>(() => (sort ? [sort] : []), [sort]);
  const onSortingChange = (updater: Updater<SortingState>) => {
    const next = functionalUpdate(updater, sorting)[0];
    if (!next) return;
    if (onSortChange) onSortChange(next);
    else setLocalSort(next);
  };

  const filters = view?.filters;
  const columnFilters = useMemo(() => (filters ? columnFiltersOf(filters) : []), [filters]);
  const needle = view?.q.trim().toLowerCase() ?? "";

  // The table's own width, for choosing columns on narrow screens; set by the DataTable's box.
  const [width, setWidth] = useState(0);
  const droppedKey = useMemo(() => {
    const shown = options.columns.filter((c) => {
      const meta = c.meta;
      if (meta?.filterOnly) return false;
      return !chosenColumns || c.enableHiding === false || chosenColumns.has(columnIdOf(c));
    });
    const fit = shown.map((c) => ({ id: columnIdOf(c), ...c.meta }));
    if (selectable) fit.unshift({ id: "__select", width: SELECT_COLUMN_WIDTH });
    const keep = chosenColumns ? (choiceSaved ? new Set(fit.map((c) => c.id)) : new Set<string>()) : undefined;
    return [...columnsToDrop(fit, width, keep)].join(" ");
  }, [options.columns, chosenColumns, choiceSaved, selectable, width]);
  const columnVisibility = useMemo<ColumnVisibilityState>(() => {
    const dropped = new Set(droppedKey.split(" "));
    const visibility: ColumnVisibilityState = {};
    for (const column of options.columns) {
      const id = columnIdOf(column);
      const chosen = !chosenColumns || column.enableHiding === false || chosenColumns.has(id);
      visibility[id] = !column.meta?.filterOnly && chosen && !dropped.has(id);
    }
    return visibility;
  }, [options.columns, chosenColumns, droppedKey]);

  const globalFilterFn = useMemo(() => {
    if (!search) return undefined;
    const fn: FilterFn<DataTableFeatures, T> = (row, _columnId, value: string) => search(row.original, value);
    return fn;
  }, [search]);
  const searchColumn = useMemo(() => {
    const first = options.columns.find((c) => "accessorKey" in c || "accessorFn" in c);
    return first ? columnIdOf(first) : undefined;
  }, [options.columns]);

  const [rowSelection, setRowSelection] = useState<RowSelectionState>({});
  const table = useTable({
    features: dataTableFeatures,
    data: options.data ?? NO_ROWS,
    columns: options.columns as DataColumn<T>[],
    getRowId: options.getRowId,
    state: { sorting, columnFilters, globalFilter: needle || undefined, columnVisibility, rowSelection },
    onSortingChange,
    onRowSelectionChange: setRowSelection,
    ...(globalFilterFn ? { globalFilterFn } : {}),
    getColumnCanGlobalFilter: (column) => column.id === searchColumn,
    enableRowSelection: selectable,
    enableMultiSort: false,
    enableSortingRemoval: false,
    sortDescFirst: false,
    autoResetAll: false,
  });

  const rows: DataRow<T>[] = table.getRowModel().rows;
  const filteredRows = table.getFilteredRowModel().rows;
  // The selection only ever acts on rows that exist and are shown now. Nothing selected (the
  // usual case) costs no pass over the rows when they change.
  const chosenRows = useMemo(
    () => (hasAny(rowSelection) ? filteredRows.filter((row) => rowSelection[row.id]) : NO_ROWS),
    [filteredRows, rowSelection],
  );
  const chosen = useMemo(() => chosenRows.map((row) => row.original), [chosenRows]);
  const chosenIds = useMemo(() => chosenRows.map((row) => row.id), [chosenRows]);
  const setSelected = useCallback((ids: readonly string[], on: boolean) => {
    setRowSelection((old) => {
      const next = { ...old };
      for (const id of ids) {
        if (on) next[id] = true;
        else delete next[id];
      }
      return next;
    });
  }, []);
  const clearSelection = useCallback(() => setRowSelection({}), []);

  return {
    table,
    rows,
    /** How many rows there are before search and filters. */
    total: options.data?.length ?? 0,
    filteredRows,
    rowSelection,
    chosen,
    chosenIds,
    setSelected,
    clearSelection,
    selectable,
    rowLabel: options.rowLabel,
    /** The table box's width (0 until measured). */
    width,
    setWidth,
    sort,
  };
}

export type DataTableModel<T extends RowData> = ReturnType<typeof useDataTable<T, string>>;

function hasAny(selection: RowSelectionState): boolean {
  for (const id in selection) if (selection[id]) return true;
  return false;
}

function columnIdOf<T extends RowData>(column: DataColumn<T>): string {
  if (column.id) return column.id;
  if ("accessorKey" in column && typeof column.accessorKey === "string") return column.accessorKey;
  throw new Error("A data-table column needs an id or an accessorKey.");
}
