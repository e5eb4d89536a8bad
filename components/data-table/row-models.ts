// The table's row models, built for long live lists (ten thousand rows, a change a second):
// TanStack's stock ones rebuild every row object on any change of the data, filter with two new
// objects per row, and sort after filtering, so one event or one keystroke cost a full sort of
// every row (each `localeCompare`) and a re-render of every row drawn. These keep the work in
// proportion to what changed:
// - the core model keeps a row object for as long as its data object is the same one, so a row
//   nothing touched stays the same row (and its drawn <tr>, memoised on it, is not drawn again);
// - the sorted model sorts every row once per sort, merges only the changed rows into that order
//   when the data changes, and keeps the order of the filtered rows by membership, so typing in
//   the search box never sorts;
// - the filtered model allocates nothing per row.
// Same semantics as the stock models for flat lists (no sub-rows, no grouping), which is all
// the data table shows; ties keep the order in which rows first appeared.
import {
  constructRow,
  makeObjectMap,
  tableMemo,
  type Row,
  type RowData,
  type RowModel,
  type Table,
  type TableFeatures,
} from "@tanstack/react-table";

// The stock factories are typed against every feature; these work on any table, as they do.
/* eslint-disable @typescript-eslint/no-explicit-any -- see above */
type AnyTable = Table<any, any>;
type AnyRow = Row<any, any>;
type AnyModel = RowModel<any, any>;
/* eslint-enable @typescript-eslint/no-explicit-any */

/** A model over `rows`; its map by id is built only if something asks for it. */
function modelOf(rows: AnyRow[]): AnyModel {
  let rowsById: Record<string, AnyRow> | undefined;
  return {
    rows,
    flatRows: rows,
    get rowsById() {
      if (!rowsById) {
        rowsById = makeObjectMap<AnyRow>();
        for (const row of rows) rowsById[row.id] = row;
      }
      return rowsById;
    },
  } as AnyModel;
}

/** What one build of the core model changed: the rows that were not in the build before it. */
interface CoreBuild {
  generation: number;
  entering: AnyRow[];
}
const builds = new WeakMap<object, CoreBuild>();
/** The last build of the core model a row was part of. */
const SEEN = Symbol("seen in build");
type Marked = AnyRow & { [SEEN]?: number };

/** A core row model that keeps each row object while its data object stays the same. */
export function createKeptCoreRowModel<TFeatures extends TableFeatures, TData extends RowData>() {
  return (table: Table<TFeatures, TData>): (() => RowModel<TFeatures, TData>) => {
    const t = table as unknown as AnyTable;
    let kept = new WeakMap<object, AnyRow>();
    let keptFor: unknown = undefined;
    let generation = 0;
    return tableMemo({
      feature: "coreRowModelsFeature",
      table: t,
      fnName: "table.getCoreRowModel",
      memoDeps: () => [t.options.data],
      fn: () => {
        // A row caches its values by column: new columns may read them differently.
        if (keptFor !== t.options.columns) {
          kept = new WeakMap();
          keptFor = t.options.columns;
        }
        generation++;
        const data = t.options.data as readonly object[];
        const rows: AnyRow[] = new Array<AnyRow>(data.length);
        const entering: AnyRow[] = [];
        for (let i = 0; i < data.length; i++) {
          const original = data[i]!;
          // The same data object has the same id: only new objects are asked for theirs.
          let row = kept.get(original) as Marked | undefined;
          if (!row) {
            row = constructRow(t, t.getRowId(original, i), original, i, 0, undefined, undefined) as Marked;
            kept.set(original, row);
          } else if (row.index !== i) {
            (row as { index: number }).index = i;
          }
          if (row[SEEN] !== generation - 1) entering.push(row);
          row[SEEN] = generation;
          rows[i] = row;
        }
        const model = modelOf(rows);
        builds.set(model, { generation, entering });
        return model;
      },
    });
  };
}

