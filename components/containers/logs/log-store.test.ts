import { describe, expect, it } from "vitest";
import { LogStore, lowerBound, splitTimestamp } from "./log-store";

const batch = (lines: string[], runs: number[]) => ({ text: lines.join("\n"), runs });

describe("LogStore", () => {
  it("keeps lines with their streams and shows each stream apart", () => {
    const store = new LogStore(100);
    store.append(batch(["a", "b", "oops", "c"], [1, 2, 2, 1, 1, 1]));
    expect(store.rowCount("all")).toBe(4);
    expect(store.rowCount("stderr")).toBe(1);
    expect(store.line(store.seqAt("stderr", 0))).toEqual({ text: "oops", stderr: true });
    expect(
      Array.from({ length: store.rowCount("stdout") }, (_, i) => store.line(store.seqAt("stdout", i))?.text),
    ).toEqual(["a", "b", "c"]);
  });

  it("keeps only the last `capacity` lines and counts the dropped ones", () => {
    const store = new LogStore(1000);
    for (let n = 0; n < 50; n++) {
      const lines = Array.from({ length: 100 }, (_, i) => `line ${n * 100 + i}`);
      store.append(batch(lines, n % 2 ? [2, 100] : [1, 100]));
    }
    expect(store.total).toBe(5000);
    expect(store.size).toBeGreaterThanOrEqual(900);
    expect(store.size).toBeLessThanOrEqual(1000);
    expect(store.dropped).toBe(5000 - store.size);
    expect(store.line(store.seqAt("all", store.size - 1))?.text).toBe("line 4999");
    expect(store.line(store.seqAt("all", 0))?.text).toBe(`line ${store.dropped}`);
    // The stream views lost their dropped lines too.
    expect(store.rowCount("stdout") + store.rowCount("stderr")).toBe(store.size);
    expect(store.line(store.seqAt("stderr", 0))).toBeDefined();
  });

  it("finds matches case-insensitively, in new lines as they come, and forgets dropped ones", () => {
    const store = new LogStore(10);
    store.append(batch(["Error one", "fine", "an ERROR"], [1, 2, 2, 1]));
    store.search("error");
    expect(store.hitsFor("all").map((s) => store.line(s)?.text)).toEqual(["Error one", "an ERROR"]);
    expect(store.hitsFor("stdout")).toHaveLength(1);
    store.append(batch(["error again"], [1, 1]));
    expect(store.hitsFor("all")).toHaveLength(3);
    store.append(
      batch(
        Array.from({ length: 20 }, () => "quiet"),
        [1, 20],
      ),
    );
    expect(store.hitsFor("all")).toHaveLength(0);
    const row = store.rowOf("all", store.seqAt("all", 3));
    expect(row).toBe(3);
  });

  it("clears everything for a new stream", () => {
    const store = new LogStore(10);
    store.append(batch(["a"], [1, 1]));
    store.clear();
    expect(store.total).toBe(0);
    expect(store.rowCount("all")).toBe(0);
  });
});

describe("helpers", () => {
  it("lowerBound finds the first index at or above a value", () => {
    expect(lowerBound([1, 3, 5], 0)).toBe(0);
    expect(lowerBound([1, 3, 5], 3)).toBe(1);
    expect(lowerBound([1, 3, 5], 4)).toBe(2);
    expect(lowerBound([1, 3, 5], 9)).toBe(3);
  });

  it("splitTimestamp takes the engine's RFC 3339 time off the front", () => {
    expect(splitTimestamp("2026-11-25T10:00:00.123456789Z hello world")).toEqual([
      "2026-11-25T10:00:00.123456789Z",
      "hello world",
    ]);
    expect(splitTimestamp("no time here")).toEqual([null, "no time here"]);
  });
});
