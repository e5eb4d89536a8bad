// The workload policy: ONE function that every door starting or changing a workload goes
// through (containers.create and containers.update now; services and stacks map their specs
// into the same Engine payloads later).
//
// It is an allowlist over the final Docker Engine payload, not a check of a few decoded
// fields: every key that will be sent is walked. A key on the list of plain fields with a
// plain value passes; any other key or value (a host or container: namespace, a bind mount,
// volume driver options, a capability, an unknown key, a plain key with a value it did not
// expect, …) needs container.create.privileged. A Docker (or containerd) socket reaching the
// container, or a folder holding one, needs container.create.docker-socket besides. Every
// violation is returned, not only the first.
import type { Permission } from "../rbac/catalogue";

export const PRIVILEGED = "container.create.privileged" satisfies Permission;
export const DOCKER_SOCKET = "container.create.docker-socket" satisfies Permission;
export type PolicyPermission = typeof PRIVILEGED | typeof DOCKER_SOCKET;

/** Which door a payload came through; the update body is a HostConfig subset. */
export type WorkloadPayload =
  { kind: "create"; body: Record<string, unknown> } | { kind: "update"; body: Record<string, unknown> };

export interface Grants {
  privileged: boolean;
  dockerSocket: boolean;
}

/** What the engine says about things the payload names only by reference; the caller looks them up. */
export interface WorkloadFacts {
  /** Sockets that control an engine on this host besides the usual ones (the environment's own endpoint). */
  socketPaths?: readonly string[];
  /**
   * Named volumes the payload uses, as they exist on the engine (null: absent, so created
   * fresh as a plain local volume). A volume created earlier with `o=bind` is a bind mount.
   */
  volumes?: Readonly<Record<string, { driver: string; options: Record<string, string> } | null>>;
  /** Host paths mounted into the containers named in VolumesFrom. */
  volumesFrom?: Readonly<Record<string, readonly string[]>>;
}

export interface Violation {
  /** the Engine payload path: "HostConfig.Mounts[1].Source" */
  field: string;
  /** what it does, for a person */
  message: string;
  permission: PolicyPermission;
}

/** The sockets that control the whole host when reached from a container. */
export const ENGINE_SOCKETS = [
  "/var/run/docker.sock",
  "/run/docker.sock",
  "/var/run/containerd/containerd.sock",
  "/run/containerd/containerd.sock",
] as const;

// ---- paths -----------------------------------------------------------------------------------

/** /a//b/./c/../d/ → /a/b/d (no filesystem access: symbolic links are the host's business). */
export function normalizeHostPath(path: string): string {
  const parts: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return `/${parts.join("/")}`;
}

/**
 * Does bind-mounting `hostPath` hand the container an engine's socket? The socket itself, any
 * path ending in docker.sock or containerd.sock, a folder above a known socket (/, /var,
 * /var/run, /run, …), or /proc (every process's root is under /proc/<pid>/root).
 */
export function exposesEngineSocket(hostPath: string, extraSockets: readonly string[] = []): boolean {
  const path = normalizeHostPath(hostPath);
  if (/(^|\/)[^/]*(docker|containerd)\.sock$/.test(path)) return true;
  if (path === "/proc" || path.startsWith("/proc/")) return true;
  for (const socket of [...ENGINE_SOCKETS, ...extraSockets.map(normalizeHostPath)]) {
    if (path === socket || path === "/" || socket.startsWith(`${path}/`)) return true;
  }
  return false;
}

// ---- the walk --------------------------------------------------------------------------------

type Walk = {
  out: Violation[];
  facts: WorkloadFacts;
};

type Rule = (value: unknown, field: string, walk: Walk) => void;

function needPrivileged(walk: Walk, field: string, message: string) {
  walk.out.push({ field, message, permission: PRIVILEGED });
}

function needSocket(walk: Walk, field: string, hostPath: string) {
  walk.out.push({
    field,
    message: /\.sock$/.test(normalizeHostPath(hostPath))
      ? `${hostPath} is an engine's control socket: whoever holds it controls the whole host`
      : `${hostPath} holds the engine's control socket: whoever holds it controls the whole host`,
    permission: DOCKER_SOCKET,
  });
}

