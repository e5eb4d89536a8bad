// Whatever a caller opened that outlives one request (a console, an attachment, followed logs,
// the live changes, the audit tail, stats) is re-checked while it runs: when the credential it
// was opened with ends (sign-out, sign-out everywhere, a revoked or expired token, a password
// change or reset, a disabled or deleted account) or the permission goes, it ends within
// seconds. One timer serves every watcher, and each user's state is read once per round however
// many things they have open; a successful change made through Stevedore runs a round at once.
import { credentialStands, loadCredentialState, type Credential } from "../auth/credentials";
import { requireTwoFactorForEveryone } from "../auth/settings";
import type { PrismaClient } from "../generated/prisma/client";
import { loadEffectivePermissions, type EffectivePermissions } from "./permissions";

/** Called each round with the caller's current permissions, or null when their credential no
 * longer stands (or their account is gone or disabled). */
export type RecheckListener = (perms: EffectivePermissions | null) => void;

/** How often everything open is re-checked; ends land within this plus one round's reads. */
export const RECHECK_EVERY_MS = 2000;

interface Watcher {
  credential: Credential;
  listener: RecheckListener;
}

/** Nudged rounds start at most this often: a burst of changes costs one round, not one each. */
const NUDGE_SPACING_MS = 250;

export class PermissionRechecks {
  private readonly watchers = new Map<string, Set<Watcher>>();
  private timer: NodeJS.Timeout | undefined;
  private nudged: NodeJS.Timeout | undefined;
  private running = false;
  private again = false;
  private lastStarted = 0;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly everyMs = RECHECK_EVERY_MS,
  ) {}

  /** Watches what `credential` opened until the returned function is called. */
  watch(credential: Credential, listener: RecheckListener): () => void {
    let set = this.watchers.get(credential.userId);
    if (!set) this.watchers.set(credential.userId, (set = new Set()));
    const watcher = { credential, listener };
    set.add(watcher);
    if (!this.timer) {
      this.timer = setInterval(() => void this.round(), this.everyMs);
      this.timer.unref();
    }
    return () => {
      set.delete(watcher);
      if (!set.size && this.watchers.get(credential.userId) === set) this.watchers.delete(credential.userId);
      if (!this.watchers.size && this.timer) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    };
  }

  /** Something changed (a sign-out, a revoked token, a changed binding): check soon, not at the next tick. */
  nudge(): void {
    if (!this.watchers.size) return;
    if (this.running) {
      // The round under way may have read before the change: one more after it.
      this.again = true;
      return;
    }
    if (this.nudged) return;
    const wait = Math.max(0, this.lastStarted + NUDGE_SPACING_MS - Date.now());
    this.nudged = setTimeout(() => {
      this.nudged = undefined;
      void this.round();
    }, wait);
    this.nudged.unref();
  }

  private async round(): Promise<void> {
    // A slow database: skip this tick rather than pile rounds up (a nudge asks for one more).
    if (this.running) return;
    this.running = true;
    try {
      do {
        this.again = false;
        this.lastStarted = Date.now();
        const twoFactorRequired = await requireTwoFactorForEveryone(this.prisma).catch(() => undefined);
        if (twoFactorRequired === undefined) return; // the database did not answer: next round
        for (const [userId, set] of [...this.watchers]) {
          const state = await this.load(userId, twoFactorRequired).catch(() => undefined);
          if (state === undefined) continue; // the database did not answer: try again next round
          for (const watcher of [...set]) {
            watcher.listener(credentialStands(state.credentials, watcher.credential) ? state.perms : null);
          }
        }
      } while (this.again);
    } finally {
      this.running = false;
    }
  }

  private async load(userId: string, twoFactorRequired: boolean) {
    const credentials = await loadCredentialState(this.prisma, userId, twoFactorRequired);
    const perms = credentials.user ? await loadEffectivePermissions(this.prisma, userId) : null;
    return { credentials, perms };
  }
}

// One per database client, on globalThis: Next bundles its own copy of this module for the
// pages, and a nudge from either copy must reach the same watchers.
const slot = Symbol.for("stevedore.permissionRechecks");
function registry(): WeakMap<PrismaClient, PermissionRechecks> {
  const holder = globalThis as { [slot]?: WeakMap<PrismaClient, PermissionRechecks> };
  return (holder[slot] ??= new WeakMap());
}

export function permissionRechecksFor(prisma: PrismaClient): PermissionRechecks {
  const map = registry();
  let r = map.get(prisma);
  if (!r) map.set(prisma, (r = new PermissionRechecks(prisma)));
  return r;
}

export interface PermissionWatch {
  /** aborts when the caller's credential ends or they lose the permission (or the parent aborts) */
  signal: AbortSignal;
  /** the caller's permissions as last loaded */
  current(): EffectivePermissions;
  stop(): void;
}

/** For a stream: an abort signal that fires when what `credential` opened must end. */
export function watchPermission(
  prisma: PrismaClient,
  credential: Credential,
  initial: EffectivePermissions,
  stillAllowed: (perms: EffectivePermissions) => boolean,
  parent?: AbortSignal,
): PermissionWatch {
  const controller = new AbortController();
  let perms = initial;
  const onParentAbort = () => controller.abort(parent?.reason);
  if (parent?.aborted) onParentAbort();
  else parent?.addEventListener("abort", onParentAbort, { once: true });
  const unwatch = permissionRechecksFor(prisma).watch(credential, (now) => {
    if (now) perms = now;
    if (!now || !stillAllowed(now)) {
      controller.abort(new Error(now ? "permission revoked" : "credential ended"));
    }
  });
  controller.signal.addEventListener("abort", unwatch, { once: true });
  return {
    signal: controller.signal,
    current: () => perms,
    stop: () => {
      unwatch();
      parent?.removeEventListener("abort", onParentAbort);
    },
  };
}
