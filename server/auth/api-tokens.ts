// API tokens: `sdt_<random>`, shown once; the database keeps the sha256. A token acts with
// its owner's permissions and ends at its expiry, at revocation, or with its owner.
import type { PrismaClient } from "../generated/prisma/client";
import { newSecret, sha256 } from "./tokens";

export const TOKEN_PREFIX = "sdt_";

export async function createApiToken(prisma: PrismaClient, userId: string, name: string, expiresInDays: number) {
  const token = newSecret(TOKEN_PREFIX);
  const row = await prisma.apiToken.create({
    data: {
      userId,
      name,
      hash: sha256(token),
      prefix: token.slice(0, TOKEN_PREFIX.length + 6),
      expiresAt: new Date(Date.now() + expiresInDays * 24 * 60 * 60 * 1000),
    },
  });
  return { token, row };
}

export async function resolveApiToken(prisma: PrismaClient, token: string) {
  if (!token.startsWith(TOKEN_PREFIX)) return null;
  const row = await prisma.apiToken.findUnique({ where: { hash: sha256(token) }, include: { user: true } });
  if (!row || row.revokedAt || row.expiresAt.getTime() <= Date.now() || row.user.disabled) return null;
  // Written at most once a minute per token.
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000) {
    await prisma.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } });
  }
  return row;
}
