// The credential a caller proved themselves with (a session or an API token), and whether it
// still stands. Whatever a credential opened (a console, an attachment, a followed log, a live
// stream) lives only as long as the credential: ended by sign-out, sign-out everywhere, a
// revoked or expired token, a password change or reset, or a disabled or deleted account.
import type { Prisma, PrismaClient } from "../generated/prisma/client";
import { requireTwoFactorForEveryone } from "./settings";

export interface Credential {
  userId: string;
  via: "session" | "token";
  sessionId: string | null;
  tokenId: string | null;
}

/** What one user's credentials look like now: read once per recheck round, for all their streams. */
export interface CredentialState {
  /** null: the account is gone or disabled */
  user: { totpEnabled: boolean } | null;
  /** sessions that have not ended (absolute expiry; an open stream is activity, so no idle limit) */
  sessions: ReadonlySet<string>;
  /** tokens neither revoked nor expired */
  tokens: ReadonlySet<string>;
  /** an administrator requires two-factor sign-in, so nothing of an unenrolled user stands */
  twoFactorRequired: boolean;
}

export async function loadCredentialState(
  prisma: PrismaClient,
  userId: string,
  twoFactorRequired?: boolean,
): Promise<CredentialState> {
  const now = new Date();
  // One round trip for the user and their live sessions and tokens.
  const user = await prisma.user.findUnique({
    where: { id: userId },
    select: {
      disabled: true,
      totpEnabled: true,
      sessions: { where: { expiresAt: { gt: now } }, select: { id: true } },
      tokens: { where: { revokedAt: null, expiresAt: { gt: now } }, select: { id: true } },
    },
  });
  twoFactorRequired ??= await requireTwoFactorForEveryone(prisma);
  return {
    user: user && !user.disabled ? { totpEnabled: user.totpEnabled } : null,
    sessions: new Set(user?.sessions.map((s) => s.id)),
    tokens: new Set(user?.tokens.map((t) => t.id)),
    twoFactorRequired,
  };
}

/** Does the credential still stand? A credential that is neither a session nor a token (an
 * in-process caller, say) stands as long as its account does. */
export function credentialStands(state: CredentialState, credential: Credential): boolean {
  if (!state.user) return false;
  if (state.twoFactorRequired && !state.user.totpEnabled) return false;
  if (credential.sessionId !== null) return state.sessions.has(credential.sessionId);
  if (credential.tokenId !== null) return state.tokens.has(credential.tokenId);
  return true;
}

/**
 * Ends a user's sessions (all, or all but `keepSessionId`) and revokes their API tokens: what a
 * new password does, since the old one could have made any of them.
 */
export async function endCredentialsOf(
  tx: PrismaClient | Prisma.TransactionClient,
  userId: string,
  keepSessionId: string | null = null,
): Promise<{ sessions: number; tokens: number }> {
  const sessions = await tx.session.deleteMany({
    where: { userId, ...(keepSessionId ? { NOT: { id: keepSessionId } } : {}) },
  });
  const tokens = await tx.apiToken.updateMany({
    where: { userId, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  return { sessions: sessions.count, tokens: tokens.count };
}
