// What every console websocket checks before the upgrade, before anything is asked of an
// engine: who the caller is (session cookie or API token; never a credential in the URL),
// that the request comes from Stevedore's own page (Origin), the endpoint's permission on that
// environment, and the per-user limit on open consoles. Refusals are on the record.
import type { IncomingMessage } from "node:http";
import type { ConsoleRegistry, ConsoleSlot } from "../console/bridge";
import { admitAtDoor } from "../http/door";
import type { Permission } from "../rbac/catalogue";
import type { Actor, RequestInfo, Services } from "../trpc/context";
import type { Refusal } from "./router";

export const MAX_CONSOLES_PER_USER = 10;

export interface ConsoleTarget {
  environmentId: string;
  containerId: string;
}

export type ConsoleAdmission = { ok: true; actor: Actor; request: RequestInfo; slot: ConsoleSlot } | Refusal;

export async function admitConsole(
  services: Services,
  registry: ConsoleRegistry,
  req: IncomingMessage,
  target: Partial<ConsoleTarget>,
  what: {
    action: "console.exec" | "console.attach";
    permission: Permission;
    /** environments whose bindings count (a swarm's managers, for a task's console) */
    scope?: readonly string[];
    target?: { kind: string; id: string };
  },
): Promise<ConsoleAdmission> {
  const admitted = await admitAtDoor(services, req, {
    ...what,
    environmentId: target.environmentId,
    containerId: target.containerId,
    // A websocket is a state change: the same cross-site rule as mutations.
    stateChanging: true,
  });
  if (!admitted.ok) return admitted;
  // Counted and taken in one synchronous step: a burst of requests cannot all see room.
  const slot = registry.reserve(admitted.actor.userId, MAX_CONSOLES_PER_USER);
  if (!slot) {
    return admitted.refuse(429, `You have ${MAX_CONSOLES_PER_USER} consoles open already; close one first.`);
  }
  return { ok: true, actor: admitted.actor, request: admitted.request, slot };
}

/** A bad query string, as a 400 naming each field. */
export function badQuery(issues: { path: PropertyKey[]; message: string }[]): Refusal {
  return {
    ok: false,
    status: 400,
    message: issues.map((i) => `${i.path.map(String).join(".")}: ${i.message}`).join("; "),
  };
}
