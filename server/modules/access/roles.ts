// Roles: named sets of permissions that bindings hand out. Domain logic with no transport:
// domain errors only (server/core/errors.ts); the router checks the caller in.
import type { PrismaClient } from "../../generated/prisma/client";
import type { AuditNote } from "../../audit/middleware-support";
import type { Actor } from "../../core/context";
import { ForbiddenError } from "../../core/errors";
import { nameTaken } from "../../database/errors";
import { missingForGrant } from "../../rbac/permissions";
import { AccessRuleError } from "./errors";
import { guardedAccessChange, type Loss, type Tx } from "./guarded-change";

/** The role, when it exists and is not built in (built-in roles follow the code). */
async function builtinChecked(tx: Tx, id: string, refused: string) {
  const role = await tx.role.findUnique({ where: { id } });
  if (!role) throw new AccessRuleError("not-found", "No such role.");
  if (role.builtin) throw new AccessRuleError("bad-request", `Built-in roles cannot be ${refused}.`);
  return role;
}

/** `permissions` on the scope of each binding of the role: what its holders lose. */
async function lossesOfBindings(tx: Tx, roleId: string, permissions: string[]): Promise<Loss[]> {
  const bindings = await tx.roleBinding.findMany({ where: { roleId }, select: { environmentId: true } });
  return bindings.map((b) => ({ permissions, environmentId: b.environmentId }));
}

export function listRoles(prisma: PrismaClient) {
  return prisma.role.findMany({
    orderBy: [{ builtin: "desc" }, { name: "asc" }],
    include: { _count: { select: { bindings: true } } },
  });
}

export async function createRole(
  prisma: PrismaClient,
  actor: Actor,
  input: { name: string; description?: string; permissions: string[] },
  audit: AuditNote,
) {
  const missing = missingForGrant(actor.permissions, input.permissions, null);
  if (missing.length) {
    throw new ForbiddenError(`You cannot create a role with permissions you lack: ${missing.join(", ")}.`);
  }
  const role = await nameTaken("role", input.name, () =>
    prisma.role.create({
      data: { name: input.name, description: input.description || null, permissions: input.permissions },
    }),
  );
  audit.target("role", role.id, role.name);
  return role;
}

export async function updateRole(
  prisma: PrismaClient,
  actor: Actor,
  input: { id: string; name?: string; description?: string; permissions?: string[] },
  audit: AuditNote,
) {
  if (input.permissions) {
    // Everyone bound to the role gains what it gains: the actor must hold all of it everywhere.
    const missing = missingForGrant(actor.permissions, input.permissions, null);
    if (missing.length) throw new ForbiddenError(`You cannot grant permissions you lack: ${missing.join(", ")}.`);
  }
  return guardedAccessChange(prisma, actor, async (tx) => {
    const role = await builtinChecked(tx, input.id, "changed; create your own");
    audit.target("role", role.id, role.name);
    // …and everyone bound to it loses what it loses, on the scope of their binding.
    const kept = new Set(input.permissions ?? role.permissions);
    const removed = role.permissions.filter((p) => !kept.has(p));
    return {
      subject: `Role ${role.name}`,
      losses: removed.length ? await lossesOfBindings(tx, role.id, removed) : [],
      apply: async () => {
        if (input.name && input.name !== role.name && (await tx.role.findUnique({ where: { name: input.name } }))) {
          throw new AccessRuleError("conflict", `A role named ${input.name} exists already.`);
        }
        return tx.role.update({
          where: { id: input.id },
          data: { name: input.name, description: input.description, permissions: input.permissions },
        });
      },
    };
  });
}

/** Everyone bound to the role loses it: only for one who holds it on each of those scopes. */
export async function removeRole(prisma: PrismaClient, actor: Actor, roleId: string, audit: AuditNote) {
  await guardedAccessChange(prisma, actor, async (tx) => {
    const role = await builtinChecked(tx, roleId, "removed");
    audit.target("role", role.id, role.name);
    return {
      subject: `Role ${role.name}`,
      losses: await lossesOfBindings(tx, role.id, role.permissions),
      apply: () => tx.role.delete({ where: { id: roleId } }),
    };
  });
}
