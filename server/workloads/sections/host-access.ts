// Host access: what lets a workload out of its container (privileged mode, capabilities,
// devices, the host's or another container's namespaces, security-option relaxations,
// kernel parameters, another runtime, another container's mounts). Each is judged by the
// workload policy on the payload it becomes. A swarm service can ask for capabilities and
// kernel parameters only.
import { z } from "zod";
import { mapChangeWords } from "../cli";
import { defined, rec, strings } from "../engine-read";
import { absolutePath } from "../fields";
import { defineSection, type SpecSlice, type SpecSliceInput } from "../section";

export const deviceSpec = z
  .object({
    pathOnHost: absolutePath,
    pathInContainer: absolutePath.optional(),
    cgroupPermissions: z
      .string()
      .regex(/^[rwm]{1,3}$/, "Some of r, w and m.")
      .default("rwm"),
  })
  .strict();

export const deviceRequestSpec = z
  .object({
    driver: z.string().max(128).default(""),
    /** -1: all */
    count: z.number().int().min(-1).max(1024).default(-1),
    deviceIds: z.array(z.string().max(256)).max(64).default([]),
    capabilities: z
      .array(z.array(z.string().max(64)).max(16))
      .max(16)
      .default([["gpu"]]),
  })
  .strict();

const mode = z.string().trim().max(256);
const capabilities = z.array(z.string().trim().min(1).max(64)).max(64);
const sysctls = z.record(z.string().max(256), z.string().max(4096));

export const hostAccessFieldsShape = {
  privileged: z.boolean().optional(),
  capAdd: capabilities.optional(),
  devices: z.array(deviceSpec).max(64).optional(),
  deviceRequests: z.array(deviceRequestSpec).max(16).optional(),
  pidMode: mode.optional(),
  ipcMode: mode.optional(),
  utsMode: mode.optional(),
  usernsMode: mode.optional(),
  cgroupnsMode: mode.optional(),
  securityOpt: z.array(z.string().trim().min(1).max(4096)).max(32).optional(),
  sysctls: sysctls.optional(),
  runtime: z.string().trim().max(128).optional(),
  volumesFrom: z.array(z.string().trim().min(1).max(256)).max(16).optional(),
};
export const serviceHostAccessFieldsShape = {
  capAdd: z
    .array(
      z
        .string()
        .trim()
        .regex(/^(CAP_)?[A-Z_]{2,32}$|^ALL$/, "A capability like NET_ADMIN."),
    )
    .max(64)
    .optional(),
  sysctls: z
    .record(
      z
        .string()
        .trim()
        .regex(/^[a-z0-9_.]+$/, "A kernel parameter like net.ipv4.ip_forward."),
      z.string().max(256),
    )
    .optional(),
};

type Access = SpecSlice<typeof hostAccessFieldsShape>;
type Container = { hostAccess?: Access };
type Service = { hostAccess?: SpecSlice<typeof serviceHostAccessFieldsShape> };
type ContainerInput = { hostAccess?: SpecSliceInput<typeof hostAccessFieldsShape> };
type ServiceInput = { hostAccess?: SpecSliceInput<typeof serviceHostAccessFieldsShape> };

const MODES = [
  ["pidMode", "PidMode", "--pid"],
  ["ipcMode", "IpcMode", "--ipc"],
  ["utsMode", "UTSMode", "--uts"],
  ["usernsMode", "UsernsMode", "--userns"],
  ["cgroupnsMode", "CgroupnsMode", "--cgroupns"],
] as const;

