import { describe, expect, it } from "vitest";
import { limitValuesOf, toUpdate } from "./update-model";

const current = limitValuesOf({
  restartPolicy: { name: "no", maximumRetryCount: 0 },
  resources: { memory: 64 * 1024 * 1024, nanoCpus: 0, pidsLimit: 0 },
});

describe("the Update dialog's values as an update", () => {
  it("sends only what changed, in the engine's units", () => {
    expect(
      toUpdate(
        {
          ...current,
          restartPolicy: { name: "always", maximumRetryCount: "" },
          resources: { ...current.resources, cpus: "1.5" },
        },
        current,
      ),
    ).toEqual({ spec: { restartPolicy: { name: "always" }, cpus: 1.5 }, issues: [] });
  });

  it("puts each problem on its field, nothing changed on the form as a whole", () => {
    expect(toUpdate(current, current).issues).toEqual([{ path: "root", message: "Change at least one thing." }]);
    expect(toUpdate({ ...current, resources: { ...current.resources, memoryMb: "" } }, current).issues).toEqual([
      { path: "resources.memoryMb", message: "Docker cannot take a memory limit away once set; give a value." },
    ]);
    expect(toUpdate({ ...current, resources: { ...current.resources, memoryMb: "1" } }, current).issues).toEqual([
      { path: "resources.memoryMb", message: "Docker needs at least 6 MB." },
    ]);
    expect(
      toUpdate({ ...current, restartPolicy: { name: "on-failure", maximumRetryCount: "x" } }, current).issues,
    ).toEqual([{ path: "restartPolicy.maximumRetryCount", message: "Enter a whole number." }]);
  });
});
