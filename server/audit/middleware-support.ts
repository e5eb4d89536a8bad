// What the tRPC audit middleware needs: an event from a call, and a note a handler can add
// to (the signed-in user after a sign-in, the id of what it created).
import { TRPCError } from "@trpc/server";
import type { Context } from "../core/context";
import type { AuditEntry, AuditOutcome } from "./entry";

export interface AuditNote {
  /** what the handler learned that the input did not say */
  patch: Partial<AuditEntry>;
  target(kind: string, id: string | null, name?: string | null): void;
  actor(userId: string, username: string): void;
}

export function newAuditNote(): AuditNote {
  const note: AuditNote = {
    patch: {},
    target(kind, id, name) {
      note.patch.targetKind = kind;
      note.patch.targetId = id;
      if (name !== undefined) note.patch.targetName = name;
    },
    actor(userId, username) {
      note.patch.actorUserId = userId;
      note.patch.actorUsername = username;
    },
  };
  return note;
}

const kindOfRouter: Record<string, string> = {
  auth: "user",
  users: "user",
  teams: "team",
  roles: "role",
  bindings: "binding",
  tokens: "token",
  environments: "environment",
  settings: "settings",
  audit: "audit",
  system: "system",
};

/** What kind of object a procedure acts on, by its router ("users.create": a user). */
export function targetKindOf(path: string): string {
  const router = path.split(".")[0] ?? "";
  return kindOfRouter[router] ?? router;
}

function str(value: unknown): string | null {
  return typeof value === "string" && value.length > 0 ? value.slice(0, 256) : null;
}

export function entryFor(ctx: Context, path: string, permission: string | null, input: unknown): AuditEntry {
  const record = (input && typeof input === "object" ? input : {}) as Record<string, unknown>;
  const router = path.split(".")[0] ?? "";
  return {
    actorUserId: ctx.actor?.userId ?? null,
    actorUsername: ctx.actor?.username ?? (router === "auth" ? str(record.username) : null),
    actorTokenId: ctx.actor?.tokenId ?? null,
    ip: ctx.request.ip,
    userAgent: ctx.request.userAgent,
    action: path,
    permission,
    environmentId: str(record.environmentId),
    targetKind: targetKindOf(path),
    targetId: str(record.id) ?? str(record.userId) ?? str(record.teamId) ?? str(record.roleId),
    targetName: str(record.name) ?? str(record.username),
    params: input,
  };
}

export function outcomeOf(error: TRPCError | null): AuditOutcome {
  if (!error) return "ok";
  return ["UNAUTHORIZED", "FORBIDDEN", "TOO_MANY_REQUESTS"].includes(error.code) ? "denied" : "error";
}
