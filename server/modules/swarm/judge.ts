// The workload policy for services: the one seam through which every service spec that is
// about to be created or updated (a rollback's previous spec included) is judged. A
// ServiceSpec's ContainerSpec says the same things as a container's create payload in other
// words, so it is read as one and judged by the same policy (server/containers/policy.ts),
// with the same permissions and named refusals; the fields only a service has are judged by
// an allowlist of their own here. Anything not on a list needs host access.
import { checkWorkload, type Grants, type Violation, type WorkloadFacts } from "../../containers/policy";

export type { Grants, Violation, WorkloadFacts };

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const absent = (v: unknown) => v === undefined || v === null;
function isEmpty(v: unknown): boolean {
  return (
    absent(v) ||
    (Array.isArray(v) && v.length === 0) ||
    (isRecord(v) && Object.values(v).every((x) => isEmpty(x) || x === ""))
  );
}

const PRIVILEGED = "container.create.privileged" as const;

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
  HealthCheck: "Healthcheck",
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
};
/** TaskTemplate.Resources.Limits field -> container payload field. */
const LIMITS_AS_CONTAINER: Record<string, string> = {
  NanoCPUs: "HostConfig.NanoCpus",
  MemoryBytes: "HostConfig.Memory",
  Pids: "HostConfig.PidsLimit",
};
/** ContainerSpec fields only a service has, plain by themselves. */
const SERVICE_CONTAINER_PLAIN = new Set(["Secrets", "Configs", "StopGracePeriod", "DNSConfig", "Groups"]);

function setPath(target: Json, path: string, value: unknown) {
  const keys = path.split(".");
  let at = target;
  for (const key of keys.slice(0, -1)) at = (at[key] ??= {}) as Json;
  at[keys.at(-1)!] = value;
}

interface Walk {
  out: Violation[];
  /** the container payload the ContainerSpec reads as */
  container: Json;
  /** container payload path -> service path, to name fields as the service has them */
  back: Array<[string, string]>;
}

function needPrivileged(walk: Walk, field: string, message: string) {
  walk.out.push({ field, message, permission: PRIVILEGED });
}

function onlyKeys(
  walk: Walk,
  value: unknown,
  field: string,
  allowed: Record<string, (v: unknown, at: string) => void>,
) {
  if (absent(value)) return;
  if (!isRecord(value)) return needPrivileged(walk, field, `unexpected value ${JSON.stringify(value)?.slice(0, 80)}`);
  for (const [key, item] of Object.entries(value)) {
    const at = `${field}.${key}`;
    const rule = Object.hasOwn(allowed, key) ? allowed[key] : undefined;
    if (rule) rule(item, at);
    else if (!absent(item)) needPrivileged(walk, at, "not on the list of plain fields");
  }
}

const plain = () => undefined;

function containerSpec(walk: Walk, value: unknown, field: string) {
  if (absent(value)) return;
  if (!isRecord(value)) return needPrivileged(walk, field, "unexpected value");
  for (const [key, item] of Object.entries(value)) {
    const at = `${field}.${key}`;
    const target = Object.hasOwn(AS_CONTAINER, key) ? AS_CONTAINER[key] : undefined;
    if (target) {
      setPath(walk.container, target, item);
      walk.back.push([target, at]);
    } else if (SERVICE_CONTAINER_PLAIN.has(key)) {
      continue;
    } else if (key === "Privileges") {
      if (!isEmpty(item)) needPrivileged(walk, at, "sets SELinux, seccomp, AppArmor or credential-spec privileges");
    } else if (!absent(item)) {
      needPrivileged(walk, at, "not on the list of plain fields");
    }
  }
}

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
          if (!isEmpty(item))
            needPrivileged(walk, `${at}.${key}`, "asks for generic resources (devices such as GPUs) of the node");
        } else if (!absent(item)) needPrivileged(walk, `${at}.${key}`, "not on the list of plain fields");
      }
    },
    Reservations: (reservations, at) =>
      onlyKeys(walk, reservations, at, {
        NanoCPUs: plain,
        MemoryBytes: plain,
        GenericResources: (item, a) => {
          if (!isEmpty(item)) needPrivileged(walk, a, "asks for generic resources (devices such as GPUs) of the node");
        },
      }),
  });
}

function networks(walk: Walk, value: unknown, field: string) {
  if (absent(value)) return;
  if (!Array.isArray(value)) return needPrivileged(walk, field, "unexpected value");
  value.forEach((network, i) => {
    const at = `${field}[${i}]`;
    if (isRecord(network) && network.Target === "host")
      needPrivileged(walk, `${at}.Target`, "joins the host's network");
    onlyKeys(walk, network, at, {
      Target: plain,
      Aliases: plain,
      DriverOpts: (opts, a) => {
        if (!isEmpty(opts)) needPrivileged(walk, a, "sets network driver options");
      },
    });
  });
}

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
      if (!(typeof name === "string" && ["", "json-file", "local", "none"].includes(name))) {
        needPrivileged(walk, at, `the log driver ${JSON.stringify(name)} (json-file, local and none are plain)`);
      }
    },
  });
}

/** Every violation of the policy in a ServiceSpec, whatever the actor holds. */
export function serviceViolations(body: Json, facts: WorkloadFacts = {}): Violation[] {
  const walk: Walk = { out: [], container: {}, back: [] };
  onlyKeys(walk, body, "", {
    Name: plain,
    Labels: plain,
    Mode: plain,
    UpdateConfig: plain,
    RollbackConfig: plain,
    EndpointSpec: plain,
    TaskTemplate: (v, at) => taskTemplate(walk, v, at),
    Networks: (v, at) => networks(walk, v, at),
  });
  const containerViolations = checkWorkload(
    { kind: "create", body: walk.container },
    { privileged: false, dockerSocket: false },
    facts,
  );
  for (const violation of containerViolations) {
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
  return walk.out.map((v) => ({ ...v, field: v.field.replace(/^\./, "") }));
}

/** THE check for services: the violations of `body` that `grants` do not cover (empty: allowed). */
export function judgeServiceSpec(body: Json, grants: Grants, facts: WorkloadFacts = {}): Violation[] {
  return serviceViolations(body, facts).filter((v) =>
    v.permission === PRIVILEGED ? !grants.privileged : !grants.dockerSocket,
  );
}

/** The named volumes a ServiceSpec mounts, for the caller to look up as facts. */
export function volumesOf(body: Json): string[] {
  const mounts = (((body.TaskTemplate as Json | undefined)?.ContainerSpec as Json | undefined)?.Mounts ??
    []) as unknown[];
  const names = new Set<string>();
  for (const m of Array.isArray(mounts) ? mounts : []) {
    if (
      isRecord(m) &&
      m.Type === "volume" &&
      typeof m.Source === "string" &&
      /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,254}$/.test(m.Source)
    ) {
      names.add(m.Source);
    }
  }
  return [...names];
}
