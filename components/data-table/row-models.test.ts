import {
  columnFilteringFeature,
  constructTable,
  createColumnHelper,
  createFilteredRowModel,
  createSortedRowModel,
  globalFilteringFeature,
  rowSortingFeature,
  sortFn_basic,
  sortFn_text,
  tableFeatures,
  type ColumnFiltersState,
  type TableOptions,
  type SortingState,
} from "@tanstack/react-table";
import { batch, createAtom } from "@tanstack/react-store";
import { table_publishExternalState, table_setOptions } from "@tanstack/react-table/static-functions";
import { renderPhaseReactivity } from "@tanstack/table-core/reactivity";
import { describe, expect, it } from "vitest";
import { createKeptCoreRowModel, createLeanFilteredRowModel, createSortFirstRowModel } from "./row-models";

type Item = { id: string; name: string; state: string; created: number };

// The reactivity useTable gives a table, without React: options and state set as it sets them.
const base = {
  coreReactivityFeature: renderPhaseReactivity({ createAtom, batch }),
  columnFilteringFeature,
  globalFilteringFeature,
  rowSortingFeature,
};
const sortFns = { text: sortFn_text, basic: sortFn_basic };
const stock = tableFeatures({
  ...base,
  filteredRowModel: createFilteredRowModel(),
  sortedRowModel: createSortedRowModel(),
  sortFns,
});
const lean = tableFeatures({
  ...base,
  coreRowModel: createKeptCoreRowModel(),
  filteredRowModel: createLeanFilteredRowModel(),
  sortedRowModel: createSortFirstRowModel(),
  sortFns,
});

const column = createColumnHelper<typeof lean, Item>();
const columns = [
  column.accessor("name", { id: "name", sortFn: (a, b) => a.original.name.localeCompare(b.original.name) }),
  column.accessor("state", {
    id: "state",
    sortFn: "text",
    filterFn: (row, _id, value: string) => row.original.state === value,
  }),
  column.accessor("created", { id: "created", sortFn: "basic" }),
];

interface View {
  sorting: SortingState;
  columnFilters: ColumnFiltersState;
  globalFilter: string | undefined;
}

function tableOf(features: typeof lean | typeof stock, data: Item[], view: View, tableColumns = columns) {
  let state = { ...view };
  let rows = data;
  // Both feature sets drive the same columns: the options are typed for one of them.
  const options = () =>
    ({
      features,
      data: rows,
      columns: tableColumns,
      getRowId: (item: Item) => item.id,
      state,
      globalFilterFn: (row: { original: Item }, _id: string, needle: string) => row.original.name.includes(needle),
      getColumnCanGlobalFilter: (c: { id: string }) => c.id === "name",
    }) as unknown as TableOptions<typeof lean, Item>;
  const table = constructTable(options());
  return {
    table,
    set(next: { data?: Item[]; view?: Partial<View> }) {
      if (next.data) rows = next.data;
      if (next.view) state = { ...state, ...next.view };
      table_setOptions(table, (prev) => ({ ...prev, ...options() }), { syncExternalState: false });
      table_publishExternalState(table, state, Object.is);
    },
    ids: () => table.getRowModel().rows.map((r) => r.id),
  };
}

/** A seeded generator: the same "random" fleet every run. */
function random(seed: number) {
  return () => {
    seed = (seed * 1664525 + 1013904223) % 2 ** 32;
    return seed / 2 ** 32;
  };
}

const STATES = ["running", "exited", "paused"];
function fleet(n: number, next: () => number): Item[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `c${i}`,
    name: `app-${Math.floor(next() * 50)}-${i % 7}`,
    state: STATES[Math.floor(next() * 3)]!,
    created: Math.floor(next() * 20),
  }));
}

describe("the data table's row models", () => {
  it("order and filter rows as TanStack's stock models do, through data changes, sorts and filters", () => {
    const next = random(7);
    let data = fleet(200, next);
    const view: View = { sorting: [{ id: "name", desc: false }], columnFilters: [], globalFilter: undefined };
    const a = tableOf(stock, data, view);
    const b = tableOf(lean, data, view);
    a.set({});
    b.set({});
    expect(b.ids()).toEqual(a.ids());

    const steps: Array<() => { data?: Item[]; view?: Partial<View> }> = [
      () => ({ view: { globalFilter: "app-1" } }),
      () => ({ view: { globalFilter: "app-12" } }),
      () => ({ view: { columnFilters: [{ id: "state", value: "running" }] } }),
      () => ({ view: { globalFilter: undefined } }),
      () => ({ view: { sorting: [{ id: "state", desc: true }] } }),
      () => ({ view: { sorting: [{ id: "created", desc: false }], columnFilters: [] } }),
      () => ({ view: { sorting: [{ id: "name", desc: true }] } }),
    ];
    // Between the view changes, events: a row changes state, one goes, one comes.
    for (const step of steps) {
      for (let k = 0; k < 3; k++) {
        const at = Math.floor(next() * data.length);
        data = data.map((item, i) =>
          i === at ? { ...item, state: STATES[(STATES.indexOf(item.state) + 1) % 3]! } : item,
        );
        data = data.filter((_, i) => i !== Math.floor(next() * data.length));
        data = [
          ...data,
          { id: `n${k}-${next()}`, name: `app-${Math.floor(next() * 50)}-9`, state: "running", created: 3 },
        ];
        a.set({ data });
        b.set({ data });
        expect(b.ids()).toEqual(a.ids());
      }
      const change = step();
      a.set(change);
      b.set(change);
      expect(b.ids()).toEqual(a.ids());
    }
  });

  it("keeps the row object of every item that did not change, so its drawn row is not drawn again", () => {
    const data = fleet(50, random(3));
    const t = tableOf(lean, data, {
      sorting: [{ id: "name", desc: false }],
      columnFilters: [],
      globalFilter: undefined,
    });
    t.set({});
    const before = new Map(t.table.getRowModel().rows.map((r) => [r.id, r]));
    const changed = data.map((item, i) => (i === 10 ? { ...item, state: "dead" } : item));
    t.set({ data: changed });
    const after = t.table.getRowModel().rows;
    for (const row of after) {
      if (row.id === data[10]!.id) expect(row).not.toBe(before.get(row.id));
      else expect(row).toBe(before.get(row.id));
    }
    expect(after.find((r) => r.id === data[10]!.id)?.original.state).toBe("dead");
  });

  it("does not sort again when only the search changes", () => {
    let compares = 0;
    const counting = [
      column.accessor("name", {
        id: "name",
        sortFn: (a, b) => {
          compares++;
          return a.original.name.localeCompare(b.original.name);
        },
      }),
    ];
    const data = fleet(300, random(11));
    const t = tableOf(
      lean,
      data,
      { sorting: [{ id: "name", desc: false }], columnFilters: [], globalFilter: undefined },
      counting,
    );
    t.set({});
    const all = t.table.getRowModel().rows.map((r) => r.original.name);
    expect(all).toEqual([...all].sort((x, y) => x.localeCompare(y)));
    const sorting = compares;
    expect(sorting).toBeGreaterThan(0);
    for (const needle of ["a", "app-1", "app-12"]) {
      t.set({ view: { globalFilter: needle } });
      const shown = t.table.getRowModel().rows.map((r) => r.original.name);
      expect(shown).toEqual(all.filter((name) => name.includes(needle)));
    }
    expect(compares).toBe(sorting);
  });
});
