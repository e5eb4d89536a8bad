// Long-lived streams (live changes, the audit tail, followed logs) re-check the caller's
// permission while they run, so a revoked permission or a disabled account ends them within
// seconds, as it does a console.
import type { PrismaClient } from "../generated/prisma/client";
import { loadEffectivePermissions, type EffectivePermissions } from "./permissions";

export interface PermissionWatch {
  /** aborts when the caller loses the permission (or the parent aborts) */
  signal: AbortSignal;
  /** the caller's permissions as last loaded */
  current(): EffectivePermissions;
  stop(): void;
}

export function watchPermission(
  prisma: PrismaClient,
  userId: string,
  initial: EffectivePermissions,
  stillAllowed: (perms: EffectivePermissions) => boolean,
  parent?: AbortSignal,
  everyMs = 5000,
): PermissionWatch {
  const controller = new AbortController();
  let perms = initial;
  const onParentAbort = () => controller.abort(parent?.reason);
  if (parent?.aborted) onParentAbort();
  else parent?.addEventListener("abort", onParentAbort, { once: true });
  const timer = setInterval(() => {
    void (async () => {
      const user = await prisma.user.findUnique({ where: { id: userId }, select: { disabled: true } });
      perms = await loadEffectivePermissions(prisma, userId);
      if (!user || user.disabled || !stillAllowed(perms)) controller.abort(new Error("permission revoked"));
    })().catch(() => undefined);
  }, everyMs);
  timer.unref();
  controller.signal.addEventListener("abort", () => clearInterval(timer), { once: true });
  return {
    signal: controller.signal,
    current: () => perms,
    stop: () => {
      clearInterval(timer);
      parent?.removeEventListener("abort", onParentAbort);
    },
  };
}
