// Tests wait for a condition, never for a fixed time: the one polling helper they share.

export interface WaitOptions {
  /** the deadline: an upper bound, never the thing asserted (default 90 s) */
  ms?: number;
  /** how often to look again (default 250 ms); timing tests look every few ms */
  everyMs?: number;
  /** what is awaited, named in the timeout's message */
  what?: string;
  /** a probe that throws has not found it yet; the last error is named if time runs out */
  retryErrors?: boolean;
}

/** What a probe finds: anything but undefined, null or false (which mean "not yet"). */
export type Found<T> = Exclude<T, undefined | null | false>;

/**
 * Polls `probe` until it finds a value (not undefined, null or false) and returns it, or throws
 * once the deadline (`ms`, or `options.ms`) has passed. A boolean check resolves `true`.
 */
export async function waitUntil<T>(probe: () => T | Promise<T>, options: number | WaitOptions = {}): Promise<Found<T>> {
  const {
    ms = 90_000,
    everyMs = 250,
    what,
    retryErrors = false,
  } = typeof options === "number" ? { ms: options } : options;
  const until = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false) return value as Found<T>;
    } catch (error) {
      if (!retryErrors) throw error;
      last = error;
    }
    if (Date.now() > until) {
      const cause = last instanceof Error ? `: ${last.message}` : "";
      throw new Error(`timed out after ${ms} ms waiting${what ? ` for ${what}` : ""}${cause}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Waits as `waitUntil` does and resolves with how long it took (ms), for tests that bound it. */
export async function timeUntil(probe: () => unknown, options: number | WaitOptions = {}): Promise<number> {
  const started = performance.now();
  await waitUntil(probe, options);
  return performance.now() - started;
}
