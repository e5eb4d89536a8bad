import { constructTable } from "@tanstack/react-table";
import { storeReactivityBindings } from "@tanstack/table-core/store-reactivity-bindings";
import { describe, expect, it } from "vitest";
import { dataTableFeatures } from "../data-table/features";
import { columnFiltersOf, paramsFromView, viewFromParams, isFiltered } from "../data-table/url-view";
import { applicable, runBulk } from "./bulk";
import { containerColumns } from "./columns";
import { ACTIONS } from "./container-actions";
import {
  CONTAINERS_VIEW,
  FIRST_SCREEN_ROWS,
  firstScreenFor,
  matchesSearch,
  rowKey,
  type ContainerRow,
} from "./container-list-model";
import { firstScreenOf } from "@/server/modules/containers/contract";
import { parseColumnChoice } from "../data-table/use-column-choice";

function row(partial: Partial<ContainerRow> & { name: string }): ContainerRow {
  return {
    id: `${partial.name}-id`,
    names: [`/${partial.name}`],
    environmentId: "env-a",
    image: "busybox:latest",
    imageId: "sha256:1",
    command: "sleep 1",
    state: "running",
    status: "Up",
    created: 1,
    ports: [],
    labels: {},
    networks: [],
    volumes: [],
    ...partial,
  };
}

const rows = [
  row({ name: "web", image: "nginx:1.27", labels: { tier: "front" }, compose: { project: "shop", service: "web" } }),
  row({ name: "db", image: "postgres:16", labels: { tier: "data" }, state: "exited", created: 5 }),
  row({ name: "api", environmentId: "env-b", stack: { namespace: "shop-swarm", service: "api" }, created: 3 }),
];
const envNames = new Map([
  ["env-a", "zulu"],
  ["env-b", "alpha"],
]);
const columns = containerColumns((id) => envNames.get(id) ?? id);

/** The rows the containers table shows for a query string, through TanStack's real row models. */
function shown(query: string, data: ContainerRow[] = rows): string[] {
  return shownRows(query, data).map((r) => r.name);
}

function shownRows(query: string, data: ContainerRow[]): ContainerRow[] {
  const view = viewFromParams(CONTAINERS_VIEW, new URLSearchParams(query));
  const table = constructTable({
    // The React adapter adds its own reactivity; outside React the store's bindings do.
    features: { ...dataTableFeatures, coreReactivityFeature: storeReactivityBindings() } as typeof dataTableFeatures,
    columns,
    data,
    getRowId: rowKey,
    state: {
      sorting: [view.sort],
      columnFilters: columnFiltersOf(view.filters),
      globalFilter: view.q.trim().toLowerCase() || undefined,
    },
    globalFilterFn: (r, _id, needle: string) => matchesSearch(r.original, needle),
    getColumnCanGlobalFilter: (column) => column.id === "name",
  });
  return table.getRowModel().rows.map((r) => r.original);
}

describe("the container list's view", () => {
  it("keeps the search, every filter and the sort in the URL and reads them back", () => {
    const query = "q=we&env=env-a&state=running&image=nginx&label=tier%3Dfront&stack=shop&sort=created&dir=desc";
    const view = viewFromParams(CONTAINERS_VIEW, new URLSearchParams(query));
    expect(view).toEqual({
      q: "we",
      filters: { env: "env-a", state: "running", image: "nginx", label: "tier=front", stack: "shop" },
      sort: { id: "created", desc: true },
    });
    expect(viewFromParams(CONTAINERS_VIEW, new URLSearchParams(paramsFromView(CONTAINERS_VIEW, view)))).toEqual(view);
    expect(isFiltered(view)).toBe(true);
    const plain = viewFromParams(CONTAINERS_VIEW, new URLSearchParams(""));
    expect(isFiltered(plain)).toBe(false);
    expect(paramsFromView(CONTAINERS_VIEW, plain)).toBe("");
    // A sort key the list does not know falls back to the default.
    expect(viewFromParams(CONTAINERS_VIEW, new URLSearchParams("sort=bogus")).sort).toEqual({
      id: "name",
      desc: false,
    });
  });

  it("keeps parameters it does not own", () => {
    const view = viewFromParams(CONTAINERS_VIEW, new URLSearchParams("q=a"));
    expect(paramsFromView(CONTAINERS_VIEW, view, new URLSearchParams("from=x&q=old"))).toBe("?from=x&q=a");
  });

  it("searches name, image and id start, and filters by environment, state, image, label and stack", () => {
    expect(shown("")).toEqual(["api", "db", "web"]);
    expect(shown("q=NGI")).toEqual(["web"]);
    expect(shown("q=db-i")).toEqual(["db"]);
    expect(shown("image=postgres")).toEqual(["db"]);
    expect(shown("label=tier")).toEqual(["db", "web"]);
    expect(shown("label=tier%3Ddata")).toEqual(["db"]);
    expect(shown("label=tier%3D")).toEqual([]);
    expect(shown("stack=shop")).toEqual(["web"]);
    expect(shown("stack=shop-swarm")).toEqual(["api"]);
    expect(shown("env=env-b")).toEqual(["api"]);
    expect(shown("state=exited")).toEqual(["db"]);
  });

  it("sorts by name, by environment name (not id), by creation time either way", () => {
    expect(shown("sort=name&dir=desc")).toEqual(["web", "db", "api"]);
    // env-b is "alpha", env-a "zulu"; rows that tie keep the list's order.
    expect(shown("sort=env")).toEqual(["api", "web", "db"]);
    expect(shown("sort=created")).toEqual(["web", "api", "db"]);
    expect(shown("sort=created&dir=desc")).toEqual(["db", "api", "web"]);
  });
});