function describe(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

const absent = (v: unknown) => v === undefined || v === null;
const isString = (v: unknown): v is string => typeof v === "string";
const isInt = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);
const isStringRecord = (v: unknown): v is Record<string, string> => isRecord(v) && Object.values(v).every(isString);
const isEmpty = (v: unknown) =>
  absent(v) || (Array.isArray(v) && v.length === 0) || (isRecord(v) && Object.keys(v).length === 0);

/** A plain field of a given shape: anything else in it is unexpected, hence privileged. */
function plain(test: (v: unknown) => boolean, shape: string): Rule {
  return (value, field, walk) => {
    if (absent(value) || test(value)) return;
    needPrivileged(walk, field, `unexpected value ${describe(value)} (a plain ${field} is ${shape})`);
  };
}

/** Plain only when empty or one of `allowed`; any other value is host access, explained by `why`. */
function plainWhen(allowed: (v: unknown) => boolean, why: (v: unknown) => string): Rule {
  return (value, field, walk) => {
    if (absent(value) || allowed(value)) return;
    needPrivileged(walk, field, why(value));
  };
}

function oneOf(...values: string[]) {
  return (v: unknown) => isString(v) && values.includes(v);
}

const nonNegativeInt = plain((v) => isInt(v) && v >= 0, "a whole number of 0 or more");
const limitInt = plain((v) => isInt(v) && v >= -1, "a whole number, or -1 for no limit");
const bool = plain((v) => typeof v === "boolean", "true or false");
const string = plain(isString, "a string");
const stringList = plain((v) => isString(v) || isStringList(v), "a list of strings");
const stringRecord = plain(isStringRecord, "an object of strings");
const cpuSet = plain((v) => isString(v) && /^[0-9,-]*$/.test(v), "a list like 0-3,5");

/** Host namespace modes: "" (the container's own) or a named safe value; host and container:<id> share the host's or another container's. */
function namespaceMode(what: string, ...safe: string[]): Rule {
  return plainWhen(oneOf("", ...safe), (v) =>
    isString(v) && v.startsWith("container:")
      ? `shares the ${what} namespace of another container (${v})`
      : v === "host"
        ? `shares the host's ${what} namespace`
        : `${what} namespace mode ${describe(v)} is not a plain one (${["", ...safe].map((s) => s || '""').join(", ")})`,
  );
}

const CONFIG_RULES: Record<string, Rule> = {
  Image: plain((v) => isString(v) && v.length > 0, "an image reference"),
  Cmd: stringList,
  Entrypoint: stringList,
  Env: plain(
    (v) => isStringList(v) && v.every((e) => /^[^=\s]+=/.test(e) || /^[^=\s]+$/.test(e)),
    "a list of NAME=value",
  ),
  Labels: stringRecord,
  User: string,
  WorkingDir: plain((v) => isString(v) && (v === "" || v.startsWith("/")), "an absolute path"),
  Hostname: string,
  Domainname: string,
  ExposedPorts: plain(
    (v) => isRecord(v) && Object.entries(v).every(([k, x]) => /^\d{1,5}(\/(tcp|udp|sctp))?$/.test(k) && isEmpty(x)),
    'ports like {"80/tcp": {}}',
  ),
  Volumes: plain(
    (v) => isRecord(v) && Object.entries(v).every(([k, x]) => k.startsWith("/") && isEmpty(x)),
    'anonymous volumes like {"/data": {}}',
  ),
  Healthcheck: healthcheck,
  Tty: bool,
  OpenStdin: bool,
  StdinOnce: bool,
  AttachStdin: bool,
  AttachStdout: bool,
  AttachStderr: bool,
  NetworkDisabled: bool,
  StopSignal: string,
  StopTimeout: nonNegativeInt,
  HostConfig: (value, field, walk) => walkObject(value, field, HOST_CONFIG_RULES, walk),
  NetworkingConfig: (value, field, walk) => walkObject(value, field, NETWORKING_RULES, walk),
};

function healthcheck(value: unknown, field: string, walk: Walk) {
  walkObject(value, field, HEALTHCHECK_RULES, walk);
}

const HEALTHCHECK_RULES: Record<string, Rule> = {
  Test: stringList,
  Interval: nonNegativeInt,
  Timeout: nonNegativeInt,
  StartPeriod: nonNegativeInt,
  StartInterval: nonNegativeInt,
  Retries: nonNegativeInt,
};

