// The services list is made once per state of the picture it is served from: the same rows
// answer again while the picture stands still, and any change to a service or a task is in the
// next answer (no list is older than the picture).
import { describe, expect, it } from "vitest";
import type { Fleet, ServiceSummary, TaskSummary } from "../../docker/index";
import { Picture } from "../../docker/picture";
import type { Cluster } from "./cluster";
import { listedServiceRows } from "./services";
import { viewOf } from "./view";

const service = (id: string, replicas: number): ServiceSummary => ({
  id,
  name: id,
  image: "busybox",
  mode: "replicated",
  replicas,
  ports: [],
  labels: { "app.password": "hunter2" },
  createdAt: "2026-12-06T00:00:00Z",
  updatedAt: "2026-12-06T00:00:00Z",
  version: 1,
  canRollback: false,
});

const task = (id: string, serviceId: string, state = "running"): TaskSummary => ({
  id,
  serviceId,
  nodeId: "n1",
  slot: 1,
  desiredState: "running",
  state,
  message: state,
  image: "busybox",
  createdAt: "2026-12-06T00:00:00Z",
  updatedAt: "2026-12-06T00:00:00Z",
});

function setUp() {
  const picture = new Picture();
  picture.replace("m", "services", [service("web", 2)]);
  picture.replace("m", "tasks", [task("t1", "web"), task("t2", "web", "starting")]);
  picture.setWarm("m", true);
  const fleet = { picture } as unknown as Fleet;
  const cluster: Cluster = {
    id: "c1",
    managers: [{ environmentId: "m", name: "m", role: "manager", state: "up" }],
    workers: [],
  };
  const list = async (reveal = true) => listedServiceRows(await viewOf(fleet, cluster, ["services", "tasks"]), reveal);
  return { picture, list };
}

describe("the services list from a picture", () => {
  it("answers with the same rows while the picture stands still", async () => {
    const { list } = setUp();
    const first = await list();
    expect(first.map((r) => [r.name, r.running, r.desired, r.environmentId])).toEqual([["web", 1, 2, "m"]]);
    expect(await list()).toBe(first);
    // Masked and revealed rows are kept apart.
    expect((await list(false))[0]!.labels["app.password"]).not.toBe("hunter2");
    expect((await list(true))[0]!.labels["app.password"]).toBe("hunter2");
  });

  it("holds every change to a task or a service in the next answer", async () => {
    const { picture, list } = setUp();
    const first = await list();
    picture.apply("m", "tasks", ["t2"], [task("t2", "web")]);
    expect((await list()).map((r) => [r.running, r.converged])).toEqual([[2, true]]);
    picture.apply("m", "services", ["web"], [service("web", 3)]);
    expect((await list()).map((r) => [r.running, r.desired])).toEqual([[2, 3]]);
    picture.apply("m", "tasks", ["t1"], []);
    expect((await list()).map((r) => r.running)).toEqual([1]);
    // A refresh that changes nothing keeps the rows.
    const settled = await list();
    picture.replace("m", "tasks", [task("t2", "web")]);
    expect(await list()).toBe(settled);
    expect(first[0]!.running).toBe(1);
  });
});
