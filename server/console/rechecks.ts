// Open consoles re-check their user's permissions every few seconds, so a revoked permission
// or a disabled account reaches them within seconds. One timer serves every console, and each
// user's permissions are loaded once per round however many consoles they have open.
import type { PrismaClient } from "../generated/prisma/client";
import { loadEffectivePermissions, type EffectivePermissions } from "../rbac/permissions";

/** Called each round with the user's current permissions, or null when the user is gone or disabled. */
export type RecheckListener = (perms: EffectivePermissions | null) => void;

export class PermissionRechecks {
  private readonly listeners = new Map<string, Set<RecheckListener>>();
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly everyMs = 5000,
  ) {}

  /** Watches `userId` until the returned function is called. */
  watch(userId: string, listener: RecheckListener): () => void {
    let set = this.listeners.get(userId);
    if (!set) this.listeners.set(userId, (set = new Set()));
    set.add(listener);
    if (!this.timer) {
      this.timer = setInterval(() => void this.round(), this.everyMs);
      this.timer.unref();
    }
    return () => {
      set.delete(listener);
      if (!set.size) this.listeners.delete(userId);
      if (!this.listeners.size && this.timer) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    };
  }

  private async round(): Promise<void> {
    if (this.running) return; // a slow database: skip a round rather than pile them up
    this.running = true;
    try {
      for (const [userId, set] of [...this.listeners]) {
        const perms = await this.load(userId).catch(() => undefined);
        if (perms === undefined) continue; // the database did not answer: try again next round
        for (const listener of [...set]) listener(perms);
      }
    } finally {
      this.running = false;
    }
  }

  private async load(userId: string): Promise<EffectivePermissions | null> {
    const user = await this.prisma.user.findUnique({ where: { id: userId }, select: { disabled: true } });
    if (!user || user.disabled) return null;
    return loadEffectivePermissions(this.prisma, userId);
  }
}

const rechecks = new WeakMap<PrismaClient, PermissionRechecks>();

export function permissionRechecksFor(prisma: PrismaClient): PermissionRechecks {
  let r = rechecks.get(prisma);
  if (!r) rechecks.set(prisma, (r = new PermissionRechecks(prisma)));
  return r;
}
