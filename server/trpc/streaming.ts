// The one way a live stream (a subscription, a download that follows) holds its permission:
// it runs while the page stays and the caller still may, and ends quietly when either goes.
// The re-check itself is the one of server/rbac/revocation.ts (one timer for the process).
import type { Actor, Services } from "../core/context";
import type { EffectivePermissions } from "../rbac/permissions";
import { watchPermission, type PermissionWatch } from "../rbac/revocation";

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
