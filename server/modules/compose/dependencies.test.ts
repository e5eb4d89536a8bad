import { describe, expect, it } from "vitest";
import { parseDependsOn, startOrder, stopOrder, type DependentContainer } from "./dependencies";

const container = (service: string, dependsOn: string[] = []): DependentContainer => ({
  id: service,
  name: `p-${service}-1`,
  service,
  dependsOn: dependsOn.map((s) => ({ service: s, condition: "service_started" })),
  labels: {},
});

const services = (waves: DependentContainer[][]) => waves.map((w) => w.map((c) => c.service));

describe("compose depends_on", () => {
  it("reads compose v2's label: service, condition, restart; no condition is running_or_healthy", () => {
    expect(
      parseDependsOn({
        "com.docker.compose.depends_on": "db:service_healthy:false,job:service_completed_successfully:true,old",
      }),
    ).toEqual([
      { service: "db", condition: "service_healthy" },
      { service: "job", condition: "service_completed_successfully" },
      { service: "old", condition: "running_or_healthy" },
    ]);
    expect(parseDependsOn({})).toEqual([]);
    expect(parseDependsOn({ "com.docker.compose.depends_on": "" })).toEqual([]);
  });

  it("starts dependencies first, the rest by name; stops dependants first", () => {
    const project = [container("web", ["api"]), container("api", ["db", "cache"]), container("db"), container("cache")];
    expect(services(startOrder(project))).toEqual([["cache", "db"], ["api"], ["web"]]);
    expect(services(stopOrder(project))).toEqual([["web"], ["api"], ["cache", "db"]]);
    // a dependency without containers does not hold anything back
    expect(services(startOrder([container("web", ["gone"])]))).toEqual([["web"]]);
    // a cycle (not something compose writes) still starts everything once
    expect(
      startOrder([container("a", ["b"]), container("b", ["a"])])
        .flat()
        .map((c) => c.service)
        .sort(),
    ).toEqual(["a", "b"]);
  });
});
