"use client";

import {
  elementScroll,
  observeElementOffset,
  observeElementRect,
  Virtualizer,
  type VirtualizerOptions,
} from "@tanstack/react-virtual";
import { useLayoutEffect, useReducer, useRef, useState } from "react";
import { flushSync } from "react-dom";

type Options = Omit<
  VirtualizerOptions<HTMLDivElement, Element>,
  "observeElementRect" | "observeElementOffset" | "scrollToFn" | "onChange"
>;

/**
 * TanStack Virtual's `useVirtualizer`, except that the table is drawn again only when what it
 * draws changes: the rows drawn (the range extractor's, here whole blocks), where they start, the
 * list's height, and whether it is scrolling. `useVirtualizer` renders on every change of the
 * rows in view, which while a list scrolls is nearly every frame (a row is 50 px, a frame's
 * scroll more), synchronously inside the scroll event; with rows drawn in blocks of eight, four
 * frames in five changed nothing in the page and still paid a render of the table's body.
 */
export function useRowVirtualizer(options: Options): Virtualizer<HTMLDivElement, Element> {
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const drawnKey = useRef("");
  // A measurement taken from a row's ref (while React commits) must not render synchronously:
  // flushSync is not allowed there. useVirtualizer guards it the same way.
  const measuring = useRef(false);
  const resolved: VirtualizerOptions<HTMLDivElement, Element> = {
    observeElementRect,
    observeElementOffset,
    scrollToFn: elementScroll,
    ...options,
    onChange: (instance, sync) => {
      const key = keyOf(instance);
      if (key === drawnKey.current) return;
      drawnKey.current = key;
      if (sync && !measuring.current) flushSync(rerender);
      else rerender();
    },
  };
  const [instance] = useState(() => {
    const virtualizer = new Virtualizer(resolved);
    const measureElement = virtualizer.measureElement;
    virtualizer.measureElement = (node) => {
      measuring.current = true;
      try {
        measureElement(node);
      } finally {
        measuring.current = false;
      }
    };
    return virtualizer;
  });
  instance.setOptions(resolved);
  // What this render draws: a change of it from the virtualizer renders again, nothing else does.
  drawnKey.current = keyOf(instance);
  useLayoutEffect(() => instance._didMount(), [instance]);
  useLayoutEffect(() => instance._willUpdate());
  return instance;
}

/** Everything the table's body reads from the virtualizer, as one string. */
function keyOf(instance: Virtualizer<HTMLDivElement, Element>): string {
  const items = instance.getVirtualItems();
  const first = items[0];
  const last = items[items.length - 1];
  return `${first?.index}:${last?.index}:${first?.start}:${last?.end}:${instance.getTotalSize()}:${instance.isScrolling}`;
}
