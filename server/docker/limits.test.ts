import { describe, expect, it } from "vitest";
import { Coalescer, DeadlineExceeded, Semaphore, backoffDelay, withDeadline, KeyedLimit } from "./limits";

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("withDeadline", () => {
  it("resolves with the value when in time", async () => {
    await expect(withDeadline(() => Promise.resolve(42), 100)).resolves.toBe(42);
  });

  it("rejects at the deadline and aborts the signal, even if fn ignores it", async () => {
    let seen: AbortSignal | undefined;
    const started = performance.now();
    const never = withDeadline((signal) => {
      seen = signal;
      return new Promise<never>(() => undefined);
    }, 50);
    await expect(never).rejects.toBeInstanceOf(DeadlineExceeded);
    expect(performance.now() - started).toBeLessThan(150);
    expect(seen?.aborted).toBe(true);
  });

  it("rejects when the parent signal aborts", async () => {
    const parent = new AbortController();
    const pending = withDeadline(() => new Promise<never>(() => undefined), 10_000, parent.signal);
    parent.abort(new Error("page closed"));
    await expect(pending).rejects.toThrow("page closed");
  });
});

describe("Semaphore", () => {
  it("lets `limit` through and queues the rest in order", async () => {
    const semaphore = new Semaphore(2);
    const order: number[] = [];
    const run = async (n: number) => {
      const release = await semaphore.acquire();
      order.push(n);
      await tick(10);
      release();
    };
    const all = Promise.all([1, 2, 3, 4].map(run));
    await tick(1);
    expect(semaphore.inFlight).toBe(2);
    expect(semaphore.waiting).toBe(2);
    await all;
    expect(order).toEqual([1, 2, 3, 4]);
    expect(semaphore.inFlight).toBe(0);
  });

  it("drops a waiter whose signal aborts, and a double release counts once", async () => {
    const semaphore = new Semaphore(1);
    const release = await semaphore.acquire();
    const controller = new AbortController();
    const waiting = semaphore.acquire(controller.signal);
    controller.abort(new Error("deadline"));
    await expect(waiting).rejects.toThrow("deadline");
    expect(semaphore.waiting).toBe(0);
    release();
    release();
    expect(semaphore.inFlight).toBe(0);
  });
});

describe("KeyedLimit", () => {
  it("refuses past the limit per key, and a release (once, however often called) frees a place", () => {
    const limit = new KeyedLimit(2);
    const a1 = limit.tryTake("a");
    const a2 = limit.tryTake("a");
    expect(a1 && a2).toBeTruthy();
    expect(limit.tryTake("a")).toBeNull();
    expect(limit.tryTake("b")).not.toBeNull();
    a1!();
    a1!();
    expect(limit.tryTake("a")).not.toBeNull();
    expect(limit.tryTake("a")).toBeNull();
  });
});

describe("Coalescer", () => {
  it("shares one promise per key while in flight, then starts afresh", async () => {
    const coalescer = new Coalescer();
    let starts = 0;
    const start = async () => {
      starts++;
      await tick(5);
      return starts;
    };
    const [a, b] = await Promise.all([coalescer.run("k", start), coalescer.run("k", start)]);
    expect([a, b, starts]).toEqual([1, 1, 1]);
    expect(await coalescer.run("k", start)).toBe(2);
    expect(coalescer.size).toBe(0);
  });

  it("starts a read of its own for a caller that needs one begun after a moment, which later callers join", async () => {
    const coalescer = new Coalescer();
    const release: Array<() => void> = [];
    let starts = 0;
    const start = () => {
      const n = ++starts;
      return new Promise<number>((resolve) => release.push(() => resolve(n)));
    };
    const older = coalescer.run("k", start);
    await tick(2);
    const moment = performance.now();
    const fresh = coalescer.run("k", start, moment);
    const joiner = coalescer.run("k", start, moment);
    expect(starts).toBe(2);
    // The older read ending first leaves the fresh one for the callers that come after it.
    release[0]!();
    expect(await older).toBe(1);
    const later = coalescer.run("k", start);
    release[1]!();
    expect([await fresh, await joiner, await later, starts]).toEqual([2, 2, 2, 2]);
    expect(coalescer.size).toBe(0);
  });
});

describe("backoffDelay", () => {
  it("doubles up to the cap, with half of each step random", () => {
    expect(backoffDelay(0, 1000, 60_000, () => 0)).toBe(500);
    expect(backoffDelay(0, 1000, 60_000, () => 1)).toBe(1000);
    expect(backoffDelay(3, 1000, 60_000, () => 0)).toBe(4000);
    expect(backoffDelay(20, 1000, 60_000, () => 1)).toBe(60_000);
  });
});