/** Column and global filters, as TanStack applies them, without a new object per row. */
export function createLeanFilteredRowModel<TFeatures extends TableFeatures, TData extends RowData>() {
  return (table: Table<TFeatures, TData>): (() => RowModel<TFeatures, TData>) => {
    const t = table as unknown as AnyTable & Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    return tableMemo({
      feature: "columnFilteringFeature",
      table: t,
      fnName: "table.getFilteredRowModel",
      memoDeps: () => [t.getPreFilteredRowModel(), t.atoms.columnFilters?.get(), t.atoms.globalFilter?.get()],
      fn: () => {
        const model = t.getPreFilteredRowModel() as AnyModel;
        const columnFilters = (t.atoms.columnFilters?.get() ?? []) as Array<{ id: string; value: unknown }>;
        const globalFilter = t.atoms.globalFilter?.get() as unknown;
        const hasGlobal = globalFilter !== undefined && globalFilter !== null && globalFilter !== "";
        if (!model.rows.length || (!columnFilters.length && !hasGlobal)) return model;
        type Check = {
          id: string;
          fn: (row: AnyRow, id: string, value: unknown, addMeta: () => void) => boolean;
          value: unknown;
        };
        const byColumn: Check[] = [];
        for (const filter of columnFilters) {
          const column = t.getColumn(filter.id);
          const fn = column?.getFilterFn?.();
          if (!fn) continue;
          byColumn.push({ id: filter.id, fn, value: fn.resolveFilterValue?.(filter.value) ?? filter.value });
        }
        const global: Check[] = [];
        if (hasGlobal) {
          const fn = t.getGlobalFilterFn?.();
          if (fn) {
            for (const column of t.getAllLeafColumns()) {
              if (!column.getCanGlobalFilter?.()) continue;
              global.push({ id: column.id, fn, value: fn.resolveFilterValue?.(globalFilter) ?? globalFilter });
            }
          }
        }
        const noMeta = () => undefined;
        const rows = model.rows.filter((row) => {
          for (const check of byColumn) if (!check.fn(row, check.id, check.value, noMeta)) return false;
          if (!global.length) return true;
          for (const check of global) if (check.fn(row, check.id, check.value, noMeta)) return true;
          return false;
        });
        return modelOf(rows);
      },
    });
  };
}

interface Previous {
  rows: AnyRow[];
  /** The core build `rows` came from. */
  generation: number | undefined;
  sortKey: string;
  fns: unknown[];
  sorted: AnyRow[];
}

interface SortEntry {
  id: string;
  desc: boolean;
  sortUndefined: false | -1 | 1 | "first" | "last" | undefined;
  invertSorting: boolean | undefined;
  sortFn: (a: AnyRow, b: AnyRow, id: string) => number;
}

/**
 * Every row sorted once per sort (merging only changed rows in when the data changes), then the
 * rows the filters keep taken in that order.
 */
