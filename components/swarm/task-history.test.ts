import { describe, expect, it } from "vitest";
import { currentAndEarlier, isCurrentTask } from "./task-history";

const task = (id: string, slot: number | undefined, desiredState: string, updatedAt: string) => ({
  id,
  slot,
  desiredState,
  updatedAt,
});

describe("a service's tasks, current apart from their history", () => {
  it("after an update: the three new tasks are current, the three they replaced are history", () => {
    const tasks = [
      task("old-2", 2, "shutdown", "2026-12-06T10:00:02Z"),
      task("new-1", 1, "running", "2026-12-06T10:01:01Z"),
      task("old-1", 1, "shutdown", "2026-12-06T10:00:01Z"),
      task("new-3", 3, "running", "2026-12-06T10:01:03Z"),
      task("old-3", 3, "shutdown", "2026-12-06T10:00:03Z"),
      task("new-2", 2, "running", "2026-12-06T10:01:02Z"),
    ];
    const { current, earlier } = currentAndEarlier(tasks);
    expect(current.map((t) => t.id)).toEqual(["new-1", "new-2", "new-3"]);
    expect(earlier.map((t) => t.id)).toEqual(["old-1", "old-2", "old-3"]);
  });

  it("a task starting (desired running, not yet running) is current; a failed one replaced is history", () => {
    expect(isCurrentTask(task("a", 1, "running", ""))).toBe(true);
    expect(isCurrentTask(task("b", 1, "ready", ""))).toBe(true);
    // A job's finished task is what the job is: current, not history.
    expect(isCurrentTask(task("c", 1, "complete", ""))).toBe(true);
    for (const state of ["shutdown", "remove", "orphaned"]) expect(isCurrentTask(task("d", 1, state, ""))).toBe(false);
  });

  it("history is by slot, the newest first within a slot; global tasks (no slot) by time", () => {
    const { earlier } = currentAndEarlier([
      task("first", 1, "shutdown", "2026-12-06T10:00:00Z"),
      task("second", 1, "shutdown", "2026-12-06T10:05:00Z"),
      task("global-old", undefined, "shutdown", "2026-12-06T09:00:00Z"),
      task("global-new", undefined, "shutdown", "2026-12-06T11:00:00Z"),
    ]);
    expect(earlier.map((t) => t.id)).toEqual(["global-new", "global-old", "second", "first"]);
  });
});
