import { describe, expect, it } from "vitest";
import { drained } from "./streaming";

function listener<T>() {
  let push: ((item: T) => void) | undefined;
  let listening = false;
  return {
    listen: (p: (item: T) => void) => {
      push = p;
      listening = true;
      return () => {
        listening = false;
      };
    },
    push: (item: T) => push?.(item),
    listening: () => listening,
  };
}

describe("drained", () => {
  it("yields what was pushed, in order, what the listener pushed on subscribing first", async () => {
    const source = listener<number>();
    const control = new AbortController();
    const stream = drained(control.signal, [] as number[], (push) => {
      const off = source.listen(push);
      push(0);
      return off;
    });
    expect(await stream.next()).toEqual({ value: 0, done: false });
    const waiting = stream.next();
    source.push(1);
    source.push(2);
    expect(await waiting).toEqual({ value: 1, done: false });
    expect(await stream.next()).toEqual({ value: 2, done: false });
    await stream.return();
    expect(source.listening()).toBe(false);
  });

  it("ends, and stops listening, when the signal fires while it waits", async () => {
    const source = listener<number>();
    const control = new AbortController();
    const stream = drained(control.signal, [] as number[], source.listen);
    const waiting = stream.next();
    control.abort();
    expect(await waiting).toEqual({ value: undefined, done: true });
    expect(source.listening()).toBe(false);
  });

  it("yields nothing more once the signal fired, even with items queued", async () => {
    const source = listener<number>();
    const control = new AbortController();
    const stream = drained(control.signal, [] as number[], source.listen);
    const first = stream.next();
    source.push(1);
    source.push(2);
    expect(await first).toEqual({ value: 1, done: false });
    control.abort();
    expect(await stream.next()).toEqual({ value: undefined, done: true });
  });
});
