// The rule for EXISTING workloads: a workload that reaches the host is as strong as its host
// access, so running it or reaching inside it needs what creating it needs.
//
//   Needs the host-access permissions (container.create.privileged, and
//   container.create.docker-socket when it reaches an engine's socket), on top of the door's own:
//     start, restart, unpause (running it: its code acts on the host whoever started it),
//     a console in it (exec), typing into its main process (attach with input),
//     reading or writing its files (its host folders are in its file system).
//   Needs only the door's own permission:
//     what it prints (logs, the download, watching through attach): the workload decides what
//     to print, and reading it gives no way into the host; inspecting it, stats, stopping,
//     killing, pausing, renaming, removing it (taking power away); updating it (the update
//     body is judged on its own).
//
// "Reaches the host" is the same judgement as at create: the container's HostConfig and
// networks, as inspect reports them (minus what the engine fills in by default), walked by
// the workload policy with the same facts (named volumes, other containers' mounts, the
// environment's socket). One function decides for every door; each door calls it.
import "server-only";
import type Docker from "dockerode";
import { inspectContainerRaw } from "../docker/index";
import { can, type EffectivePermissions } from "../rbac/permissions";
import { lookupFacts, type FactSources } from "./facts";
import { holdsOn } from "./judge";
import {
  describeViolations,
  uncovered,
  workloadViolations,
  type PolicyPermission,
  type Violation,
  type WorkloadPayload,
} from "./policy/index";

/** The doors into an existing workload that the rule guards. */
export type WorkloadDoor = "start" | "restart" | "unpause" | "exec" | "attach-input" | "files-read" | "files-write";

const DOING: Record<WorkloadDoor, string> = {
  start: "starting it",
  restart: "restarting it",
  unpause: "unpausing it",
  exec: "a console in it",
  "attach-input": "typing into its main process",
  "files-read": "reading its files",
  "files-write": "writing files into it",
};

/** HostConfig keys inspect reports that say nothing about host access (or only restate a default). */
const INSPECT_ONLY = new Set([
  "ContainerIDFile",
  "LogConfig",
  "ConsoleSize",
  // The default masks (empty only when privileged, or with systempaths=unconfined: both judged).
  "MaskedPaths",
  "ReadonlyPaths",
]);

const zero = (v: unknown) =>
  v === undefined ||
  v === null ||
  v === "" ||
  v === 0 ||
  v === false ||
  (Array.isArray(v) && v.length === 0) ||
  (typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length === 0);

export interface EngineDefaults {
  /** the cgroup namespace a container gets unless told otherwise (host on cgroup v1) */
  cgroupnsMode: string;
  /** the runtime a container gets unless told otherwise */
  runtime: string;
}

const DEFAULTS_TTL_MS = 60_000;
const defaultsCache = new Map<string, { at: number; value: Promise<EngineDefaults> }>();

/** The engine's defaults, from /info (kept a minute). */
export function engineDefaults(sources: FactSources, environmentId: string): Promise<EngineDefaults> {
  const cached = defaultsCache.get(environmentId);
  if (cached && Date.now() - cached.at < DEFAULTS_TTL_MS) return cached.value;
  const value = sources.fleet
    .call(
      environmentId,
      "info",
      async (docker) => (await docker.info()) as { CgroupVersion?: string; DefaultRuntime?: string },
    )
    .then((info) => ({
      cgroupnsMode: info.CgroupVersion === "2" ? "private" : "host",
      runtime: info.DefaultRuntime || "runc",
    }));
  defaultsCache.set(environmentId, { at: Date.now(), value });
  value.catch(() => defaultsCache.delete(environmentId));
  return value;
}

/**
 * An existing container as the create payload it amounts to, for the policy: its HostConfig
 * without zero values, inspect-only keys and engine defaults, and the networks it is on.
 */
export function asCreatePayload(inspect: Docker.ContainerInspectInfo, defaults: EngineDefaults): WorkloadPayload {
  const host: Record<string, unknown> = {};
  for (const [key, value] of Object.entries((inspect.HostConfig ?? {}) as Record<string, unknown>)) {
    if (zero(value) || INSPECT_ONLY.has(key)) continue;
    if (key === "CgroupnsMode" && value === defaults.cgroupnsMode) continue;
    if (key === "Runtime" && (value === defaults.runtime || value === "runc")) continue;
    host[key] = value;
  }
  const networks = Object.keys(inspect.NetworkSettings?.Networks ?? {});
  return {
    kind: "container.create",
    body: {
      HostConfig: host,
      ...(networks.length
        ? { NetworkingConfig: { EndpointsConfig: Object.fromEntries(networks.map((n) => [n, {}])) } }
        : {}),
    },
  };
}

/** Everything in an existing container that reaches the host, whoever asks. */
export async function hostReachOf(
  sources: FactSources,
  environmentId: string,
  containerId: string,
): Promise<{ violations: Violation[]; name: string }> {
  const [inspect, defaults] = await Promise.all([
    inspectContainerRaw(sources.fleet, environmentId, containerId),
    engineDefaults(sources, environmentId),
  ]);
  const payload = asCreatePayload(inspect, defaults);
  const facts = await lookupFacts(sources, environmentId, payload);
  return { violations: workloadViolations(payload, facts), name: inspect.Name.replace(/^\//, "") };
}

export interface ExistingWorkloadJudgement {
  /** null: the door may be gone through; else why not (a FORBIDDEN / 403 message) */
  refusal: string | null;
  /** every policy permission the workload needs, held or not (for consoles to re-check) */
  requires: PolicyPermission[];
}

/**
 * THE rule for existing workloads, called by every door it guards: may `permissions` go
 * through `door` into this container? Engine errors (no such container, unreachable) are
 * thrown as the fleet's typed errors.
 */
export async function judgeExistingWorkload(
  sources: FactSources,
  permissions: EffectivePermissions,
  environmentId: string,
  containerId: string,
  door: WorkloadDoor,
): Promise<ExistingWorkloadJudgement> {
  const { violations, name } = await hostReachOf(sources, environmentId, containerId);
  const requires = [...new Set(violations.map((v) => v.permission))];
  const missing = uncovered(violations, holdsOn(permissions, environmentId));
  return {
    refusal: missing.length
      ? `${name} reaches the host, so ${DOING[door]} needs what creating it needs. ${describeViolations(missing)}`
      : null,
    requires,
  };
}

/** Whether `permissions` still hold everything a workload `requires` (for a console's re-check). */
export function stillHolds(
  permissions: EffectivePermissions,
  environmentId: string,
  requires: readonly PolicyPermission[],
) {
  return requires.every((permission) => can(permissions, permission, environmentId));
}