const RESTART_RULES: Record<string, Rule> = {
  Name: plain(oneOf("", "no", "always", "unless-stopped", "on-failure"), "no, always, unless-stopped or on-failure"),
  MaximumRetryCount: nonNegativeInt,
};

const PORT_BINDING_RULES: Record<string, Rule> = {
  HostIp: plain((v) => isString(v) && /^[0-9a-fA-F.:]*$/.test(v), "an IP address"),
  HostPort: plain((v) => isString(v) && /^(\d{1,5}(-\d{1,5})?)?$/.test(v), "a port number"),
};

function portBindings(value: unknown, field: string, walk: Walk) {
  if (absent(value)) return;
  if (!isRecord(value)) return needPrivileged(walk, field, `unexpected value ${describe(value)}`);
  for (const [key, list] of Object.entries(value)) {
    const at = `${field}.${key}`;
    if (!/^\d{1,5}(\/(tcp|udp|sctp))?$/.test(key)) needPrivileged(walk, at, `unexpected port key ${describe(key)}`);
    if (absent(list)) continue;
    if (!Array.isArray(list)) {
      needPrivileged(walk, at, `unexpected value ${describe(list)}`);
      continue;
    }
    list.forEach((binding, i) => walkObject(binding, `${at}[${i}]`, PORT_BINDING_RULES, walk));
  }
}

/** One HostConfig.Binds entry: "volume:/path[:opts]" is plain; "/host/path:/path" is a bind mount. */
function bindsEntry(entry: unknown, field: string, walk: Walk) {
  if (!isString(entry)) return needPrivileged(walk, field, `unexpected value ${describe(entry)}`);
  const parts = entry.split(":");
  if (parts.length === 1) {
    // "/data": an anonymous volume, like Config.Volumes.
    if (entry.startsWith("/")) return;
    return needPrivileged(walk, field, `unexpected value ${describe(entry)}`);
  }
  const [source = "", target = "", options = "", ...rest] = parts;
  if (rest.length || !target.startsWith("/")) {
    return needPrivileged(walk, field, `unexpected value ${describe(entry)} (want source:/path[:options])`);
  }
  const plainOptions = options.split(",").every((o) => ["", "ro", "rw", "nocopy"].includes(o));
  if (source.startsWith("/")) {
    needPrivileged(walk, field, `bind-mounts the host path ${source}`);
    if (exposesEngineSocket(source, walk.facts.socketPaths)) needSocket(walk, field, source);
    return;
  }
  namedVolume(source, field, walk);
  if (!plainOptions)
    needPrivileged(walk, field, `mount options ${describe(options)} are not plain ones (ro, rw, nocopy)`);
}

/** A named volume is plain when it is (or will be) a local volume without driver options. */
function namedVolume(name: string, field: string, walk: Walk) {
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(name)) {
    return needPrivileged(walk, field, `unexpected volume name ${describe(name)}`);
  }
  const existing = walk.facts.volumes?.[name];
  if (!existing) return;
  const options = Object.keys(existing.options ?? {});
  if (existing.driver !== "local" || options.length) {
    const device = existing.options.device;
    needPrivileged(
      walk,
      field,
      existing.driver !== "local"
        ? `the volume ${name} uses the ${existing.driver} driver`
        : `the volume ${name} has driver options (${options.join(", ")})${device ? ` that reach the host path ${device}` : ""}`,
    );
    if (device && exposesEngineSocket(device, walk.facts.socketPaths)) needSocket(walk, field, device);
  }
}

function driverConfig(value: unknown, field: string, walk: Walk) {
  if (absent(value)) return;
  if (!isRecord(value)) return needPrivileged(walk, field, `unexpected value ${describe(value)}`);
  const name = value.Name;
  const options = value.Options;
  for (const key of Object.keys(value)) {
    if (key !== "Name" && key !== "Options")
      needPrivileged(walk, `${field}.${key}`, "not a plain field of a volume driver");
  }
  if (!absent(name) && !(isString(name) && (name === "" || name === "local"))) {
    needPrivileged(walk, `${field}.Name`, `the volume driver ${describe(name)} (only local is plain)`);
  }
  if (!isEmpty(options)) {
    const device = isRecord(options) && isString(options.device) ? options.device : undefined;
    needPrivileged(
      walk,
      `${field}.Options`,
      `volume driver options ${describe(options)}${device ? ` reach the host path ${device}` : ""}`,
    );
    if (device && exposesEngineSocket(device, walk.facts.socketPaths)) needSocket(walk, `${field}.Options`, device);
  }
}

