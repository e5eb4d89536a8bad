// The one way a live stream (a subscription, a download that follows) holds its permission:
// it runs while the page stays and the caller still may, and ends quietly when either goes.
// The re-check itself is the one of server/rbac/revocation.ts (one timer for the process).
import type { Actor, Services } from "../../core/context";
import type { EffectivePermissions } from "../../rbac/permissions";
import { watchPermission, type PermissionWatch } from "../../rbac/revocation";

/**
 * Yields what `body` yields while `stillAllowed` holds for the caller's permissions as they
 * are now; `body` gets the watch (its `signal` fires when the page goes or the permission
 * does; `current()` is what the caller holds now, for filtering). The end of either is a
 * normal end of the stream, not an error.
 */
export async function* whileAllowed<T>(
  ctx: { services: Pick<Services, "prisma">; actor: Actor },
  signal: AbortSignal | undefined,
  stillAllowed: (permissions: EffectivePermissions) => boolean,
  body: (watch: PermissionWatch) => AsyncIterable<T>,
): AsyncGenerator<T, void, undefined> {
  const watch = watchPermission(ctx.services.prisma, ctx.actor, ctx.actor.permissions, stillAllowed, signal);
  try {
    yield* body(watch);
  } catch (error) {
    if (!watch.signal.aborted) throw error;
  } finally {
    watch.stop();
  }
}

/** What `drained` reads from: an array, or a queue with its own policy for a page that lags. */
export interface PushQueue<T> {
  readonly length: number;
  push(item: T): unknown;
  shift(): T | undefined;
}

/**
 * The one loop that turns a listener's pushes into a stream: `listen` subscribes (it may push
 * what the page gets first, after subscribing, so nothing falls between) and returns its
 * unsubscribe; each item pushed is yielded in order until `signal` fires, checked before each
 * one. The caller owns `queue`, so what a page that reads slowly loses (the oldest, all but the
 * latest of each, all for a resync) is the caller's rule, applied before it calls `push`.
 */
export async function* drained<T>(
  signal: AbortSignal,
  queue: PushQueue<T>,
  listen: (push: (item: T) => void) => () => void,
): AsyncGenerator<T, void, undefined> {
  let wake: (() => void) | undefined;
  const off = listen((item) => {
    queue.push(item);
    wake?.();
  });
  const onAbort = () => wake?.();
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    while (!signal.aborted) {
      const next = queue.shift();
      if (next === undefined) {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        continue;
      }
      yield next;
    }
  } finally {
    signal.removeEventListener("abort", onAbort);
    off();
  }
}
