// What a list shows, as it lives in the URL (so a view can be linked to): the search, each
// filter, and the sort. Pure, so the rules read in one place and are tested without a browser.
import type { ColumnFiltersState } from "@tanstack/react-table";

export interface ViewSpec<F extends string> {
  /** URL keys of the list's filters, each the id of the column it filters. */
  filters: readonly F[];
  /** Column ids that may be sorted on. */
  sortable: readonly string[];
  defaultSort: { id: string; desc: boolean };
}

export interface ListView<F extends string> {
  q: string;
  filters: Record<F, string>;
  sort: { id: string; desc: boolean };
}

export function viewFromParams<F extends string>(spec: ViewSpec<F>, params: URLSearchParams): ListView<F> {
  const sort = params.get("sort");
  const filters = {} as Record<F, string>;
  for (const key of spec.filters) filters[key] = params.get(key) ?? "";
  return {
    q: params.get("q") ?? "",
    filters,
    sort:
      sort && spec.sortable.includes(sort)
        ? { id: sort, desc: params.get("dir") === "desc" }
        : { ...spec.defaultSort, desc: params.has("dir") ? params.get("dir") === "desc" : spec.defaultSort.desc },
  };
}

/**
 * The query string for a view, defaults left out. Keys the view does not own (a link's `?from=`)
 * are kept as they were.
 */
export function paramsFromView<F extends string>(
  spec: ViewSpec<F>,
  view: ListView<F>,
  others: URLSearchParams = new URLSearchParams(),
): string {
  const params = new URLSearchParams(others);
  for (const key of ["q", "sort", "dir", ...spec.filters]) params.delete(key);
  if (view.q) params.set("q", view.q);
  for (const key of spec.filters) if (view.filters[key]) params.set(key, view.filters[key]);
  if (view.sort.id !== spec.defaultSort.id) params.set("sort", view.sort.id);
  if (view.sort.desc !== (view.sort.id === spec.defaultSort.id ? spec.defaultSort.desc : false)) {
    params.set("dir", view.sort.desc ? "desc" : "asc");
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

export function isFiltered<F extends string>(view: ListView<F>): boolean {
  return view.q.trim() !== "" || Object.values<string>(view.filters).some((v) => v !== "");
}

export function withoutFilters<F extends string>(view: ListView<F>): ListView<F> {
  const filters = { ...view.filters };
  for (const key of Object.keys(filters) as F[]) filters[key] = "";
  return { ...view, q: "", filters };
}

/** TanStack's column filters for the view: one per filter that has a value. */
export function columnFiltersOf<F extends string>(filters: Record<F, string>): ColumnFiltersState {
  return (Object.entries(filters) as [F, string][])
    .filter(([, value]) => value.trim() !== "")
    .map(([id, value]) => ({ id, value }));
}

/** The next sort when a column's header is pressed: that column ascending, or the other way round. */
export function nextSort<F extends string>(view: ListView<F>, id: string): ListView<F>["sort"] {
  return view.sort.id === id ? { id, desc: !view.sort.desc } : { id, desc: false };
}
