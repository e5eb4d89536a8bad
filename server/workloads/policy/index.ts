// The workload policy: ONE judge for every door that starts or changes a workload (container
// create and update, service create and update; stacks deploy services through the same).
//
// It is an allowlist over the final Engine payload, not a check of a few decoded fields:
// every key that will be sent is walked, under the rule root of the payload's kind. A key on
// the list of plain fields with a plain value passes; any other key or value (a host or
// container: namespace, a bind mount, volume driver options, a capability, an unknown key, a
// plain key with a value it did not expect, …) needs container.create.privileged. An engine's
// socket reaching the workload, or a folder holding one, needs container.create.docker-socket
// besides. Every violation is returned, not only the first.
import "server-only";
import { canonicalEngineKeys } from "../engine-fields";
import { ROOTS, type PayloadKind } from "./roots";
import {
  isRecord,
  isString,
  isStringList,
  walkObject,
  CONFIG_DATA,
  PRIVILEGED,
  type Violation,
  type WorkloadFacts,
  type Walk,
  type PolicyPermission,
} from "./walk";

export {
  PRIVILEGED,
  DOCKER_SOCKET,
  CONFIG_DATA,
  type PolicyPermission,
  type Violation,
  type WorkloadFacts,
} from "./walk";
export { ENGINE_SOCKETS, exposesEngineSocket, normalizeHostPath } from "./sockets";
export { canonicalEngineKeys } from "../engine-fields";
export type { PayloadKind } from "./roots";

/** A payload and the door it came through ("create" / "update": a container's). */
export interface WorkloadPayload {
  kind: PayloadKind | "create" | "update";
  body: Record<string, unknown>;
}

/** What the actor holds of the policy's permissions, on the environment in question. */
export interface Grants {
  privileged: boolean;
  dockerSocket: boolean;
  /** config.data.read: a service may be given swarm configs (absent: not held) */
  configData?: boolean;
}

function rootOf(kind: WorkloadPayload["kind"]): PayloadKind {
  return kind === "create" ? "container.create" : kind === "update" ? "container.update" : kind;
}

/** Every violation of the policy in `payload`, whatever the actor holds. */
export function workloadViolations(payload: WorkloadPayload, facts: WorkloadFacts = {}): Violation[] {
  const walk: Walk = { out: [], facts, memoryFsBytes: 0 };
  // Judged as the engine will read it: every field name respelt (`Tyſe` is Type) before any
  // rule looks inside. Whoever sends a payload built elsewhere sends canonicalEngineKeys(body).
  walkObject(canonicalEngineKeys(payload.body), "", ROOTS[rootOf(payload.kind)], walk);
  return walk.out;
}

/** The violations `grants` do not cover. */
export function uncovered(violations: readonly Violation[], grants: Grants): Violation[] {
  return violations.filter((v) =>
    v.permission === PRIVILEGED
      ? !grants.privileged
      : v.permission === CONFIG_DATA
        ? grants.configData !== true
        : !grants.dockerSocket,
  );
}

/**
 * THE policy: the violations of `payload` that `grants` do not cover (empty: allowed). A bind
 * of the Docker socket needs both permissions, so it shows up twice when both are missing.
 */
export function checkWorkload(payload: WorkloadPayload, grants: Grants, facts: WorkloadFacts = {}): Violation[] {
  return uncovered(workloadViolations(payload, facts), grants);
}

/** One sentence per missing permission, naming the fields: the FORBIDDEN message. */
export function describeViolations(violations: readonly Violation[]): string {
  const byPermission = new Map<PolicyPermission, Violation[]>();
  for (const v of violations) byPermission.set(v.permission, [...(byPermission.get(v.permission) ?? []), v]);
  return [...byPermission.entries()]
    .map(
      ([permission, list]) =>
        `These need the ${permission} permission: ${list.map((v) => `${v.field} (${v.message})`).join("; ")}.`,
    )
    .join(" ");
}

/** Only names the engine could hold are looked up: anything else would go into a request path. */
const lookable = (name: string) => /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,254}$/.test(name);

/** The names of volumes and containers a payload refers to, for the caller to look up as facts. */
export function referencesOf(payload: WorkloadPayload): { volumes: string[]; volumesFrom: string[] } {
  const kind = rootOf(payload.kind);
  // Looked up as the engine reads the keys (`mounts` is Mounts).
  const body = canonicalEngineKeys(payload.body) as Record<string, unknown>;
  const task = isRecord(body.TaskTemplate) ? body.TaskTemplate : {};
  const host: unknown =
    kind === "container.create" ? body.HostConfig : kind === "container.update" ? body : task.ContainerSpec;
  const volumes = new Set<string>();
  if (isRecord(host)) {
    if (Array.isArray(host.Mounts)) {
      for (const m of host.Mounts as unknown[]) {
        if (isRecord(m) && m.Type === "volume" && isString(m.Source) && m.Source) volumes.add(m.Source);
      }
    }
    if (Array.isArray(host.Binds)) {
      for (const b of host.Binds as unknown[]) {
        if (!isString(b) || !b.includes(":")) continue;
        const source = b.split(":")[0] ?? "";
        if (source && !source.startsWith("/")) volumes.add(source);
      }
    }
  }
  const from =
    isRecord(host) && isStringList(host.VolumesFrom) ? host.VolumesFrom.map((r) => r.split(":")[0] ?? r) : [];
  return { volumes: [...volumes].filter(lookable), volumesFrom: from.filter(lookable) };
}
