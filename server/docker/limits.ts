// The three things that keep one engine from hurting Stevedore or being hurt by it: a
// deadline per call, a cap on calls in flight, and one request for many identical reads.

/** Thrown inside `withDeadline` when the deadline fires; callers turn it into their own error. */
export class DeadlineExceeded extends Error {
  constructor(readonly deadlineMs: number) {
    super(`Deadline of ${deadlineMs} ms exceeded.`);
    this.name = "DeadlineExceeded";
  }
}

/**
 * Runs `fn` with a signal that aborts at the deadline (or when `parent` aborts) and settles no
 * later than that, whether or not `fn` honours its signal: a call that ignores the signal is
 * left to finish in the background, its result dropped.
 */
export function withDeadline<T>(
  fn: (signal: AbortSignal) => Promise<T>,
  deadlineMs: number,
  parent?: AbortSignal,
): Promise<T> {
  const controller = new AbortController();
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const finish = (action: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      parent?.removeEventListener("abort", onParentAbort);
      action();
    };
    const timer = setTimeout(() => {
      const exceeded = new DeadlineExceeded(deadlineMs);
      finish(() => reject(exceeded));
      controller.abort(exceeded);
    }, deadlineMs);
    const onParentAbort = () => {
      const reason: unknown = parent?.reason;
      finish(() => reject(reason instanceof Error ? reason : new Error("Aborted.")));
      controller.abort(reason);
    };
    if (parent?.aborted) return onParentAbort();
    parent?.addEventListener("abort", onParentAbort, { once: true });
    fn(controller.signal).then(
      (value) => finish(() => resolve(value)),
      (error: unknown) => finish(() => reject(error instanceof Error ? error : new Error(String(error)))),
    );
  });
}

/** Settles like `promise`, or rejects with DeadlineExceeded first; `promise` is not cancelled. */
export function raceDeadline<T>(promise: Promise<T>, deadlineMs: number, signal?: AbortSignal): Promise<T> {
  return withDeadline(() => promise, deadlineMs, signal);
}

/** A counting semaphore with a FIFO queue; a waiter whose signal aborts leaves the queue. */
export class Semaphore {
  private active = 0;
  private readonly queue: Array<{ grant: () => void }> = [];

  constructor(readonly limit: number) {
    if (!(limit >= 1)) throw new RangeError("A semaphore needs a limit of at least 1.");
  }

  get inFlight(): number {
    return this.active;
  }

  get waiting(): number {
    return this.queue.length;
  }

  /** Resolves with a release function once a slot is free. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (this.active < this.limit) {
      this.active++;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        grant: () => {
          signal?.removeEventListener("abort", onAbort);
          this.active++;
          resolve(this.releaser());
        },
      };
      const onAbort = () => {
        const index = this.queue.indexOf(waiter);
        if (index >= 0) this.queue.splice(index, 1);
        reject(abortReason(signal));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.queue.push(waiter);
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      this.queue.shift()?.grant();
    };
  }
}

/**
 * At most `limit` held per key, refused rather than queued past it (a user's streams on an
 * engine, the compose starts waiting on one): `tryTake` gives a release, or null when full.
 */
export class KeyedLimit {
  private readonly held = new Map<string, number>();

  constructor(readonly limit: number) {}

  tryTake(key: string): (() => void) | null {
    const now = this.held.get(key) ?? 0;
    if (now >= this.limit) return null;
    this.held.set(key, now + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.held.get(key) ?? 1) - 1;
      if (left > 0) this.held.set(key, left);
      else this.held.delete(key);
    };
  }
}

/**
 * Identical reads in flight share one promise: same key, same answer. A caller that must see
 * what happened at some moment (an event it heard) says so with `startedAfter`: it joins only a
 * read that began then or later, and otherwise starts its own (which later callers join).
 */
export class Coalescer {
  private readonly inFlight = new Map<string, { promise: Promise<unknown>; startedAt: number }>();

  run<T>(key: string, start: () => Promise<T>, startedAfter?: number): Promise<T> {
    const existing = this.inFlight.get(key);
    if (existing && (startedAfter === undefined || existing.startedAt >= startedAfter))
      return existing.promise as Promise<T>;
    const entry = { promise: undefined as unknown as Promise<T>, startedAt: performance.now() };
    entry.promise = start().finally(() => {
      // An older read that ends after a newer one took its place leaves the newer one there.
      if (this.inFlight.get(key) === entry) this.inFlight.delete(key);
    });
    this.inFlight.set(key, entry);
    return entry.promise;
  }

  get size(): number {
    return this.inFlight.size;
  }
}

/** Exponential backoff with "equal jitter": half the step is fixed, half random. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random) {
  const step = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt));
  return Math.round(step / 2 + random() * (step / 2));
}

function abortReason(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason : new Error("Aborted.");
}
