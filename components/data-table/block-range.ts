import type { Range } from "@tanstack/react-virtual";

/**
 * Rows come into the page and leave it in blocks of this many, not one by one: while a list
 * scrolls, most frames then change nothing in the page and only move it (the browser's cheapest
 * frame), and every few frames a block is drawn. One row at a time, each frame paid the table's
 * style, layout and paint over again for a row or two.
 */
export const BLOCK = 8;

/**
 * The rows to draw: whole blocks from the one holding the first row wanted (the overscan above
 * the view), and always as many blocks as the widest view seen needs, so the last row drawn moves
 * with the first. A block then leaves the top in the same frame another comes in at the bottom:
 * one frame of style, layout and paint for the pair, where the view's two edges crossing block
 * boundaries at different frames paid it twice.
 */
export function blockRanges(): (range: Range) => number[] {
  let widest = 0;
  return function blockRange({ startIndex, endIndex, overscan, count }: Range): number[] {
    if (count === 0) return [];
    widest = Math.max(widest, endIndex - startIndex);
    // The first row drawn is at most overscan + BLOCK - 1 above the first in view: enough blocks
    // for that, the widest view and the overscan below it.
    const span = Math.ceil((widest + 2 * overscan + BLOCK) / BLOCK) * BLOCK;
    const first = Math.max(0, Math.floor((startIndex - overscan) / BLOCK) * BLOCK);
    const last = Math.min(count - 1, first + span - 1);
    const indexes: number[] = [];
    for (let index = first; index <= last; index++) indexes.push(index);
    return indexes;
  };
}
