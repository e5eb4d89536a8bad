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
});
