// Teams: who is in which, and what the team grants. Domain logic with no transport: it
// throws domain errors (server/core/errors.ts), the router only checks the caller in.
import type { PrismaClient } from "../../generated/prisma/client";
import type { AuditNote } from "../../audit/middleware-support";
import { ForbiddenError, NotFoundError } from "../../core/errors";
import type { Actor } from "../../core/context";
import { nameTaken } from "../../database/errors";
import { missingForGrant } from "../../rbac/permissions";
import { AccessRuleError } from "../access/errors";
import { guardedAccessChange, lossesOfTeam } from "../access/guarded-change";

/** Putting someone in a team hands them the team's bindings: only if the actor could grant them. */
async function assertMayGrantTeam(prisma: PrismaClient, actor: Actor, teamId: string) {
  const team = await prisma.team.findUnique({
    where: { id: teamId },
    include: { bindings: { include: { role: true } } },
  });
  if (!team) throw new NotFoundError("No such team.");
  for (const binding of team.bindings) {
    const missing = missingForGrant(actor.permissions, binding.role.permissions, binding.environmentId);
    if (missing.length) {
      throw new ForbiddenError(
        `Team ${team.name} grants ${missing.join(", ")}, which you do not hold there; you cannot add members to it.`,
      );
    }
  }
  return team;
}

export async function listTeams(prisma: PrismaClient) {
  const teams = await prisma.team.findMany({
    orderBy: { name: "asc" },
    include: {
      members: { include: { user: { select: { id: true, username: true, displayName: true } } } },
      bindings: {
        include: { role: { select: { id: true, name: true } }, environment: { select: { id: true, name: true } } },
      },
    },
  });
  return teams.map((t) => ({
    id: t.id,
    name: t.name,
    description: t.description,
    createdAt: t.createdAt,
    members: t.members.map((m) => ({ ...m.user, leader: m.leader })),
    bindings: t.bindings.map((b) => ({ id: b.id, role: b.role, environment: b.environment })),
  }));
}

export function createTeam(prisma: PrismaClient, input: { name: string; description?: string }) {
  return nameTaken("team", input.name, () =>
    prisma.team.create({ data: { name: input.name, description: input.description || null } }),
  );
}

export async function updateTeam(prisma: PrismaClient, input: { id: string; name?: string; description?: string }) {
  if (!(await prisma.team.findUnique({ where: { id: input.id } }))) throw new NotFoundError("No such team.");
  // A taken name is the database's conflict, answered 409 like any (server/database/errors.ts).
  return prisma.team.update({ where: { id: input.id }, data: { name: input.name, description: input.description } });
}

/** Its members lose what the team grants: only for one who holds all of it, and never the last Administrator. */
export async function removeTeam(prisma: PrismaClient, actor: Actor, teamId: string, audit: AuditNote) {
  await guardedAccessChange(prisma, actor, async (tx) => {
    const team = await tx.team.findUnique({ where: { id: teamId } });
    if (!team) throw new AccessRuleError("not-found", "No such team.");
    audit.target("team", team.id, team.name);
    return {
      subject: `Team ${team.name}`,
      losses: await lossesOfTeam(tx, team.id),
      apply: () => tx.team.delete({ where: { id: team.id } }),
    };
  });
}

export async function addTeamMember(
  prisma: PrismaClient,
  actor: Actor,
  input: { teamId: string; userId: string; leader: boolean },
) {
  await assertMayGrantTeam(prisma, actor, input.teamId);
  if (!(await prisma.user.findUnique({ where: { id: input.userId } }))) throw new NotFoundError("No such user.");
  await prisma.teamMember.upsert({
    where: { teamId_userId: { teamId: input.teamId, userId: input.userId } },
    create: { teamId: input.teamId, userId: input.userId, leader: input.leader },
    update: { leader: input.leader },
  });
}

/** The member loses what the team grants: the same rule as removing a binding. */
export async function removeTeamMember(
  prisma: PrismaClient,
  actor: Actor,
  input: { teamId: string; userId: string },
  audit: AuditNote,
) {
  await guardedAccessChange(prisma, actor, async (tx) => {
    const member = await tx.teamMember.findUnique({
      where: { teamId_userId: { teamId: input.teamId, userId: input.userId } },
      include: { team: { select: { name: true } }, user: { select: { username: true } } },
    });
    if (!member) throw new AccessRuleError("not-found", "That user is not in that team.");
    audit.target("team", input.teamId, member.team.name);
    return {
      subject: `Team ${member.team.name} (for ${member.user.username})`,
      losses: await lossesOfTeam(tx, input.teamId),
      apply: () => tx.teamMember.delete({ where: { teamId_userId: { teamId: input.teamId, userId: input.userId } } }),
    };
  });
}
