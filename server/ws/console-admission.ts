// What every console websocket checks before the upgrade, before anything is asked of an
// engine: who the caller is (session cookie or API token; never a credential in the URL),
// that the request comes from Stevedore's own page (Origin), the endpoint's permission on that
// environment, and the per-user limit on open consoles. Refusals are on the record.
import type { IncomingMessage } from "node:http";
import { authenticate, BadCredentialsError } from "../auth/authenticate";
import type { ConsoleRegistry } from "../console/bridge";
import { requestInfo } from "../http/trpc";
import type { Permission } from "../rbac/catalogue";
import { can } from "../rbac/permissions";
import type { Actor, RequestInfo, Services } from "../trpc/context";
import { originProblem } from "../trpc/origin";
import type { Refusal } from "./router";

export const MAX_CONSOLES_PER_USER = 10;

export interface ConsoleTarget {
  environmentId: string;
  containerId: string;
}

export type ConsoleAdmission = { ok: true; actor: Actor; request: RequestInfo } | Refusal;

export async function admitConsole(
  services: Services,
  registry: ConsoleRegistry,
  req: IncomingMessage,
  target: Partial<ConsoleTarget>,
  what: { action: "console.exec" | "console.attach"; permission: Permission },
): Promise<ConsoleAdmission> {
  const request = requestInfo(req);
  const deny = async (actor: Actor | null, message: string) => {
    await services.audit
      .record(
        {
          actorUserId: actor?.userId ?? null,
          actorUsername: actor?.username ?? null,
          actorTokenId: actor?.tokenId ?? null,
          ip: request.ip,
          userAgent: request.userAgent,
          action: what.action,
          permission: what.permission,
          environmentId: target.environmentId ?? null,
          targetKind: "container",
          targetId: target.containerId ?? null,
        },
        { outcome: "denied", error: message },
      )
      .catch((error: unknown) => console.error("console: cannot record a refusal:", error));
  };

  let actor: Actor | null;
  try {
    actor = await authenticate(services, req.headers);
  } catch (error) {
    if (!(error instanceof BadCredentialsError)) throw error;
    await deny(null, error.message);
    return { ok: false, status: 401, message: error.message };
  }
  if (!actor) {
    await deny(null, "not signed in");
    return { ok: false, status: 401, message: "Sign in first." };
  }
  // A websocket is a state change: the same cross-site rule as mutations.
  const problem = originProblem(request, actor.via);
  if (problem) {
    await deny(actor, problem);
    return { ok: false, status: 403, message: problem };
  }
  if (actor.mustEnrollTotp) return { ok: false, status: 403, message: "Set up two-factor sign-in first." };
  if (!can(actor.permissions, what.permission, target.environmentId)) {
    const message = `You do not have the ${what.permission} permission here.`;
    await deny(actor, message);
    return { ok: false, status: 403, message };
  }
  if (registry.countFor(actor.userId) >= MAX_CONSOLES_PER_USER) {
    const message = `You have ${MAX_CONSOLES_PER_USER} consoles open already; close one first.`;
    await deny(actor, message);
    return { ok: false, status: 429, message };
  }
  return { ok: true, actor, request };
}

/** A bad query string, as a 400 naming each field. */
export function badQuery(issues: { path: PropertyKey[]; message: string }[]): Refusal {
  return {
    ok: false,
    status: 400,
    message: issues.map((i) => `${i.path.map(String).join(".")}: ${i.message}`).join("; "),
  };
}
