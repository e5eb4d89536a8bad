// API tokens: one's own, and any user's for an administrator (never the secrets). Domain
// logic with no transport: domain errors only (server/core/errors.ts).
import type { PrismaClient } from "../../generated/prisma/client";
import type { AuditNote } from "../../audit/middleware-support";
import { createApiToken } from "../../auth/api-tokens";
import type { Actor } from "../../core/context";
import { NotFoundError } from "../../core/errors";
import { nameTaken } from "../../database/errors";
import { AccessRuleError } from "../access/errors";
import { guardedAccessChange, lossesOfUser } from "../access/guarded-change";

const listed = {
  id: true,
  name: true,
  prefix: true,
  createdAt: true,
  expiresAt: true,
  lastUsedAt: true,
  revokedAt: true,
} as const;

export function tokensOf(prisma: PrismaClient, userId: string) {
  return prisma.apiToken.findMany({ where: { userId }, orderBy: { createdAt: "desc" }, select: listed });
}

/** Any user's tokens, for an administrator. */
export async function tokensOfUser(prisma: PrismaClient, userId: string) {
  if (!(await prisma.user.findUnique({ where: { id: userId }, select: { id: true } }))) {
    throw new NotFoundError("No such user.");
  }
  return tokensOf(prisma, userId);
}

/** Revokes any user's token (what it opened ends within seconds): for one who holds all its owner holds. */
export async function revokeTokenOfUser(prisma: PrismaClient, actor: Actor, tokenId: string, audit: AuditNote) {
  await guardedAccessChange(prisma, actor, async (tx) => {
    const token = await tx.apiToken.findUnique({
      where: { id: tokenId },
      select: { id: true, name: true, revokedAt: true, user: { select: { id: true, username: true } } },
    });
    if (!token || token.revokedAt) throw new AccessRuleError("not-found", "No such active token.");
    audit.target("token", token.id, `${token.user.username}/${token.name}`);
    return {
      subject: token.user.username,
      losses: await lossesOfUser(tx, token.user.id),
      apply: () => tx.apiToken.update({ where: { id: token.id }, data: { revokedAt: new Date() } }),
    };
  });
}

/** Returns the token once; it acts with its owner's permissions. */
export async function createToken(
  prisma: PrismaClient,
  userId: string,
  input: { name: string; expiresInDays: number },
  audit: AuditNote,
) {
  const { token, row } = await nameTaken(
    "token",
    input.name,
    () => createApiToken(prisma, userId, input.name, input.expiresInDays),
    `You already have a token named ${input.name}.`,
  );
  audit.target("token", row.id, row.name);
  return { token, id: row.id, name: row.name, expiresAt: row.expiresAt };
}

/** Revokes one of the caller's own tokens. */
export async function revokeOwnToken(prisma: PrismaClient, userId: string, tokenId: string) {
  const { count } = await prisma.apiToken.updateMany({
    where: { id: tokenId, userId, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  if (!count) throw new NotFoundError("No such active token of yours.");
}