export const hostAccessSection = defineSection<Container, Service, ContainerInput, ServiceInput>({
  name: "host access",
  modelled: {
    HostConfig: [
      "Privileged",
      "CapAdd",
      "Devices",
      "DeviceRequests",
      "PidMode",
      "IpcMode",
      "UTSMode",
      "UsernsMode",
      "CgroupnsMode",
      "SecurityOpt",
      "Sysctls",
      "Runtime",
      "VolumesFrom",
    ],
  },
  fields: {
    "HostConfig.Privileged": "hostAccess.privileged",
    "HostConfig.CapAdd": "hostAccess.capAdd",
    "HostConfig.DeviceRequests": "hostAccess.deviceRequests",
    "HostConfig.PidMode": "hostAccess.pidMode",
    "HostConfig.IpcMode": "hostAccess.ipcMode",
    "HostConfig.UTSMode": "hostAccess.utsMode",
    "HostConfig.UsernsMode": "hostAccess.usernsMode",
    "HostConfig.CgroupnsMode": "hostAccess.cgroupnsMode",
    "HostConfig.SecurityOpt": "hostAccess.securityOpt",
    "HostConfig.Sysctls": "hostAccess.sysctls",
    "HostConfig.Runtime": "hostAccess.runtime",
    "HostConfig.VolumesFrom": "hostAccess.volumesFrom",
  },
  serviceFields: {
    "TaskTemplate.ContainerSpec.CapabilityAdd": "hostAccess.capAdd",
    "TaskTemplate.ContainerSpec.Sysctls": "hostAccess.sysctls",
  },

  toContainer(spec, draft) {
    const access = spec.hostAccess ?? {};
    const host = draft.host;
    if (access.privileged !== undefined) host.Privileged = access.privileged;
    if (access.capAdd?.length) host.CapAdd = access.capAdd;
    if (access.devices?.length) {
      host.Devices = access.devices.map((d) => ({
        PathOnHost: d.pathOnHost,
        PathInContainer: d.pathInContainer ?? d.pathOnHost,
        CgroupPermissions: d.cgroupPermissions,
      }));
      access.devices.forEach((_, i) => (draft.origins[`HostConfig.Devices[${i}]`] = `hostAccess.devices.${i}`));
    }
    if (access.deviceRequests?.length) {
      host.DeviceRequests = access.deviceRequests.map((d) => ({
        Driver: d.driver,
        Count: d.count,
        DeviceIDs: d.deviceIds,
        Capabilities: d.capabilities,
        Options: {},
      }));
    }
    for (const [key, engineKey] of MODES) if (access[key]) host[engineKey] = access[key];
    if (access.securityOpt?.length) host.SecurityOpt = access.securityOpt;
    if (access.sysctls && Object.keys(access.sysctls).length) host.Sysctls = access.sysctls;
    if (access.runtime) host.Runtime = access.runtime;
    if (access.volumesFrom?.length) host.VolumesFrom = access.volumesFrom;
  },
  fromContainer({ host }) {
    const access: NonNullable<ContainerInput["hostAccess"]> = {};
    if (host.Privileged) access.privileged = true;
    if (host.CapAdd?.length) access.capAdd = host.CapAdd;
    if (host.Devices?.length) {
      access.devices = host.Devices.map((d) => ({
        pathOnHost: d.PathOnHost,
        pathInContainer: d.PathInContainer,
        cgroupPermissions: d.CgroupPermissions || "rwm",
      }));
    }
    if (host.DeviceRequests?.length) {
      access.deviceRequests = host.DeviceRequests.map((r) => ({
        driver: r.Driver ?? "",
        count: r.Count ?? -1,
        deviceIds: r.DeviceIDs ?? [],
        capabilities: r.Capabilities ?? [],
      }));
    }
    if (host.PidMode) access.pidMode = host.PidMode;
    if (host.IpcMode && !["private", "shareable", ""].includes(host.IpcMode)) access.ipcMode = host.IpcMode;
    if (host.UTSMode) access.utsMode = host.UTSMode;
    if (host.UsernsMode) access.usernsMode = host.UsernsMode;
    // CgroupnsMode is left to the engine's default (host on cgroup v1, private on v2): inspect
    // shows the default as if it had been asked for.
    if (host.SecurityOpt?.length) access.securityOpt = host.SecurityOpt;
    if (host.Sysctls && Object.keys(host.Sysctls).length) access.sysctls = host.Sysctls;
    if (host.Runtime && host.Runtime !== "runc") access.runtime = host.Runtime;
    if (host.VolumesFrom?.length) access.volumesFrom = host.VolumesFrom;
    return Object.keys(access).length ? { hostAccess: access } : {};
  },
  notCarried({ host }) {
    return host.CapDrop?.length ? ["dropped capabilities"] : [];
  },
  runWords(spec, cli) {
    const access = spec.hostAccess ?? {};
    if (access.privileged) cli.flag("--privileged");
    for (const c of access.capAdd ?? []) cli.flag("--cap-add", c);
    for (const d of access.devices ?? []) {
      cli.flag(
        "--device",
        `${d.pathOnHost}:${d.pathInContainer ?? d.pathOnHost}${d.cgroupPermissions === "rwm" ? "" : `:${d.cgroupPermissions}`}`,
      );
    }
    for (const d of access.deviceRequests ?? []) {
      cli.flag(
        "--gpus",
        d.deviceIds.length ? `"device=${d.deviceIds.join(",")}"` : d.count === -1 ? "all" : String(d.count),
      );
    }
    for (const [key, , flag] of MODES) if (access[key]) cli.flag(flag, access[key]);
    for (const s of access.securityOpt ?? []) cli.flag("--security-opt", s);
    for (const [k, v] of Object.entries(access.sysctls ?? {})) cli.flag("--sysctl", `${k}=${v}`);
    if (access.runtime) cli.flag("--runtime", access.runtime);
    for (const v of access.volumesFrom ?? []) cli.flag("--volumes-from", v);
  },

  toService(spec, draft) {
    const access = spec.hostAccess ?? {};
    if (access.capAdd?.length) draft.container.CapabilityAdd = access.capAdd;
    if (access.sysctls && Object.keys(access.sysctls).length) draft.container.Sysctls = access.sysctls;
  },
  fromService(payload) {
    const c = rec(rec(payload.TaskTemplate).ContainerSpec);
    const access = defined({
      capAdd: strings(c.CapabilityAdd).length ? strings(c.CapabilityAdd) : undefined,
      sysctls: Object.keys(rec(c.Sysctls)).length ? (rec(c.Sysctls) as Record<string, string>) : undefined,
    });
    return Object.keys(access).length ? { hostAccess: access } : {};
  },
  serviceWords(spec, words) {
    const access = spec.hostAccess ?? {};
    for (const c of access.capAdd ?? []) words.flag("--cap-add", c);
    for (const [k, v] of Object.entries(access.sysctls ?? {})) words.flag("--sysctl", `${k}=${v}`);
  },
  serviceUpdateWords(before, after, words, current) {
    const dropped = strings(rec(rec(current?.TaskTemplate).ContainerSpec).CapabilityDrop);
    words.push(...capabilityUpdateWords(before.hostAccess?.capAdd ?? [], after.hostAccess?.capAdd ?? [], dropped));
    words.push(...mapChangeWords(before.hostAccess?.sysctls ?? {}, after.hostAccess?.sysctls ?? {}, "sysctl"));
  },
});