const MOUNT_COMMON = ["Type", "Target", "ReadOnly", "Consistency"];

function mountsEntry(entry: unknown, field: string, walk: Walk) {
  if (!isRecord(entry)) return needPrivileged(walk, field, `unexpected value ${describe(entry)}`);
  const type = entry.Type;
  if (!isString(entry.Target) || !entry.Target.startsWith("/")) {
    needPrivileged(walk, `${field}.Target`, `unexpected target ${describe(entry.Target)}`);
  }
  if (!absent(entry.ReadOnly) && typeof entry.ReadOnly !== "boolean") {
    needPrivileged(walk, `${field}.ReadOnly`, `unexpected value ${describe(entry.ReadOnly)}`);
  }
  if (!absent(entry.Consistency) && !oneOf("", "default", "consistent", "cached", "delegated")(entry.Consistency)) {
    needPrivileged(walk, `${field}.Consistency`, `unexpected value ${describe(entry.Consistency)}`);
  }
  const extra = (allowed: string[]) => {
    for (const key of Object.keys(entry)) {
      if (![...MOUNT_COMMON, ...allowed].includes(key)) {
        needPrivileged(walk, `${field}.${key}`, `not a plain field of a ${String(type)} mount`);
      }
    }
  };
  switch (type) {
    case "volume": {
      extra(["Source", "VolumeOptions"]);
      if (!absent(entry.Source) && entry.Source !== "") {
        if (isString(entry.Source)) namedVolume(entry.Source, `${field}.Source`, walk);
        else needPrivileged(walk, `${field}.Source`, `unexpected value ${describe(entry.Source)}`);
      }
      const options = entry.VolumeOptions;
      if (absent(options)) return;
      if (!isRecord(options))
        return needPrivileged(walk, `${field}.VolumeOptions`, `unexpected value ${describe(options)}`);
      for (const [key, value] of Object.entries(options)) {
        const at = `${field}.VolumeOptions.${key}`;
        if (key === "NoCopy") bool(value, at, walk);
        else if (key === "Labels") stringRecord(value, at, walk);
        else if (key === "DriverConfig") driverConfig(value, at, walk);
        else needPrivileged(walk, at, "not a plain field of a volume mount");
      }
      return;
    }
    case "tmpfs": {
      extra(["TmpfsOptions"]);
      const options = entry.TmpfsOptions;
      if (!isRecord(options) || !isInt(options.SizeBytes) || options.SizeBytes <= 0) {
        needPrivileged(
          walk,
          `${field}.TmpfsOptions.SizeBytes`,
          "a tmpfs without a size bound can take half of the host's memory",
        );
      }
      if (isRecord(options)) {
        for (const [key, value] of Object.entries(options)) {
          const at = `${field}.TmpfsOptions.${key}`;
          if (key === "SizeBytes") continue;
          if (key === "Mode") nonNegativeInt(value, at, walk);
          else needPrivileged(walk, at, "not a plain field of a tmpfs mount");
        }
      }
      return;
    }
    case "bind": {
      const source = isString(entry.Source) ? entry.Source : describe(entry.Source);
      needPrivileged(walk, field, `bind-mounts the host path ${source}`);
      if (isString(entry.Source) && exposesEngineSocket(entry.Source, walk.facts.socketPaths)) {
        needSocket(walk, field, entry.Source);
      }
      return;
    }
    default:
      needPrivileged(
        walk,
        `${field}.Type`,
        `a mount of type ${describe(type)} (only volume and sized tmpfs are plain)`,
      );
  }
}

function list(each: (entry: unknown, field: string, walk: Walk) => void): Rule {
  return (value, field, walk) => {
    if (absent(value)) return;
    if (!Array.isArray(value)) return needPrivileged(walk, field, `unexpected value ${describe(value)} (want a list)`);
    value.forEach((entry, i) => each(entry, `${field}[${i}]`, walk));
  };
}

