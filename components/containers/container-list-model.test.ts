import { describe, expect, it } from "vitest";
import {
  DEFAULT_VIEW,
  isFiltered,
  paramsFromView,
  viewFromParams,
  visibleRows,
  type ContainerRow,
} from "./container-list-model";
import { applicable, runBulk } from "./bulk";
import { ACTIONS } from "./container-actions";
import { DEFAULT_COLUMNS, parseColumns } from "./columns";

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
    ...partial,
  };
}

const rows = [
  row({ name: "web", image: "nginx:1.27", labels: { tier: "front" }, compose: { project: "shop", service: "web" } }),
  row({ name: "db", image: "postgres:16", labels: { tier: "data" }, state: "exited" }),
  row({ name: "api", environmentId: "env-b", stack: { namespace: "shop-swarm", service: "api" } }),
];
const names = (list: ContainerRow[]) => list.map((r) => r.name);

describe("the container list's filters", () => {
  it("keeps every filter in the URL and reads it back", () => {
    const view = { ...DEFAULT_VIEW, q: "we", image: "nginx", label: "tier=front", stack: "shop", state: "running" };
    const back = viewFromParams(new URLSearchParams(paramsFromView(view).slice(1)));
    expect(back).toEqual(view);
    expect(isFiltered(back)).toBe(true);
    expect(isFiltered(DEFAULT_VIEW)).toBe(false);
  });

  it("filters by image, label (key or key=value) and stack or compose project", () => {
    const id = () => "x";
    expect(names(visibleRows(rows, { ...DEFAULT_VIEW, image: "postgres" }, id))).toEqual(["db"]);
    expect(names(visibleRows(rows, { ...DEFAULT_VIEW, label: "tier" }, id))).toEqual(["db", "web"]);
    expect(names(visibleRows(rows, { ...DEFAULT_VIEW, label: "tier=data" }, id))).toEqual(["db"]);
    expect(names(visibleRows(rows, { ...DEFAULT_VIEW, label: "tier=" }, id))).toEqual([]);
    expect(names(visibleRows(rows, { ...DEFAULT_VIEW, stack: "shop" }, id))).toEqual(["web"]);
    expect(names(visibleRows(rows, { ...DEFAULT_VIEW, stack: "shop-swarm" }, id))).toEqual(["api"]);
    expect(names(visibleRows(rows, { ...DEFAULT_VIEW, env: "env-b" }, id))).toEqual(["api"]);
  });
});

describe("bulk actions", () => {
  const stop = ACTIONS.find((a) => a.name === "stop")!;
  it("apply only where the action makes sense and is allowed", () => {
    expect(names(applicable(rows, stop, () => true))).toEqual(["web", "api"]);
    expect(names(applicable(rows, stop, (r) => r.environmentId === "env-b"))).toEqual(["api"]);
  });

  it("run every row, a few at a time, and report each failure without stopping", async () => {
    let inFlight = 0;
    let most = 0;
    const outcomes = await runBulk(
      [...rows, ...rows, ...rows],
      async (r) => {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight--;
        if (r.name === "db") throw new Error("engine said no");
        return { cli: `docker stop ${r.name}` };
      },
      2,
    );
    expect(outcomes).toHaveLength(9);
    expect(most).toBe(2);
    expect(outcomes.filter((o) => !o.ok).map((o) => o.message)).toEqual(Array(3).fill("engine said no"));
    expect(outcomes[0]).toMatchObject({ ok: true, cli: "docker stop web" });
  });
});

describe("column choice", () => {
  it("falls back to the default on nothing or garbage and drops unknown names", () => {
    expect(parseColumns(null)).toBe(DEFAULT_COLUMNS);
    expect(parseColumns("{not json")).toBe(DEFAULT_COLUMNS);
    expect([...parseColumns(JSON.stringify(["ip", "nope", "image"]))]).toEqual(["ip", "image"]);
  });
});
