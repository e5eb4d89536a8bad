// The one TanStack Table set-up every list shares: which table features are on, and what a
// column may say about itself beyond TanStack's own fields (its label, width, stickiness...).
import {
  columnFilteringFeature,
  columnVisibilityFeature,
  createColumnHelper,
  globalFilteringFeature,
  metaHelper,
  rowSelectionFeature,
  rowSortingFeature,
  sortFn_basic,
  sortFn_text,
  tableFeatures,
  type ColumnDef,
  type Row,
  type RowData,
} from "@tanstack/react-table";
import { createKeptCoreRowModel, createLeanFilteredRowModel, createSortFirstRowModel } from "./row-models";

export interface DataColumnMeta {
  /** The column's name in the column chooser and for screen readers when the header is an icon. */
  label?: string;
  /** Width in CSS pixels; a column without one takes what is left (at least `minWidth`). */
  width?: number;
  /** For the column without a width: the least it may shrink to before the table scrolls sideways. */
  minWidth?: number;
  /** Kept in view while the table scrolls sideways. */
  sticky?: "left" | "right";
  /**
   * On narrow screens the table drops chosen columns until the rest fit, highest number first;
   * a column without a priority is never dropped (the name, the selection box, the actions).
   */
  priority?: number;
  /** Shown only when chosen in the column chooser (off by default). */
  defaultHidden?: boolean;
  /** Never shown: a column that exists to be filtered on (labels). */
  filterOnly?: boolean;
  /** Extra classes on every body cell of this column. */
  cellClassName?: string;
  /** Right-aligned (numbers, actions). */
  align?: "end";
}

export const dataTableFeatures = tableFeatures({
  columnMeta: metaHelper<DataColumnMeta>(),
  // Row models whose work follows what changed, not the list's length (see ./row-models).
  coreRowModel: createKeptCoreRowModel(),
  columnVisibilityFeature,
  columnFilteringFeature,
  globalFilteringFeature,
  filteredRowModel: createLeanFilteredRowModel(),
  rowSortingFeature,
  sortedRowModel: createSortFirstRowModel(),
  sortFns: { text: sortFn_text, basic: sortFn_basic },
  rowSelectionFeature,
});

export type DataTableFeatures = typeof dataTableFeatures;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a list's columns hold values of many types
export type DataColumn<T extends RowData> = ColumnDef<DataTableFeatures, T, any>;
export type DataRow<T extends RowData> = Row<DataTableFeatures, T>;

/** `const column = columnHelper<ContainerRow>()` then `column.accessor(...)`, `column.display(...)`. */
export const columnHelper = <T extends RowData>() => createColumnHelper<DataTableFeatures, T>();
