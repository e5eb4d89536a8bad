import { describe, expect, it } from "vitest";
import { isFailure } from "./overview";

describe("a cluster's recent failures", () => {
  it("counts failed and rejected tasks, and a task that exited non-zero by itself", () => {
    expect(isFailure({ state: "failed", exitCode: 1 })).toBe(true);
    expect(isFailure({ state: "rejected" })).toBe(true);
    expect(isFailure({ state: "complete", exitCode: 2 })).toBe(true);
  });

  it("does not count the tasks an update or a scale-down stopped (shutdown, exit 143)", () => {
    expect(isFailure({ state: "shutdown", exitCode: 143 })).toBe(false);
    expect(isFailure({ state: "shutdown", exitCode: 0 })).toBe(false);
    expect(isFailure({ state: "running" })).toBe(false);
    expect(isFailure({ state: "complete", exitCode: 0 })).toBe(false);
  });
});
