import { describe, expect, it } from "vitest";
import type { StackPlan } from "./convert";
import { diffPlans } from "./spec-diff";

const plan = (spec: Record<string, unknown>): StackPlan => ({
  stack: "s",
  networks: [],
  externalNetworks: [],
  secrets: [],
  configs: [],
  externalSecrets: [],
  externalConfigs: [],
  services: [{ name: "web", spec: { Name: "s_web", ...spec } }] as StackPlan["services"],
});

describe("spec diff", () => {
  it("treats what the engine fills in (one replica, default isolation) as unset", () => {
    const live = plan({
      Mode: { Replicated: { Replicas: 1 } },
      TaskTemplate: { ContainerSpec: { Isolation: "default" } },
    });
    const file = plan({ Mode: { Replicated: {} }, TaskTemplate: { ContainerSpec: {} } });
    expect(diffPlans(live, file, { prune: false }).services).toEqual([
      { service: "web", name: "s_web", change: "unchanged", fields: [] },
    ]);
  });

  it("names each changed field with before and after; a service left out is removed only with prune", () => {
    const live = plan({ Mode: { Replicated: { Replicas: 1 } } });
    const file = plan({ Mode: { Replicated: { Replicas: 3 } } });
    expect(diffPlans(live, file, { prune: false }).services[0]).toMatchObject({
      change: "update",
      fields: [{ path: "Mode.Replicated.Replicas", before: 1, after: 3 }],
    });
    const empty = { ...file, services: [] };
    expect(diffPlans(live, empty, { prune: false }).services[0]?.change).toBe("left");
    expect(diffPlans(live, empty, { prune: true }).services[0]?.change).toBe("remove");
  });

  // Review finding: for a caller without config.data.read, "update" against "unchanged" told a
  // right guess of a config's data from a wrong one.
  it("compares a config's data only when asked to; otherwise an existing one is unchecked, whatever its data", () => {
    const withConfig = (data: string): StackPlan => ({
      ...plan({}),
      configs: [{ key: "site", spec: { Name: "s_site", Labels: {}, Data: Buffer.from(data).toString("base64") } }],
    });
    const live = withConfig("the real data");
    const objects = (file: StackPlan, compareConfigData?: boolean) =>
      diffPlans(live, file, { prune: false, ...(compareConfigData === undefined ? {} : { compareConfigData }) })
        .objects;
    expect(objects(withConfig("the real data"))).toEqual([{ kind: "config", name: "s_site", change: "unchanged" }]);
    expect(objects(withConfig("a guess"), true)).toEqual([{ kind: "config", name: "s_site", change: "update" }]);
    for (const guess of ["the real data", "a guess"]) {
      expect(objects(withConfig(guess), false)).toEqual([{ kind: "config", name: "s_site", change: "unchecked" }]);
    }
    // one that does not exist yet is made, whoever asks
    expect(diffPlans(null, withConfig("x"), { prune: false, compareConfigData: false }).objects).toEqual([
      { kind: "config", name: "s_site", change: "create" },
    ]);
  });
});