/** A capability as the CLI compares them (opts.NormalizeCapability): upper case, with CAP_. */
const normalCapability = (cap: string) => {
  const upper = cap.trim().toUpperCase();
  return upper === "ALL" || upper === "RESET" || upper.startsWith("CAP_") ? upper : `CAP_${upper}`;
};

/**
 * The `docker service update` flags that turn the added capabilities `before` into `after`,
 * with the service's dropped ones (`dropped`, which the form keeps as they are) in view. The
 * CLI (cli/command/service/update.go, updateCapabilities) treats both flags as a tri-state:
 * `--cap-drop X` of an added X only takes it off the added list (right for a removal), and
 * `--cap-add X` of a dropped X only takes it off the dropped list, without adding it. So a
 * capability added while the service drops it needs the dropped list reset first
 * (`--cap-drop RESET`), then the others dropped again. Compared as the CLI compares them, so a
 * change of spelling alone (NET_ADMIN, CAP_NET_ADMIN) asks for nothing.
 */
export function capabilityUpdateWords(
  before: readonly string[],
  after: readonly string[],
  dropped: readonly string[] = [],
): string[] {
  const had = new Set(before.map(normalCapability));
  const has = new Set(after.map(normalCapability));
  const drops = new Set(dropped.map(normalCapability));
  const added = after.filter(
    (cap, i) =>
      !had.has(normalCapability(cap)) && after.findIndex((c) => normalCapability(c) === normalCapability(cap)) === i,
  );
  const removed = before.filter((cap) => !has.has(normalCapability(cap)));
  const words: string[] = [];
  if (added.some((cap) => drops.has(normalCapability(cap)))) {
    words.push("--cap-drop", "RESET");
    // dropped again, but not one that is also added (added wins in the engine either way)
    for (const cap of dropped) if (!has.has(normalCapability(cap))) words.push("--cap-drop", cap);
  }
  for (const cap of added) words.push("--cap-add", cap);
  for (const cap of removed) words.push("--cap-drop", cap);
  return words;
}
