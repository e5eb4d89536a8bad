// How many calls one batched tRPC request may carry, and which procedures refuse batching
// outright: sign-in, setup, passwords, two-factor and tokens, so that a batch cannot multiply
// guesses past the per-request throttles. Shared with the browser's client (components/trpc.tsx),
// which sends these alone and splits longer batches: keep this file free of server imports.

/** Calls in one batched request, at most. */
export const MAX_BATCH_CALLS = 10;

const UNBATCHABLE = /^(auth\.(setup|login)|tokens\..+)$|password|totp/i;

/** True for procedures that must be called one per request. */
export function refusesBatching(path: string): boolean {
  return UNBATCHABLE.test(path);
}

/** Why a batch of these calls is refused, or null. */
export function batchProblem(paths: string[]): string | null {
  if (paths.length > MAX_BATCH_CALLS) {
    return `A batch may hold at most ${MAX_BATCH_CALLS} calls; this one holds ${paths.length}. Send fewer at a time.`;
  }
  const alone = paths.find(refusesBatching);
  return alone ? `${alone} cannot be batched: send it as a request of its own.` : null;
}
