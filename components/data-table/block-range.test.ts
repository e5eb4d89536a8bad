import { describe, expect, it } from "vitest";
import { BLOCK, blockRanges } from "./block-range";

describe("blockRanges", () => {
  it("draws whole blocks covering the view and the overscan, and moves both ends in the same step", () => {
    const range = blockRanges();
    const count = 10_000;
    const overscan = 2;
    const view = 16;
    let previous: number[] | null = null;
    let changes = 0;
    // A scroll of 1.8 rows a step (90 px rows of 50 px), as the scale bench does.
    for (let step = 0; step < 300; step++) {
      const startIndex = Math.floor(step * 1.8);
      const endIndex = startIndex + view + (step % 2);
      const drawn = range({ startIndex, endIndex, overscan, count });
      const first = drawn[0]!;
      const last = drawn[drawn.length - 1]!;
      expect(first % BLOCK).toBe(0);
      expect((last + 1) % BLOCK).toBe(0);
      expect(first).toBeLessThanOrEqual(startIndex - overscan < 0 ? 0 : startIndex - overscan);
      expect(last).toBeGreaterThanOrEqual(endIndex + overscan);
      expect(drawn).toEqual(Array.from({ length: last - first + 1 }, (_, i) => first + i));
      if (previous) {
        const firstMoved = previous[0] !== first;
        const lastMoved = previous[previous.length - 1] !== last;
        expect(firstMoved).toBe(lastMoved);
        if (firstMoved) changes++;
      }
      previous = drawn;
    }
    // One change of the rows drawn per block scrolled past, no more.
    expect(changes).toBe(Math.floor((Math.floor(299 * 1.8) - overscan) / BLOCK));
  });

  it("stops at the list's ends", () => {
    const range = blockRanges();
    expect(range({ startIndex: 0, endIndex: 5, overscan: 2, count: 6 })).toEqual([0, 1, 2, 3, 4, 5]);
    expect(range({ startIndex: 0, endIndex: 0, overscan: 2, count: 0 })).toEqual([]);
    const tail = blockRanges()({ startIndex: 9_984, endIndex: 9_999, overscan: 2, count: 10_000 });
    expect(tail[tail.length - 1]).toBe(9_999);
    expect(tail[0]).toBeLessThanOrEqual(9_982);
  });
});