export function createSortFirstRowModel<TFeatures extends TableFeatures, TData extends RowData>() {
  return (table: Table<TFeatures, TData>): (() => RowModel<TFeatures, TData>) => {
    const t = table as unknown as AnyTable;
    // Ties keep the order rows first appeared in (by id), as stable as the data's own order.
    let arrival = new Map<string, number>();
    let nextArrival = 0;
    let previous: Previous | null = null;

    const sortedCore = tableMemo({
      feature: "rowSortingFeature",
      table: t,
      fnName: "table.getSortedCoreRowModel",
      memoDeps: () => [t.atoms.sorting?.get(), t.getCoreRowModel()],
      fn: () => {
        const core = t.getCoreRowModel() as AnyModel;
        const sorting = (t.atoms.sorting?.get() ?? []) as Array<{ id: string; desc: boolean }>;
        const entries: SortEntry[] = [];
        for (const sort of sorting) {
          const column = t.getColumn(sort.id);
          if (!column?.getCanSort?.()) continue;
          const def = column.columnDef as { sortUndefined?: SortEntry["sortUndefined"]; invertSorting?: boolean };
          entries.push({
            id: sort.id,
            desc: sort.desc,
            sortUndefined: def.sortUndefined,
            invertSorting: def.invertSorting,
            sortFn: column.getSortFn() as SortEntry["sortFn"],
          });
        }
        if (arrival.size > 2 * core.rows.length + 1000) {
          arrival = new Map();
          nextArrival = 0;
        }
        const build = builds.get(core);
        for (const row of build?.entering ?? core.rows) if (!arrival.has(row.id)) arrival.set(row.id, nextArrival++);
        if (!entries.length) {
          previous = null;
          return core.rows;
        }
        const compare = comparator(entries, arrival);
        // The same sort, by the same functions (a column's sort may close over names that changed).
        const sortKey = JSON.stringify(entries.map((e) => [e.id, e.desc]));
        const fns = entries.map((e) => e.sortFn);
        const same = previous && previous.sortKey === sortKey && fns.every((fn, i) => fn === previous!.fns[i]);
        const sorted = same ? merged(previous!, core.rows, build, compare) : null;
        const result = sorted ?? core.rows.slice().sort(compare);
        previous = { rows: core.rows, generation: build?.generation, sortKey, fns, sorted: result };
        return result;
      },
    });

    return tableMemo({
      feature: "rowSortingFeature",
      table: t,
      fnName: "table.getSortedRowModel",
      memoDeps: () => [sortedCore(), t.getPreSortedRowModel()],
      fn: () => {
        const all = sortedCore();
        const shown = t.getPreSortedRowModel() as AnyModel;
        const core = t.getCoreRowModel() as AnyModel;
        if (shown === core) return all === core.rows ? core : modelOf(all);
        if (all === core.rows) return shown;
        const kept = new Set(shown.rows);
        return modelOf(all.filter((row) => kept.has(row)));
      },
    });
  };
}

function comparator(entries: SortEntry[], arrival: Map<string, number>) {
  return (a: AnyRow, b: AnyRow): number => {
    for (const entry of entries) {
      let order = 0;
      if (entry.sortUndefined) {
        const aUndefined = a.getValue(entry.id) === undefined;
        const bUndefined = b.getValue(entry.id) === undefined;
        if (aUndefined && bUndefined) continue;
        if (aUndefined || bUndefined) {
          if (entry.sortUndefined === "first") return aUndefined ? -1 : 1;
          if (entry.sortUndefined === "last") return aUndefined ? 1 : -1;
          order = aUndefined ? entry.sortUndefined : -entry.sortUndefined;
        }
      }
      if (order === 0) order = entry.sortFn(a, b, entry.id);
      if (order !== 0) {
        if (entry.desc) order *= -1;
        if (entry.invertSorting) order *= -1;
        return order;
      }
    }
    return arrival.get(a.id)! - arrival.get(b.id)!;
  };
}

/**
 * The new rows in the previous order: rows still there keep their places, the rows that are new
 * (or whose data changed) are sorted among themselves and merged in. Null when so much changed
 * that sorting everything is as cheap.
 */
function merged(
  previous: Previous,
  rows: AnyRow[],
  build: CoreBuild | undefined,
  compare: (a: AnyRow, b: AnyRow) => number,
): AnyRow[] | null {
  if (previous.rows === rows) return previous.sorted;
  let staying: AnyRow[];
  let added: AnyRow[];
  if (build && previous.generation === build.generation - 1) {
    // The build says what entered; what left is what it did not mark.
    added = build.entering.slice();
    staying = previous.sorted.filter((row) => (row as Marked)[SEEN] === build.generation);
  } else {
    const before = new Set(previous.rows);
    added = rows.filter((row) => !before.has(row));
    const now = new Set(rows);
    staying = previous.sorted.filter((row) => now.has(row));
  }
  if (added.length > rows.length / 8) return null;
  if (!added.length) return staying;
  added.sort(compare);
  const out = new Array<AnyRow>(staying.length + added.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < staying.length && j < added.length) {
    out[k++] = compare(staying[i]!, added[j]!) <= 0 ? staying[i++]! : added[j++]!;
  }
  while (i < staying.length) out[k++] = staying[i++]!;
  while (j < added.length) out[k++] = added[j++]!;
  return out;
}
