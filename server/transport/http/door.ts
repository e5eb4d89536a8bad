// The checks every door beside tRPC makes, in one order, before anything is asked of an
// engine: who the caller is (session cookie or API token; never a credential in the URL),
// for a state change that the request comes from Stevedore's own page (Origin) and is
// addressed to one of its own host names (DNS rebinding), that
// two-factor enrolment is not pending, and the door's permission on that environment.
// Every refusal is on the record. The console websockets, the log download and the file
// download and upload all come through here; tRPC procedures have the same checks in their
// builders (server/transport/trpc/init.ts).
import type { IncomingMessage } from "node:http";
import { describeRejectedToken } from "../../audit/rejected-credentials";
import { auditEntry, type AuditEntry } from "../../audit/entry";
import type { AuditCompletion } from "../../audit/writer";
import { authenticate, BadCredentialsError } from "../../auth/authenticate";
import type { Permission } from "../../rbac/catalogue";
import { can } from "../../rbac/permissions";
import { PASSWORD_CHANGE_DUE, type Actor, type RequestInfo, type Services } from "../../core/context";
import { allowedHostsFor, originProblem } from "../../core/origin";
import { requestInfo } from "./request-info";

export interface Door {
  /** the audit action, e.g. "console.exec" or "containers.files.upload" */
  action: string;
  permission: Permission;
  environmentId?: string;
  /** Environments whose bindings count for `environmentId` (a swarm's managers); default: it alone. */
  scope?: readonly string[];
  containerId?: string;
  /** what the call is about when it is not a container (a service, say) */
  target?: { kind: string; id: string };
  params?: Record<string, unknown>;
  /** a websocket or an upload: the same cross-site rule as tRPC mutations */
  stateChanging: boolean;
}

export type DoorAdmission =
  | {
      ok: true;
      actor: Actor;
      request: RequestInfo;
      /** the audit entry of this call, for its intent or completion */
      entry: AuditEntry;
      /** records a refusal made after admission (a limit, say) and returns it */
      refuse(status: number, message: string): Promise<DoorRefusal>;
    }
  | DoorRefusal;

export type DoorRefusal = { ok: false; status: number; message: string };

export async function admitAtDoor(services: Services, req: IncomingMessage, door: Door): Promise<DoorAdmission> {
  const request = requestInfo(req);
  const entry = (actor: Actor | null): AuditEntry =>
    auditEntry(actor, request, door.action, {
      actorUserId: actor?.userId ?? null,
      actorUsername: actor?.username ?? null,
      actorTokenId: actor?.tokenId ?? null,
      permission: door.permission,
      environmentId: door.environmentId ?? null,
      targetKind: door.target?.kind ?? "container",
      targetId: door.target?.id ?? door.containerId ?? null,
      ...(door.params ? { params: door.params } : {}),
    });
  const refuse = async (
    actor: Actor | null,
    status: number,
    message: string,
    about: Partial<AuditEntry> = {},
  ): Promise<DoorRefusal> => {
    const base = entry(actor);
    const params = about.params ? { ...(door.params ?? {}), ...about.params } : base.params;
    await services.audit
      .refuse({ ...base, ...about, params }, { outcome: "denied", error: message })
      .catch((error: unknown) => console.error(`${door.action}: cannot record a refusal:`, error));
    return { ok: false, status, message };
  };

  let actor: Actor | null;
  try {
    actor = await authenticate(services, req.headers);
  } catch (error) {
    if (!(error instanceof BadCredentialsError)) throw error;
    // A wrong, revoked or expired token: the record says which (by its prefix and id).
    return refuse(null, 401, error.message, await describeRejectedToken(services.prisma, req.headers));
  }
  if (!actor) return refuse(null, 401, "Sign in first.");
  if (door.stateChanging) {
    const problem = (await allowedHostsFor(services.prisma).problem(request.host)) ?? originProblem(request, actor.via);
    if (problem) return refuse(actor, 403, problem);
  }
  if (actor.mustChangePassword) return refuse(actor, 403, PASSWORD_CHANGE_DUE);
  if (actor.mustEnrollTotp) return refuse(actor, 403, "Set up two-factor sign-in first (Profile).");
  const scope = door.scope ?? [door.environmentId];
  if (!scope.some((id) => can(actor.permissions, door.permission, id))) {
    const environmentName = door.environmentId ? services.fleet.status(door.environmentId)?.name : undefined;
    return refuse(
      actor,
      403,
      `You do not have the ${door.permission} permission ${environmentName ? `on ${environmentName}` : "here"}.`,
    );
  }
  const admitted = actor;
  return {
    ok: true,
    actor: admitted,
    request,
    entry: entry(admitted),
    refuse: (status, message) => refuse(admitted, status, message),
  };
}

/**
 * A download's entry on the record once it has ended: how it ended, how long it took (from
 * `started`, performance.now()) and what was sent. A failure to record is logged under `what`.
 */
export async function recordDownload(
  services: Services,
  entry: AuditEntry,
  completion: AuditCompletion,
  started: number,
  params: Record<string, unknown>,
  what: string,
): Promise<void> {
  await services.audit
    .record(entry, { ...completion, durationMs: Math.round(performance.now() - started), patch: { params } })
    .catch((error: unknown) => console.error(`${what}: cannot record a download:`, error));
}