/** HostConfig.Tmpfs: {"/run": "size=64m,mode=1777"}; plain only with a size. */
function tmpfsMap(value: unknown, field: string, walk: Walk) {
  if (absent(value)) return;
  if (!isStringRecord(value)) return needPrivileged(walk, field, `unexpected value ${describe(value)}`);
  for (const [path, options] of Object.entries(value)) {
    const at = `${field}.${path}`;
    const parts = options.split(",").filter(Boolean);
    const sized = parts.some((p) => /^size=\d+[kmgKMG%]?$/.test(p) && !/^size=0[kmgKMG%]?$/.test(p));
    if (!path.startsWith("/")) needPrivileged(walk, at, `unexpected path ${describe(path)}`);
    if (!sized) needPrivileged(walk, at, "a tmpfs without a size bound can take half of the host's memory");
    const unusual = parts.filter(
      (p) => !/^(size=\S+|mode=[0-7]{3,4}|ro|rw|noexec|nosuid|nodev|exec|suid|uid=\d+|gid=\d+)$/.test(p),
    );
    if (unusual.length) needPrivileged(walk, at, `tmpfs options ${unusual.join(",")} are not plain ones`);
  }
}

function devices(value: unknown, field: string, walk: Walk) {
  if (isEmpty(value)) return;
  if (!Array.isArray(value)) return needPrivileged(walk, field, `unexpected value ${describe(value)}`);
  value.forEach((device, i) => {
    const at = `${field}[${i}]`;
    const host = isRecord(device) && isString(device.PathOnHost) ? device.PathOnHost : undefined;
    needPrivileged(walk, at, `gives the container the host device ${host ?? describe(device)}`);
    if (host && exposesEngineSocket(host, walk.facts.socketPaths)) needSocket(walk, at, host);
  });
}

function securityOpt(value: unknown, field: string, walk: Walk) {
  if (absent(value)) return;
  if (!isStringList(value)) return needPrivileged(walk, field, `unexpected value ${describe(value)}`);
  value.forEach((opt, i) => {
    // no-new-privileges only ever tightens; every other option (seccomp, apparmor, label,
    // systempaths=unconfined, …) can loosen the confinement.
    if (/^no-new-privileges(:true|=true)?$/.test(opt)) return;
    needPrivileged(
      walk,
      `${field}[${i}]`,
      `the security option ${describe(opt)} can relax the container's confinement`,
    );
  });
}

function volumesFrom(value: unknown, field: string, walk: Walk) {
  if (isEmpty(value)) return;
  if (!isStringList(value)) return needPrivileged(walk, field, `unexpected value ${describe(value)}`);
  value.forEach((ref, i) => {
    const at = `${field}[${i}]`;
    needPrivileged(walk, at, `takes every mount of the container ${ref.split(":")[0]}, host paths included`);
    const container = ref.split(":")[0] ?? ref;
    for (const source of walk.facts.volumesFrom?.[container] ?? []) {
      if (exposesEngineSocket(source, walk.facts.socketPaths)) needSocket(walk, at, source);
    }
  });
}

function networkMode(value: unknown, field: string, walk: Walk) {
  if (absent(value) || value === "") return;
  if (!isString(value)) return needPrivileged(walk, field, `unexpected value ${describe(value)}`);
  if (value === "host") return needPrivileged(walk, field, "shares the host's network namespace");
  if (value.startsWith("container:")) {
    return needPrivileged(walk, field, `shares the network namespace of another container (${value})`);
  }
  // default, bridge, none, or a named network.
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(value))
    needPrivileged(walk, field, `unexpected network mode ${describe(value)}`);
}

const ENDPOINT_RULES: Record<string, Rule> = {
  Aliases: plain(isStringList, "a list of names"),
  IPAMConfig: (value, field, walk) =>
    walkObject(value, field, { IPv4Address: string, IPv6Address: string, LinkLocalIPs: stringList }, walk),
};

const NETWORKING_RULES: Record<string, Rule> = {
  EndpointsConfig: (value, field, walk) => {
    if (absent(value)) return;
    if (!isRecord(value)) return needPrivileged(walk, field, `unexpected value ${describe(value)}`);
    for (const [name, endpoint] of Object.entries(value)) {
      const at = `${field}.${name}`;
      if (name === "host") needPrivileged(walk, at, "joins the host's network");
      else if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(name))
        needPrivileged(walk, at, `unexpected network ${describe(name)}`);
      walkObject(endpoint, at, ENDPOINT_RULES, walk);
    }
  },
};

