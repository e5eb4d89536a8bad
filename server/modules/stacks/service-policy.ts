// The workload policy for a stack's services: every ServiceSpec a compose file turns into is
// judged before anything is created. A ServiceSpec's ContainerSpec says what a container's
// create payload says in other words, so it is read as one and judged by the one workload
// policy (server/containers/policy.ts), with the same permissions and wording; the fields only a
// service has are on an allowlist of their own here, and anything not on a list needs host
// access (container.create.privileged). The refusal names the service and the ServiceSpec field.
//
// A stand-in, behind one function (`judgeServiceSpec`), until the workload kit's
// judgeServicePayload (server/workloads, issue #12) is on main; then this file calls that.
import { checkWorkload, PRIVILEGED, type Grants, type Violation, type WorkloadFacts } from "../../containers/policy";
import type { StackJudge } from "./deploy";

export type { Grants, Violation, WorkloadFacts };

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const absent = (v: unknown) => v === undefined || v === null;
function isEmpty(v: unknown): boolean {
  if (absent(v) || v === false || v === "") return true;
  if (Array.isArray(v)) return v.length === 0;
  return isRecord(v) && Object.values(v).every(isEmpty);
}

/** ContainerSpec field -> the container create payload field that says the same. */
const AS_CONTAINER: Record<string, string> = {
  Image: "Image",
  Command: "Entrypoint",
  Args: "Cmd",
  Env: "Env",
  Labels: "Labels",
  User: "User",
  Dir: "WorkingDir",
  Hostname: "Hostname",
  Healthcheck: "Healthcheck",
  StopSignal: "StopSignal",
  TTY: "Tty",
  OpenStdin: "OpenStdin",
  Mounts: "HostConfig.Mounts",
  CapabilityAdd: "HostConfig.CapAdd",
  CapabilityDrop: "HostConfig.CapDrop",
  Sysctls: "HostConfig.Sysctls",
  Init: "HostConfig.Init",
  ReadOnly: "HostConfig.ReadonlyRootfs",
  Hosts: "HostConfig.ExtraHosts",
  Isolation: "HostConfig.Isolation",
  Ulimits: "HostConfig.Ulimits",
  OomScoreAdj: "HostConfig.OomScoreAdj",
};
/** TaskTemplate.Resources.Limits field -> container payload field. */
const LIMITS_AS_CONTAINER: Record<string, string> = {
  NanoCPUs: "HostConfig.NanoCpus",
  MemoryBytes: "HostConfig.Memory",
  Pids: "HostConfig.PidsLimit",
};
/** ContainerSpec fields only a service has, plain by themselves. */
const SERVICE_CONTAINER_PLAIN = new Set(["Secrets", "Configs", "StopGracePeriod", "DNSConfig"]);

interface Walk {
  out: Violation[];
  /** the container payload the ContainerSpec reads as */
  container: Json;
  /** container payload path -> ServiceSpec path, to name fields as the service has them */
  back: Array<[string, string]>;
}

function setPath(target: Json, path: string, value: unknown) {
  const keys = path.split(".");
  let at = target;
  for (const key of keys.slice(0, -1)) at = (at[key] ??= {}) as Json;
  at[keys.at(-1)!] = value;
}

function needPrivileged(walk: Walk, field: string, message: string) {
  walk.out.push({ field, message, permission: PRIVILEGED });
}

type Rule = (value: unknown, at: string) => void;
const plain: Rule = () => undefined;

function onlyKeys(walk: Walk, value: unknown, field: string, allowed: Record<string, Rule>) {
  if (absent(value)) return;
  if (!isRecord(value)) return needPrivileged(walk, field, `unexpected value ${JSON.stringify(value)?.slice(0, 80)}`);
  for (const [key, item] of Object.entries(value)) {
    const at = field ? `${field}.${key}` : key;
    const rule = Object.hasOwn(allowed, key) ? allowed[key] : undefined;
    if (rule) rule(item, at);
    else if (!absent(item)) needPrivileged(walk, at, "not on the list of plain fields");
  }
}

function containerSpec(walk: Walk, value: unknown, field: string) {
  if (absent(value)) return;
  if (!isRecord(value)) return needPrivileged(walk, field, "unexpected value");
  for (const [key, item] of Object.entries(value)) {
    const at = `${field}.${key}`;
    const target = Object.hasOwn(AS_CONTAINER, key) ? AS_CONTAINER[key] : undefined;
    if (target) {
      if (absent(item)) continue;
      setPath(walk.container, target, item);
      walk.back.push([target, at]);
    } else if (SERVICE_CONTAINER_PLAIN.has(key)) {
      continue;
    } else if (key === "Privileges") {
      if (!isEmpty(item)) needPrivileged(walk, at, "sets SELinux, seccomp, AppArmor or credential-spec privileges");
    } else if (key === "Groups") {
      if (!isEmpty(item))
        needPrivileged(walk, at, `adds the groups ${JSON.stringify(item)} (a host group may own devices)`);
    } else if (!absent(item)) {
      needPrivileged(walk, at, "not on the list of plain fields");
    }
  }
}

