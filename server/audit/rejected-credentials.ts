// What the record says about a credential that was refused: for an API token, the prefix a
// user sees in their token list (never the rest), and when the token exists, its id and owner
// and why it no longer works (revoked, expired, owner disabled). Read-only: nothing here
// decides who gets in (server/auth does).
import type { IncomingHttpHeaders } from "node:http";
import { TOKEN_PREFIX } from "../auth/api-tokens";
import { sha256 } from "../auth/tokens";
import type { PrismaClient } from "../generated/prisma/client";
import type { AuditEntry } from "./entry";

/** Fields of the refusal's audit entry that describe the presented token. */
export async function describeRejectedToken(
  prisma: PrismaClient,
  headers: IncomingHttpHeaders,
): Promise<Pick<AuditEntry, "actorTokenId" | "params">> {
  const match = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? "");
  // Key names the redactor leaves alone: these are descriptions, not secrets.
  if (!match) return { params: { via: "an Authorization header that is not a bearer token" } };
  const token = match[1]!;
  if (!token.startsWith(TOKEN_PREFIX)) return { params: { via: "a bearer value that is not a Stevedore API token" } };
  const prefix = token.slice(0, TOKEN_PREFIX.length + 6);
  const row = await prisma.apiToken
    .findUnique({
      where: { hash: sha256(token) },
      select: { id: true, revokedAt: true, expiresAt: true, user: { select: { username: true, disabled: true } } },
    })
    .catch(() => null);
  if (!row) return { params: { via: "API token", prefix, reason: "unknown token" } };
  const reason = row.revokedAt
    ? "revoked"
    : row.expiresAt.getTime() <= Date.now()
      ? "expired"
      : row.user.disabled
        ? "owner disabled"
        : "refused";
  return {
    actorTokenId: row.id,
    params: { via: "API token", prefix, reason, owner: row.user.username },
  };
}
