// What every console websocket checks before the upgrade, before anything is asked of an
// engine: who the caller is (session cookie or API token; never a credential in the URL),
// that the request comes from Stevedore's own page (Origin), the endpoint's permission on that
// environment, and the per-user limit on open consoles. Refusals are on the record.
import type { IncomingMessage } from "node:http";
import type { ConsoleRegistry, ConsoleSlot } from "../console/bridge";
import { admitAtDoor } from "../http/door";
import type { Permission } from "../rbac/catalogue";
import { DockerError, type DockerErrorCode } from "../docker/index";
import type { Actor, RequestInfo, Services } from "../trpc/context";
import { factSources } from "../workloads/facts";
import type { PolicyPermission } from "../workloads/policy/index";
import { judgeExistingWorkload, type WorkloadDoor } from "../workloads/reach";
import type { Refusal } from "./router";

export const MAX_CONSOLES_PER_USER = 10;

export interface ConsoleTarget {
  environmentId: string;
  containerId: string;
}

export type ConsoleAdmission =
  | {
      ok: true;
      actor: Actor;
      request: RequestInfo;
      slot: ConsoleSlot;
      /** the container reaches the host and the actor may not go through `door` (attach: may only watch) */
      hostReachRefusal: string | null;
      /** the policy permissions the container needs, for the session's re-checks */
      requires: PolicyPermission[];
    }
  | Refusal;

/** An engine's answer about the container, as the status of a refused upgrade. */
const ENGINE_STATUS: Record<DockerErrorCode, number> = {
  "not-found": 404,
  "unknown-environment": 404,
  unreachable: 502,
  timeout: 504,
  conflict: 409,
  paused: 409,
  engine: 400,
  busy: 429,
};

export async function admitConsole(
  services: Services,
  registry: ConsoleRegistry,
  req: IncomingMessage,
  target: Partial<ConsoleTarget>,
  what: { action: "console.exec" | "console.attach"; permission: Permission; door: WorkloadDoor },
): Promise<ConsoleAdmission> {
  const admitted = await admitAtDoor(services, req, {
    ...what,
    environmentId: target.environmentId,
    containerId: target.containerId,
    // A websocket is a state change: the same cross-site rule as mutations.
    stateChanging: true,
  });
  if (!admitted.ok) return admitted;
  // A host-reaching container needs its host access to be entered (server/workloads/reach.ts).
  let judged: Awaited<ReturnType<typeof judgeExistingWorkload>>;
  try {
    judged = await judgeExistingWorkload(
      factSources(services),
      admitted.actor.permissions,
      target.environmentId ?? "",
      target.containerId ?? "",
      what.door,
    );
  } catch (error) {
    if (error instanceof DockerError) return admitted.refuse(ENGINE_STATUS[error.code], error.message);
    throw error;
  }
  if (judged.refusal && what.door === "exec") return admitted.refuse(403, judged.refusal);
  // Counted and taken in one synchronous step: a burst of requests cannot all see room.
  const slot = registry.reserve(admitted.actor.userId, MAX_CONSOLES_PER_USER);
  if (!slot) {
    return admitted.refuse(429, `You have ${MAX_CONSOLES_PER_USER} consoles open already; close one first.`);
  }
  return {
    ok: true,
    actor: admitted.actor,
    request: admitted.request,
    slot,
    hostReachRefusal: judged.refusal,
    requires: judged.requires,
  };
}

/** A bad query string, as a 400 naming each field. */
export function badQuery(issues: { path: PropertyKey[]; message: string }[]): Refusal {
  return {
    ok: false,
    status: 400,
    message: issues.map((i) => `${i.path.map(String).join(".")}: ${i.message}`).join("; "),
  };
}