const GENERIC = "asks for generic resources (devices such as GPUs) of the node";

function resources(walk: Walk, value: unknown, field: string) {
  onlyKeys(walk, value, field, {
    Limits: (limits, at) => {
      if (absent(limits)) return;
      if (!isRecord(limits)) return needPrivileged(walk, at, "unexpected value");
      for (const [key, item] of Object.entries(limits)) {
        const target = Object.hasOwn(LIMITS_AS_CONTAINER, key) ? LIMITS_AS_CONTAINER[key] : undefined;
        if (target) {
          setPath(walk.container, target, item);
          walk.back.push([target, `${at}.${key}`]);
        } else if (key === "GenericResources") {
          if (!isEmpty(item)) needPrivileged(walk, `${at}.${key}`, GENERIC);
        } else if (!absent(item)) needPrivileged(walk, `${at}.${key}`, "not on the list of plain fields");
      }
    },
    Reservations: (reservations, at) =>
      onlyKeys(walk, reservations, at, {
        NanoCPUs: plain,
        MemoryBytes: plain,
        GenericResources: (item, a) => {
          if (!isEmpty(item)) needPrivileged(walk, a, GENERIC);
        },
      }),
  });
}

function networks(walk: Walk, value: unknown, field: string) {
  if (absent(value)) return;
  if (!Array.isArray(value)) return needPrivileged(walk, field, "unexpected value");
  value.forEach((network, i) => {
    const at = `${field}[${i}]`;
    if (isRecord(network) && (network.Target === "host" || network.Target === "bridge")) {
      needPrivileged(walk, `${at}.Target`, `joins the host's ${String(network.Target)} network`);
    }
    onlyKeys(walk, network, at, {
      Target: plain,
      Aliases: plain,
      DriverOpts: (opts, a) => {
        if (!isEmpty(opts)) needPrivileged(walk, a, "sets network driver options");
      },
    });
  });
}

const PLAIN_LOG_DRIVERS = ["", "json-file", "local", "none"];

function taskTemplate(walk: Walk, value: unknown, field: string) {
  onlyKeys(walk, value, field, {
    ContainerSpec: (v, at) => containerSpec(walk, v, at),
    Resources: (v, at) => resources(walk, v, at),
    RestartPolicy: plain,
    Placement: plain,
    Networks: (v, at) => networks(walk, v, at),
    ForceUpdate: plain,
    Runtime: (v, at) => {
      if (!absent(v) && v !== "" && v !== "container")
        needPrivileged(walk, at, `runs as ${JSON.stringify(v)}, not a container`);
    },
    LogDriver: (v, at) => {
      if (absent(v)) return;
      const name = isRecord(v) ? v.Name : undefined;
      if (!(typeof name === "string" && PLAIN_LOG_DRIVERS.includes(name))) {
        needPrivileged(
          walk,
          `${at}.Name`,
          `the log driver ${JSON.stringify(name)} (json-file, local and none are plain)`,
        );
      }
    },
  });
}

/** Every violation of the policy in a ServiceSpec, whatever the actor holds. */
export function serviceViolations(spec: Json, facts: WorkloadFacts = {}): Violation[] {
  const walk: Walk = { out: [], container: {}, back: [] };
  onlyKeys(walk, spec, "", {
    Name: plain,
    Labels: plain,
    Mode: plain,
    UpdateConfig: plain,
    RollbackConfig: plain,
    EndpointSpec: plain,
    TaskTemplate: (v, at) => taskTemplate(walk, v, at),
    Networks: (v, at) => networks(walk, v, at),
  });
  const asContainer = checkWorkload(
    { kind: "create", body: walk.container },
    { privileged: false, dockerSocket: false },
    facts,
  );
  for (const violation of asContainer) {
    const match = walk.back
      .filter(
        ([containerPath]) =>
          violation.field === containerPath ||
          violation.field.startsWith(`${containerPath}.`) ||
          violation.field.startsWith(`${containerPath}[`),
      )
      .sort((a, b) => b[0].length - a[0].length)[0];
    walk.out.push({ ...violation, field: match ? match[1] + violation.field.slice(match[0].length) : violation.field });
  }
  return walk.out;
}

/** THE check for a service spec: the violations `grants` do not cover (empty: allowed). */
export function judgeServiceSpec(spec: Json, grants: Grants, facts: WorkloadFacts = {}): Violation[] {
  return serviceViolations(spec, facts).filter((v) =>
    v.permission === PRIVILEGED ? !grants.privileged : !grants.dockerSocket,
  );
}

/** The stack engine's judge hook for an actor's grants: each violation names the permission it needs. */
export function stackJudge(grants: Grants, facts: WorkloadFacts = {}): StackJudge {
  return (spec) =>
    judgeServiceSpec(spec, grants, facts).map((v) => ({
      field: v.field,
      message: `${v.message} (needs ${v.permission})`,
      permission: v.permission,
    }));
}
