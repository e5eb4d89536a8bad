// Role bindings: a role given to a user or a team, on one environment or on all. Domain logic
// with no transport: domain errors only (server/core/errors.ts).
import type { PrismaClient } from "../../generated/prisma/client";
import type { AuditNote } from "../../audit/middleware-support";
import type { Actor } from "../../core/context";
import { ForbiddenError, NotFoundError } from "../../core/errors";
import { missingForGrant } from "../../rbac/permissions";
import { AccessRuleError } from "./errors";
import { guardedAccessChange } from "./guarded-change";

export function listBindings(prisma: PrismaClient, environmentId: string | null | undefined) {
  return prisma.roleBinding.findMany({
    where: environmentId === undefined ? {} : { environmentId },
    orderBy: { createdAt: "asc" },
    include: {
      role: { select: { id: true, name: true } },
      user: { select: { id: true, username: true } },
      team: { select: { id: true, name: true } },
      environment: { select: { id: true, name: true } },
    },
  });
}

/** Gives a user or a team a role on every environment (environmentId null) or on one. */
export async function createBinding(
  prisma: PrismaClient,
  actor: Actor,
  input: { roleId: string; userId?: string; teamId?: string; environmentId: string | null },
  audit: AuditNote,
) {
  const role = await prisma.role.findUnique({ where: { id: input.roleId } });
  if (!role) throw new NotFoundError("No such role.");
  const missing = missingForGrant(actor.permissions, role.permissions, input.environmentId);
  if (missing.length) {
    throw new ForbiddenError(
      `You cannot grant ${role.name} there: it includes ${missing.join(", ")}, which you do not hold there.`,
    );
  }
  if (input.environmentId && !(await prisma.environment.findUnique({ where: { id: input.environmentId } }))) {
    throw new NotFoundError("No such environment.");
  }
  if (input.userId && !(await prisma.user.findUnique({ where: { id: input.userId } }))) {
    throw new NotFoundError("No such user.");
  }
  if (input.teamId && !(await prisma.team.findUnique({ where: { id: input.teamId } }))) {
    throw new NotFoundError("No such team.");
  }
  const binding = await prisma.roleBinding.create({
    data: {
      roleId: input.roleId,
      userId: input.userId ?? null,
      teamId: input.teamId ?? null,
      environmentId: input.environmentId,
    },
  });
  audit.target("binding", binding.id, role.name);
  return binding;
}

/** Revoking is only allowed for what one could grant, and never the last Administrator. */
export async function removeBinding(prisma: PrismaClient, actor: Actor, bindingId: string, audit: AuditNote) {
  await guardedAccessChange(prisma, actor, async (tx) => {
    const binding = await tx.roleBinding.findUnique({
      where: { id: bindingId },
      include: { role: true, user: { select: { username: true } }, team: { select: { name: true } } },
    });
    if (!binding) throw new AccessRuleError("not-found", "No such binding.");
    audit.target("binding", binding.id, binding.role.name);
    const holder = binding.user ? binding.user.username : `Team ${binding.team?.name ?? "?"}`;
    return {
      subject: `This binding (${binding.role.name} for ${holder})`,
      losses: [{ permissions: binding.role.permissions, environmentId: binding.environmentId }],
      apply: () => tx.roleBinding.delete({ where: { id: bindingId } }),
    };
  });
}