describe("the first screen", () => {
  // Many rows with ties everywhere (names, images, states, times, environments), in no order.
  const many: ContainerRow[] = Array.from({ length: 300 }, (_, i) =>
    row({
      id: `c${String(i).padStart(3, "0")}`,
      name: `app-${(i * 37) % 50}`,
      image: ["nginx:1.27", "Postgres:16", "busybox", "redis:7"][i % 4]!,
      environmentId: ["env-a", "env-b", "env-c"][(i * 7) % 3]!,
      state: ["running", "exited", "paused"][(i * 5) % 3]!,
      created: (i * 13) % 40,
      labels: i % 3 === 0 ? { tier: i % 2 ? "front" : "data" } : {},
      ...(i % 5 === 0 ? { compose: { project: "shop", service: "web" } } : {}),
    }),
  );

  it("is the top of what the table shows, for every sort, search and filter", () => {
    const queries = [
      "",
      "sort=name&dir=desc",
      "sort=env",
      "sort=env&dir=desc",
      "sort=image",
      "sort=state&dir=desc",
      "sort=created",
      "sort=created&dir=desc",
      "q=app-1",
      "q=APP-2&sort=created",
      "q=c01",
      "state=exited&sort=env",
      "label=tier%3Dfront&sort=image&dir=desc",
      "stack=shop&env=env-b",
      "image=postgres&q=app",
      "q=nothing-matches",
    ];
    for (const query of queries) {
      const view = viewFromParams(CONTAINERS_VIEW, new URLSearchParams(query));
      const table = shownRows(query, many).map(rowKey);
      for (const limit of [1, 7, 100, 500]) {
        const first = firstScreenOf(many, { ...firstScreenFor(view), limit }, (id) => envNames.get(id) ?? id);
        expect(first.map(rowKey), `${query} (${limit})`).toEqual(table.slice(0, limit));
      }
    }
    // (The deadline is only an upper bound for a loaded machine.)
  }, 60_000);

  it("asks for the page's view: its search, the filters set and the sort", () => {
    const view = viewFromParams(CONTAINERS_VIEW, new URLSearchParams("q=web&state=running&sort=created&dir=desc"));
    expect(firstScreenFor(view)).toEqual({
      limit: FIRST_SCREEN_ROWS,
      q: "web",
      filters: { state: "running" },
      sort: { id: "created", desc: true },
    });
    expect(firstScreenFor(viewFromParams(CONTAINERS_VIEW, new URLSearchParams("")))).toEqual({
      limit: FIRST_SCREEN_ROWS,
      sort: { id: "name", desc: false },
    });
  });
});

describe("bulk actions", () => {
  it("offer each action only for the chosen rows it applies to", () => {
    const start = ACTIONS.find((a) => a.name === "start")!;
    const stop = ACTIONS.find((a) => a.name === "stop")!;
    const mayAll = () => true;
    expect(applicable(rows, start, mayAll).map((r) => r.name)).toEqual(["db"]);
    expect(applicable(rows, stop, mayAll).map((r) => r.name)).toEqual(["web", "api"]);
    expect(applicable(rows, stop, (r) => r.environmentId === "env-b").map((r) => r.name)).toEqual(["api"]);
  });

  it("run on every row, a few at a time, and report each failure without stopping", async () => {
    let inFlight = 0;
    let most = 0;
    const outcomes = await runBulk(
      [...rows, row({ name: "x" }), row({ name: "y" }), row({ name: "z" })],
      async (r) => {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight--;
        if (r.name === "db") throw new Error("no such container");
        return { cli: `docker stop ${r.name}` };
      },
      2,
    );
    expect(most).toBe(2);
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, true, true, true, true]);
    expect(outcomes[1]!.message).toBe("no such container");
  });
});

describe("column choice", () => {
  const choosable = columns.map((c) => ({ id: c.id!, defaultHidden: c.meta?.defaultHidden }));
  it("falls back to the default on nothing or garbage and drops unknown ids", () => {
    const defaults = [...parseColumnChoice(null, choosable)];
    expect(defaults).toEqual(expect.arrayContaining(["env", "image", "state", "usage", "status", "ports"]));
    expect(defaults).not.toContain("ip");
    expect([...parseColumnChoice("{not json", choosable)]).toEqual(defaults);
    expect([...parseColumnChoice(JSON.stringify(["ip", "nope", "image"]), choosable)]).toEqual(["ip", "image"]);
  });
});