const HOST_CONFIG_RULES: Record<string, Rule> = {
  // Plain: how it restarts, what it publishes, what it may use.
  RestartPolicy: (value, field, walk) => walkObject(value, field, RESTART_RULES, walk),
  AutoRemove: bool,
  PortBindings: portBindings,
  PublishAllPorts: bool,
  Memory: nonNegativeInt,
  MemoryReservation: nonNegativeInt,
  MemorySwap: limitInt,
  NanoCpus: nonNegativeInt,
  CpuShares: nonNegativeInt,
  CpuPeriod: nonNegativeInt,
  CpuQuota: limitInt,
  CpusetCpus: cpuSet,
  CpusetMems: cpuSet,
  PidsLimit: limitInt,
  BlkioWeight: plain((v) => isInt(v) && (v === 0 || (v >= 10 && v <= 1000)), "0, or 10 to 1000"),
  ShmSize: nonNegativeInt,
  ReadonlyRootfs: bool,
  Init: bool,
  CapDrop: stringList,
  ExtraHosts: stringList,
  Dns: stringList,
  DnsOptions: stringList,
  DnsSearch: stringList,
  // Mounts: named local volumes and sized tmpfs are plain; host paths are not.
  Mounts: list(mountsEntry),
  Binds: list(bindsEntry),
  Tmpfs: tmpfsMap,
  VolumeDriver: plainWhen(oneOf("", "local"), (v) => `the volume driver ${describe(v)} (only local is plain)`),
  VolumesFrom: volumesFrom,
  // Namespaces.
  NetworkMode: networkMode,
  PidMode: namespaceMode("process (pid)"),
  IpcMode: namespaceMode("IPC", "private", "shareable", "none"),
  UTSMode: namespaceMode("UTS (host name)"),
  UsernsMode: namespaceMode("user"),
  CgroupnsMode: namespaceMode("cgroup", "private"),
  // Privilege and confinement.
  Privileged: plainWhen(
    (v) => v === false,
    () => "privileged mode gives the container every device and capability of the host",
  ),
  CapAdd: plainWhen(isEmpty, (v) => `adds the capabilities ${describe(v)}`),
  Devices: devices,
  DeviceRequests: plainWhen(isEmpty, (v) => `requests host devices ${describe(v)}`),
  DeviceCgroupRules: plainWhen(isEmpty, (v) => `allows device access ${describe(v)}`),
  SecurityOpt: securityOpt,
  Sysctls: plainWhen(isEmpty, (v) => `sets kernel parameters ${describe(v)}`),
  Runtime: plainWhen(oneOf(""), (v) => `runs under the runtime ${describe(v)}`),
  OomKillDisable: plainWhen(
    (v) => v === false,
    () => "turning off the OOM killer lets the container starve the host",
  ),
  Isolation: plainWhen(oneOf("", "default"), (v) => `isolation ${describe(v)}`),
};

/** What `POST /containers/{id}/update` accepts: resources and the restart policy. */
const UPDATE_KEYS = new Set([
  "RestartPolicy",
  "Memory",
  "MemoryReservation",
  "MemorySwap",
  "NanoCpus",
  "CpuShares",
  "CpuPeriod",
  "CpuQuota",
  "CpusetCpus",
  "CpusetMems",
  "PidsLimit",
  "BlkioWeight",
  "Devices",
  "DeviceRequests",
  "DeviceCgroupRules",
]);
const UPDATE_RULES: Record<string, Rule> = Object.fromEntries(
  Object.entries(HOST_CONFIG_RULES).filter(([key]) => UPDATE_KEYS.has(key)),
);

function walkObject(value: unknown, field: string, rules: Record<string, Rule>, walk: Walk) {
  if (absent(value)) return;
  if (!isRecord(value)) return needPrivileged(walk, field, `unexpected value ${describe(value)} (want an object)`);
  for (const [key, item] of Object.entries(value)) {
    const at = field ? `${field}.${key}` : key;
    const rule = Object.hasOwn(rules, key) ? rules[key] : undefined;
    if (!rule) {
      // The allowlist's whole point: a key nobody reviewed is not let through as plain.
      needPrivileged(walk, at, "not on the list of plain fields");
      continue;
    }
    rule(item, at, walk);
  }
}

