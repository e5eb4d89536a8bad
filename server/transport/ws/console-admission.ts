// What every console websocket checks before the upgrade, before anything is asked of an
// engine: who the caller is (session cookie or API token; never a credential in the URL),
// that the request comes from Stevedore's own page (Origin), the endpoint's permission on that
// environment, and the per-user limit on open consoles. Refusals are on the record.
import type { IncomingMessage } from "node:http";
import { z } from "zod";
import type { ConsoleRegistry, ConsoleSlot } from "../../console/bridge";
import { admitAtDoor } from "../http/door";
import type { Permission } from "../../rbac/catalogue";
import { answerFor } from "../../core/errors";
import { DockerError } from "../../docker/index";
import type { Actor, RequestInfo, Services } from "../../core/context";
import { factSources } from "../../workloads/facts";
import type { PolicyPermission } from "../../workloads/policy/index";
import { judgeExistingWorkload, type WorkloadDoor } from "../../workloads/reach";
import type { Refusal } from "./router";

export const MAX_CONSOLES_PER_USER = 10;

/** The query every console door takes: the environment, and the terminal's size. */
export const consoleQuery = z.object({
  environmentId: z.string().min(1).max(64),
  cols: z.coerce.number().int().min(2).max(1000).default(80),
  rows: z.coerce.number().int().min(2).max(500).default(24),
});

/** The doors that start a new process (`docker exec -it`) also take its command, user and folder. */
export const processQuery = consoleQuery.extend({
  cmd: z.string().trim().min(1).max(256).default("auto"),
  user: z.string().trim().max(64).optional(),
  workdir: z.string().trim().max(1024).optional(),
});

/** What a console door keeps between its checks and the upgrade. */
export interface AdmittedConsole<Input> {
  actor: Actor;
  request: RequestInfo;
  slot: ConsoleSlot;
  input: Input;
}

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

export async function admitConsole(
  services: Services,
  registry: ConsoleRegistry,
  req: IncomingMessage,
  target: Partial<ConsoleTarget>,
  what: {
    action: "console.exec" | "console.attach";
    permission: Permission;
    /**
     * The host-access rule's door for the container named in `target` (server/workloads/reach.ts).
     * Omitted only where the container is found after admission (a task's console), whose
     * endpoint judges it itself with judgeConsoleTarget.
     */
    door?: WorkloadDoor;
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
  // A host-reaching container needs its host access to be entered (server/workloads/reach.ts).
  let judged: Judged = { refusal: null, requires: [] };
  if (what.door) {
    const outcome = await judgeConsoleTarget(
      services,
      admitted.actor,
      target.environmentId ?? "",
      target.containerId ?? "",
      what.door,
    );
    if (!outcome.ok) return admitted.refuse(outcome.status, outcome.message);
    judged = outcome.judged;
  }
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

type Judged = Awaited<ReturnType<typeof judgeExistingWorkload>>;

/**
 * The host-access rule for one container behind a console door: what the session needs to keep
 * holding, or the refusal (exec may not open on a host-reaching container without its host
 * access; attach may still watch, so its refusal is only carried along).
 */
export async function judgeConsoleTarget(
  services: Services,
  actor: Actor,
  environmentId: string,
  containerId: string,
  door: WorkloadDoor,
): Promise<{ ok: true; judged: Judged } | { ok: false; status: number; message: string }> {
  let judged: Judged;
  try {
    judged = await judgeExistingWorkload(factSources(services), actor.permissions, environmentId, containerId, door);
  } catch (error) {
    if (error instanceof DockerError) return { ok: false, status: answerFor(error).http, message: error.message };
    throw error;
  }
  if (judged.refusal && door === "exec") return { ok: false, status: 403, message: judged.refusal };
  return { ok: true, judged };
}

/** A bad query string, as a 400 naming each field. */
export function badQuery(issues: { path: PropertyKey[]; message: string }[]): Refusal {
  return {
    ok: false,
    status: 400,
    message: issues.map((i) => `${i.path.map(String).join(".")}: ${i.message}`).join("; "),
  };
}
