// Effective permissions: the union of a user's own bindings and their teams' bindings, per
// scope. `can` is the one question every check asks.
import type { Prisma, PrismaClient } from "../generated/prisma/client";
import { builtinRoles } from "./builtin-roles";
import { isEnvironmentScoped, isPermission, type Permission } from "./catalogue";

export interface EffectivePermissions {
  /** granted on every environment (and the only place global permissions live) */
  everywhere: ReadonlySet<Permission>;
  /** granted on one environment */
  byEnvironment: ReadonlyMap<string, ReadonlySet<Permission>>;
}

export const noPermissions: EffectivePermissions = { everywhere: new Set(), byEnvironment: new Map() };

export async function loadEffectivePermissions(
  prisma: PrismaClient | Prisma.TransactionClient,
  userId: string,
): Promise<EffectivePermissions> {
  const bindings = await prisma.roleBinding.findMany({
    where: { OR: [{ userId }, { team: { members: { some: { userId } } } }] },
    select: { environmentId: true, role: { select: { permissions: true } } },
  });
  const everywhere = new Set<Permission>();
  const byEnvironment = new Map<string, Set<Permission>>();
  for (const binding of bindings) {
    for (const permission of binding.role.permissions) {
      if (!isPermission(permission)) continue; // a permission removed from the catalogue
      if (binding.environmentId === null) everywhere.add(permission);
      else if (isEnvironmentScoped(permission)) {
        const set = byEnvironment.get(binding.environmentId) ?? new Set<Permission>();
        set.add(permission);
        byEnvironment.set(binding.environmentId, set);
      }
    }
  }
  return { everywhere, byEnvironment };
}

/** May the holder do `permission` on `environmentId` (or, for global ones, at all)? */
export function can(perms: EffectivePermissions, permission: Permission, environmentId?: string | null): boolean {
  if (perms.everywhere.has(permission)) return true;
  if (!environmentId || !isEnvironmentScoped(permission)) return false;
  return perms.byEnvironment.get(environmentId)?.has(permission) ?? false;
}

/** Does the holder have `permission` on at least one environment? (For lists that filter.) */
export function canSomewhere(perms: EffectivePermissions, permission: Permission): boolean {
  if (perms.everywhere.has(permission)) return true;
  for (const set of perms.byEnvironment.values()) if (set.has(permission)) return true;
  return false;
}

/** The environments on which the holder has `permission`: "all", or a set of ids. */
export function environmentsWith(perms: EffectivePermissions, permission: Permission): "all" | Set<string> {
  if (perms.everywhere.has(permission)) return "all";
  const ids = new Set<string>();
  for (const [id, set] of perms.byEnvironment) if (set.has(permission)) ids.add(id);
  return ids;
}

/**
 * Kubernetes' escalation rule: a grant of `permissions` on `environmentId` (null: all) is
 * allowed only when the granter holds every one of them on that scope. Returns the ones missing.
 */
export function missingForGrant(
  granter: EffectivePermissions,
  permissions: readonly string[],
  environmentId: string | null,
): string[] {
  return permissions.filter((p) => {
    if (!isPermission(p)) return false;
    return environmentId === null ? !granter.everywhere.has(p) : !can(granter, p, environmentId);
  });
}

/** Creates or refreshes the built-in roles (their permissions follow the code). */
export async function ensureBuiltinRoles(prisma: PrismaClient): Promise<void> {
  for (const role of builtinRoles) {
    await prisma.role.upsert({
      where: { name: role.name },
      create: { name: role.name, description: role.description, builtin: true, permissions: [...role.permissions] },
      update: { description: role.description, builtin: true, permissions: [...role.permissions] },
    });
  }
}

/** Does `holder` have everything `other` has, scope by scope? (Managing a user whose
 * powers exceed one's own — resetting their password, say — would be an escalation.) */
export function covers(holder: EffectivePermissions, other: EffectivePermissions): boolean {
  for (const p of other.everywhere) if (!holder.everywhere.has(p)) return false;
  for (const [environmentId, set] of other.byEnvironment) {
    for (const p of set) if (!can(holder, p, environmentId)) return false;
  }
  return true;
}