// ---- spelling ----------------------------------------------------------------------------------

/**
 * The engine decodes its JSON with Go's encoding/json, which matches field names without
 * regard to case: `binds` is read as `Binds`. The walk above matches exact names, so Engine
 * fields that come in raw (hostAccess.raw) are respelt to their canonical names first, and
 * the same respelt payload is both judged and sent.
 */
const STRUCT_FIELDS = new Map<string, string>(
  [
    ...Object.keys(CONFIG_RULES),
    ...Object.keys(HOST_CONFIG_RULES),
    ...Object.keys(HEALTHCHECK_RULES),
    ...Object.keys(RESTART_RULES),
    ...Object.keys(PORT_BINDING_RULES),
    ...Object.keys(ENDPOINT_RULES),
    ...Object.keys(NETWORKING_RULES),
    ...MOUNT_COMMON,
    ...["Source", "BindOptions", "VolumeOptions", "TmpfsOptions", "DriverConfig", "Name", "Options", "SizeBytes"],
    ...["Mode", "NoCopy", "Labels", "Propagation", "NonRecursive", "CreateMountpoint", "ReadOnlyNonRecursive"],
    ...["PathOnHost", "PathInContainer", "CgroupPermissions", "Driver", "Count", "DeviceIDs", "Capabilities"],
    ...["HostIp", "HostPort", "MaximumRetryCount", "Soft", "Hard", "Aliases", "IPAMConfig", "IPv4Address"],
    ...["IPv6Address", "LinkLocalIPs", "Links", "NetworkID", "EndpointID", "Gateway", "IPAddress", "MacAddress"],
    ...["Config", "Type", "Test", "Interval", "Timeout", "Retries", "StartPeriod", "StartInterval", "DriverOpts"],
    ...["Rate", "Path", "Weight", "LogConfig"],
  ].map((name) => [name.toLowerCase(), name]),
);
/** Fields whose keys are data (label names, sysctl names, network names…), not field names. */
const MAP_FIELDS = new Set([
  "Labels",
  "Options",
  "DriverOpts",
  "Sysctls",
  "StorageOpt",
  "Tmpfs",
  "ExposedPorts",
  "Volumes",
  "PortBindings",
  "EndpointsConfig",
  "Annotations",
  "Config",
]);

/** `value` with every Engine field name in its canonical spelling (data keys left as they are). */
export function canonicalEngineKeys(value: unknown, keysAreData = false): unknown {
  if (Array.isArray(value)) return value.map((item) => canonicalEngineKeys(item));
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const name = keysAreData ? key : (STRUCT_FIELDS.get(key.toLowerCase()) ?? key);
    out[name] = keysAreData ? canonicalEngineKeys(item) : canonicalEngineKeys(item, MAP_FIELDS.has(name));
  }
  return out;
}

/** Every violation of the policy in `payload`, whatever the actor holds. */
export function workloadViolations(payload: WorkloadPayload, facts: WorkloadFacts = {}): Violation[] {
  const walk: Walk = { out: [], facts };
  walkObject(payload.body, "", payload.kind === "create" ? CONFIG_RULES : UPDATE_RULES, walk);
  return walk.out;
}

/**
 * THE policy: the violations of `payload` that `grants` do not cover (empty: allowed). A bind
 * of the Docker socket needs both permissions, so it shows up twice when both are missing.
 */
export function checkWorkload(payload: WorkloadPayload, grants: Grants, facts: WorkloadFacts = {}): Violation[] {
  return workloadViolations(payload, facts).filter((v) =>
    v.permission === PRIVILEGED ? !grants.privileged : !grants.dockerSocket,
  );
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

/** The names of volumes and containers a payload refers to, for the caller to look up as facts. */
export function referencesOf(payload: WorkloadPayload): { volumes: string[]; volumesFrom: string[] } {
  const host = (payload.kind === "create" ? payload.body.HostConfig : payload.body) as
    Record<string, unknown> | undefined;
  const volumes = new Set<string>();
  if (isRecord(host)) {
    if (Array.isArray(host.Mounts)) {
      for (const m of host.Mounts) {
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
  // Only names the engine could hold are looked up: anything else goes into a request path.
  const lookable = (name: string) => /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,254}$/.test(name);
  return { volumes: [...volumes].filter(lookable), volumesFrom: from.filter(lookable) };
}
