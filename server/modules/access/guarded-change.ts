// The one rule for every door that takes access away or acts on another account: removing a
// binding, a team member or a team, changing or removing a role, disabling, deleting or
// resetting a user, revoking their tokens. Two things are decided here and nowhere else:
//
//   1. Outranking: nobody takes away from a user or a team more than they themselves hold on
//      that scope. Acting on a user as a whole (disable, delete, reset, revoke) takes away
//      everything they hold, so it needs all of it.
//   2. The last enabled Administrator (the built-in role, bound on every environment, to the
//      user or to a team they are in) can never be removed, disabled, demoted or lose the role,
//      by any path. Counted after the change, inside its transaction, under one lock, so two
//      admins removing each other at the same moment cannot both succeed.
import type { Prisma, PrismaClient } from "../../generated/prisma/client";
import { loadEffectivePermissions, missingForGrant, type EffectivePermissions } from "../../rbac/permissions";
import { AccessRuleError } from "./errors";

export type Tx = Prisma.TransactionClient;

/** What a change takes away: these permissions on one scope (null: every environment). */
export interface Loss {
  permissions: readonly string[];
  environmentId: string | null;
}

export interface PlannedChange<T> {
  /** who or what loses, in the refusal's words: "alice", "team ops", "role Deployers" */
  subject: string;
  losses: Loss[];
  /** makes the change; runs only when the rules allow it */
  apply(): Promise<T>;
}

/** Every access change takes this transaction lock first (Postgres advisory lock, by number). */
const ACCESS_LOCK = 0x5354_4556; // "STEV"

export const ADMINISTRATOR_ROLE = "Administrator";

/** Everything a user holds, as losses: what acting on the user as a whole takes away. */
export async function lossesOfUser(tx: Tx, userId: string): Promise<Loss[]> {
  return lossesOf(await loadEffectivePermissions(tx, userId));
}

export function lossesOf(perms: EffectivePermissions): Loss[] {
  const losses: Loss[] = [{ permissions: [...perms.everywhere], environmentId: null }];
  for (const [environmentId, set] of perms.byEnvironment) losses.push({ permissions: [...set], environmentId });
  return losses;
}

/** A team's bindings, as what its members (and the team) lose with it. */
export async function lossesOfTeam(tx: Tx, teamId: string): Promise<Loss[]> {
  const bindings = await tx.roleBinding.findMany({
    where: { teamId },
    select: { environmentId: true, role: { select: { permissions: true } } },
  });
  return bindings.map((b) => ({ permissions: b.role.permissions, environmentId: b.environmentId }));
}

/** Enabled users who hold the Administrator role on every environment, themselves or through a team. */
export function countAdministrators(tx: Tx | PrismaClient): Promise<number> {
  const adminBinding = { environmentId: null, role: { name: ADMINISTRATOR_ROLE } };
  return tx.user.count({
    where: {
      disabled: false,
      OR: [
        { bindings: { some: adminBinding } },
        { memberships: { some: { team: { bindings: { some: adminBinding } } } } },
      ],
    },
  });
}

/** The permissions in `losses` the actor does not hold on the loss's scope. */
export function outranked(actor: EffectivePermissions, losses: readonly Loss[]): string[] {
  const missing = new Set<string>();
  for (const loss of losses) {
    for (const p of missingForGrant(actor, loss.permissions, loss.environmentId)) missing.add(p);
  }
  return [...missing].sort();
}

/**
 * Plans, checks and makes one access change in one transaction. `plan` reads what the change
 * would take away (inside the transaction, after the lock) and returns how to make it; the
 * change is made only when the actor holds all of it, and is rolled back if it would leave no
 * enabled Administrator where there was one.
 */
export async function guardedAccessChange<T>(
  prisma: PrismaClient,
  actor: { permissions: EffectivePermissions },
  plan: (tx: Tx) => Promise<PlannedChange<T>>,
): Promise<T> {
  return prisma.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${ACCESS_LOCK})`);
      const change = await plan(tx);
      const missing = outranked(actor.permissions, change.losses);
      if (missing.length) {
        throw new AccessRuleError(
          "forbidden",
          `${change.subject} holds ${missing.join(", ")}, which you do not hold there; only someone who does may take it away.`,
        );
      }
      const before = await countAdministrators(tx);
      const result = await change.apply();
      if (before > 0 && (await countAdministrators(tx)) === 0) {
        throw new AccessRuleError(
          "conflict",
          "This would leave no enabled Administrator, and nobody could administer Stevedore. Make someone else an Administrator first.",
        );
      }
      return result;
    },
    // Rare, short, and serialised by the lock: wait for the lock rather than fail.
    { maxWait: 10_000, timeout: 20_000 },
  );
}
