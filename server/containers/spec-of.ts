// "Duplicate and edit": an existing container's inspect mapped back to the create spec.
// What came from the image (its command, variables, labels, working dir, healthcheck) is left
// out so the copy follows the image; what the spec cannot say is listed, never silently lost.
// Values of secret-looking variables become "keep the source container's value" unless the
// caller may see them: the browser gets the name, never the value.
import type Docker from "dockerode";
import { isSecretVariable } from "../audit/redact";
import type { ContainerSpecInput } from "./spec";

type Inspect = Docker.ContainerInspectInfo;

/** The HostConfig fields read here, typed (dockerode types many of them as any). */
interface HostConfig {
  RestartPolicy?: { Name?: string; MaximumRetryCount?: number };
  PortBindings?: Record<string, { HostIp?: string; HostPort?: string }[] | null> | null;
  Mounts?: { Type?: string; Target?: string; TmpfsOptions?: { SizeBytes?: number; Mode?: number } }[] | null;
  Tmpfs?: Record<string, string> | null;
  NetworkMode?: string;
  Memory?: number;
  NanoCpus?: number;
  CpuQuota?: number;
  CpuPeriod?: number;
  CpuShares?: number;
  CpusetCpus?: string;
  CpusetMems?: string;
  PidsLimit?: number | null;
  MemoryReservation?: number;
  MemorySwap?: number;
  Privileged?: boolean;
  CapAdd?: string[] | null;
  CapDrop?: string[] | null;
  Devices?: { PathOnHost: string; PathInContainer: string; CgroupPermissions: string }[] | null;
  DeviceRequests?:
    { Driver?: string; Count?: number; DeviceIDs?: string[] | null; Capabilities?: string[][] | null }[] | null;
  PidMode?: string;
  IpcMode?: string;
  UTSMode?: string;
  UsernsMode?: string;
  SecurityOpt?: string[] | null;
  Sysctls?: Record<string, string> | null;
  Runtime?: string;
  VolumesFrom?: string[] | null;
  ExtraHosts?: string[] | null;
  Dns?: string[] | null;
  DnsSearch?: string[] | null;
  DnsOptions?: string[] | null;
  Ulimits?: unknown[] | null;
  ReadonlyRootfs?: boolean;
  Init?: boolean | null;
  AutoRemove?: boolean;
  LogConfig?: { Type?: string; Config?: Record<string, string> | null };
  ShmSize?: number;
  OomScoreAdj?: number;
  GroupAdd?: string[] | null;
  Links?: string[] | null;
  PublishAllPorts?: boolean;
}
/** The image's own Config (docker image inspect .Config), or null when the image is gone. */
export type ImageConfig = {
  Cmd?: string[] | null;
  Entrypoint?: string[] | string | null;
  Env?: string[] | null;
  Labels?: Record<string, string> | null;
  WorkingDir?: string;
  User?: string;
  Healthcheck?: unknown;
  Volumes?: Record<string, unknown> | null;
} | null;

export interface SpecOf {
  spec: ContainerSpecInput;
  /** names of variables whose value stays on the server (kept from the source at create) */
  kept: string[];
  /** what the source has that the copy will not (a person reads these) */
  dropped: string[];
}

const ORCHESTRATOR_LABEL = /^com\.docker\.(compose|stack|swarm)\./;
const NS = 1_000_000_000;

const asList = (v: string[] | string | null | undefined): string[] => (Array.isArray(v) ? v : v ? [v] : []);
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

function parseSize(text: string): number | undefined {
  const m = /^(\d+)([kmg]?)b?$/i.exec(text.trim());
  if (!m) return undefined;
  const unit = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2]!.toLowerCase() as "" | "k" | "m" | "g"];
  return Number(m[1]) * unit;
}

export function specOf(
  raw: Inspect,
  image: ImageConfig,
  options: { reveal: boolean; source: { environmentId: string; containerId: string } },
): SpecOf {
  const config = raw.Config;
  const host = raw.HostConfig as unknown as HostConfig;
  const dropped: string[] = [];
  const kept: string[] = [];
  const shortId = raw.Id.slice(0, 12);
  const spec: ContainerSpecInput & { hostAccess: NonNullable<ContainerSpecInput["hostAccess"]> } = {
    image: config.Image,
    name: `${raw.Name.replace(/^\//, "")}-copy`.slice(0, 128),
    hostAccess: {},
  };

  // Command and entrypoint: an entrypoint of its own resets the image's command, so then the
  // command is always spelled out.
  const entrypoint = asList(config.Entrypoint);
  const command = asList(config.Cmd);
  const ownEntrypoint = !same(entrypoint, asList(image?.Entrypoint));
  if (ownEntrypoint && entrypoint.length) spec.entrypoint = entrypoint;
  if ((ownEntrypoint || !same(command, asList(image?.Cmd))) && command.length) spec.command = command;

  const imageEnv = new Set(image?.Env ?? []);
  spec.env = (config.Env ?? [])
    .filter((entry) => !imageEnv.has(entry))
    .map((entry) => {
      const eq = entry.indexOf("=");
      const name = eq < 0 ? entry : entry.slice(0, eq);
      const value = eq < 0 ? "" : entry.slice(eq + 1);
      if (!options.reveal && isSecretVariable(name, value)) {
        kept.push(name);
        return { name, fromSource: true as const };
      }
      return { name, value };
    });
  if (kept.length) spec.source = options.source;

  const labels: Record<string, string> = {};
  const orchestrator: string[] = [];
  for (const [key, value] of Object.entries(config.Labels ?? {})) {
    if (image?.Labels?.[key] === value) continue;
    if (ORCHESTRATOR_LABEL.test(key)) orchestrator.push(key);
    else labels[key] = value;
  }
  if (orchestrator.length) dropped.push(`labels of the compose project, stack or service (${orchestrator.join(", ")})`);
  if (Object.keys(labels).length) spec.labels = labels;

  const restart = host.RestartPolicy;
  if (restart?.Name && restart.Name !== "no") {
    spec.restartPolicy = {
      name: restart.Name as "always" | "unless-stopped" | "on-failure",
      ...(restart.Name === "on-failure" && restart.MaximumRetryCount
        ? { maximumRetryCount: restart.MaximumRetryCount }
        : {}),
    };
  }

  const ports: NonNullable<ContainerSpecInput["ports"]> = [];
  for (const [key, bindings] of Object.entries(
    (host.PortBindings ?? {}) as Record<string, { HostIp?: string; HostPort?: string }[] | null>,
  )) {
    const [number, protocol = "tcp"] = key.split("/");
    for (const b of bindings ?? [{}]) {
      if (b.HostPort && !/^\d+$/.test(b.HostPort)) {
        dropped.push(`the port range ${b.HostPort} for ${key}`);
        continue;
      }
      ports.push({
        containerPort: Number(number),
        protocol: protocol as "tcp" | "udp" | "sctp",
        ...(b.HostPort && b.HostPort !== "0" ? { hostPort: Number(b.HostPort) } : {}),
        ...(b.HostIp ? { hostIp: b.HostIp } : {}),
      });
    }
  }
  if (ports.length) spec.ports = ports;

  // Mounts, as the engine reports them (Binds and Mounts alike).
  const imageVolumes = new Set(Object.keys(image?.Volumes ?? {}));
  const volumes: NonNullable<ContainerSpecInput["volumes"]> = [];
  const bindMounts: NonNullable<NonNullable<ContainerSpecInput["hostAccess"]>["bindMounts"]> = [];
  for (const m of raw.Mounts ?? []) {
    const mount = m as typeof m & { Type?: string };
    if (mount.Type === "volume") {
      if (mount.Name && /^[0-9a-f]{64}$/.test(mount.Name)) {
        // Anonymous: the image's VOLUME makes a fresh one; one given with -v /path is lost.
        if (!imageVolumes.has(mount.Destination))
          dropped.push(`the anonymous volume at ${mount.Destination} (the copy gets none)`);
        continue;
      }
      volumes.push({ source: mount.Name ?? "", target: mount.Destination, readOnly: !mount.RW });
    } else if (mount.Type === "bind") {
      bindMounts.push({ source: mount.Source, target: mount.Destination, readOnly: !mount.RW });
    } else if (mount.Type !== "tmpfs") {
      dropped.push(`the ${mount.Type ?? "unknown"} mount at ${mount.Destination}`);
    }
  }
  if (volumes.length) spec.volumes = volumes;
  if (bindMounts.length) spec.hostAccess.bindMounts = bindMounts;

  const tmpfs: NonNullable<ContainerSpecInput["tmpfs"]> = [];
  for (const m of (host.Mounts ?? []) as {
    Type?: string;
    Target?: string;
    TmpfsOptions?: { SizeBytes?: number; Mode?: number };
  }[]) {
    if (m.Type !== "tmpfs" || !m.Target) continue;
    tmpfs.push({
      target: m.Target,
      ...(m.TmpfsOptions?.SizeBytes ? { sizeBytes: m.TmpfsOptions.SizeBytes } : {}),
      ...(m.TmpfsOptions?.Mode ? { mode: m.TmpfsOptions.Mode } : {}),
    });
  }
  for (const [target, opts] of Object.entries(host.Tmpfs ?? {})) {
    const parts = opts.split(",");
    const size = parts.find((p) => p.startsWith("size="))?.slice(5);
    const mode = parts.find((p) => p.startsWith("mode="))?.slice(5);
    const sizeBytes = size ? parseSize(size) : undefined;
    if (size && sizeBytes === undefined) dropped.push(`the tmpfs size ${size} at ${target}`);
    tmpfs.push({ target, ...(sizeBytes ? { sizeBytes } : {}), ...(mode ? { mode: parseInt(mode, 8) } : {}) });
  }
  if (tmpfs.length) spec.tmpfs = tmpfs;

  // Networks: the mode first (as docker run --network), then the others.
  const mode = host.NetworkMode ?? "default";
  const attached = Object.entries(raw.NetworkSettings.Networks ?? {});
  if (mode === "host" || mode === "none" || mode.startsWith("container:")) {
    spec.hostAccess.networkMode = mode;
  } else {
    const ordered = attached.sort(([a], [b]) => (a === mode ? -1 : b === mode ? 1 : 0));
    const networks: NonNullable<ContainerSpecInput["networks"]> = [];
    for (const [name, endpoint] of ordered) {
      if (name === "bridge" && (mode === "default" || mode === "bridge") && ordered.length === 1) continue;
      const aliases = ((endpoint.Aliases ?? []) as string[]).filter((a) => a !== shortId && a !== raw.Id);
      const fixed = (endpoint.IPAMConfig as { IPv4Address?: string } | null | undefined)?.IPv4Address;
      if (fixed) dropped.push(`the fixed address ${fixed} on ${name} (two containers cannot share it)`);
      networks.push({ name, ...(aliases.length ? { aliases } : {}) });
    }
    if (networks.length) spec.networks = networks;
  }

  const resources: NonNullable<ContainerSpecInput["resources"]> = {};
  if (host.Memory) resources.memoryBytes = host.Memory;
  if (host.NanoCpus) resources.cpus = host.NanoCpus / NS;
  else if (host.CpuQuota && host.CpuPeriod) resources.cpus = Math.round((host.CpuQuota / host.CpuPeriod) * 100) / 100;
  if (host.PidsLimit && host.PidsLimit > 0) resources.pidsLimit = host.PidsLimit;
  if (Object.keys(resources).length) spec.resources = resources;

  if (config.User && config.User !== (image?.User ?? "")) spec.user = config.User;
  if (config.WorkingDir && config.WorkingDir !== (image?.WorkingDir ?? "")) spec.workingDir = config.WorkingDir;
  if (config.Hostname && config.Hostname !== shortId && /^[a-zA-Z0-9][a-zA-Z0-9.-]{0,62}$/.test(config.Hostname)) {
    spec.hostname = config.Hostname;
  }
  const health = (
    config as {
      Healthcheck?: { Test?: string[]; Interval?: number; Timeout?: number; Retries?: number; StartPeriod?: number };
    }
  ).Healthcheck;
  if (health?.Test?.length && !same(health, image?.Healthcheck)) {
    spec.healthcheck = {
      test: health.Test,
      ...(health.Interval ? { intervalSeconds: health.Interval / NS } : {}),
      ...(health.Timeout ? { timeoutSeconds: health.Timeout / NS } : {}),
      ...(health.Retries ? { retries: health.Retries } : {}),
      ...(health.StartPeriod ? { startPeriodSeconds: health.StartPeriod / NS } : {}),
    };
  }
  spec.start = true;

  // Host access, as it is (the create checks it again, for whoever creates the copy).
  const access = spec.hostAccess;
  if (host.Privileged) access.privileged = true;
  if (host.CapAdd?.length) access.capAdd = host.CapAdd;
  const devices = (host.Devices ?? []) as { PathOnHost: string; PathInContainer: string; CgroupPermissions: string }[];
  if (devices.length) {
    access.devices = devices.map((d) => ({
      pathOnHost: d.PathOnHost,
      pathInContainer: d.PathInContainer,
      cgroupPermissions: d.CgroupPermissions || "rwm",
    }));
  }
  const requests = (host.DeviceRequests ?? []) as {
    Driver?: string;
    Count?: number;
    DeviceIDs?: string[] | null;
    Capabilities?: string[][] | null;
  }[];
  if (requests.length) {
    access.deviceRequests = requests.map((r) => ({
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
  const sysctls = host.Sysctls as Record<string, string> | undefined;
  if (sysctls && Object.keys(sysctls).length) access.sysctls = sysctls;
  if (host.Runtime && host.Runtime !== "runc") access.runtime = host.Runtime;
  if (host.VolumesFrom?.length) access.volumesFrom = host.VolumesFrom;
  if (!Object.keys(access).length) delete (spec as ContainerSpecInput).hostAccess;

  // What the spec does not model, when it differs from the engine's defaults.
  const notCarried: [string, boolean][] = [
    ["extra hosts", Boolean(host.ExtraHosts?.length)],
    ["DNS servers and options", Boolean(host.Dns?.length || host.DnsSearch?.length || host.DnsOptions?.length)],
    ["ulimits", Boolean(host.Ulimits?.length)],
    ["dropped capabilities", Boolean(host.CapDrop?.length)],
    ["read-only root filesystem", Boolean(host.ReadonlyRootfs)],
    ["init process", Boolean(host.Init)],
    ["auto-remove", Boolean(host.AutoRemove)],
    [
      "log driver settings",
      Boolean(
        host.LogConfig && (host.LogConfig.Type !== "json-file" || Object.keys(host.LogConfig.Config ?? {}).length),
      ),
    ],
    ["shared memory size", Boolean(host.ShmSize && host.ShmSize !== 64 * 1024 * 1024)],
    ["OOM score", Boolean(host.OomScoreAdj)],
    [
      "CPU shares, sets or realtime settings",
      Boolean(
        host.CpuShares || host.CpusetCpus || host.CpusetMems || (host.CpuQuota && !host.NanoCpus && !host.CpuPeriod),
      ),
    ],
    [
      "memory reservation and swap",
      Boolean(
        host.MemoryReservation ||
        (host.MemorySwap && host.MemorySwap !== -1 && host.MemorySwap !== 2 * (host.Memory ?? 0)),
      ),
    ],
    ["extra groups", Boolean(host.GroupAdd?.length)],
    ["links", Boolean(host.Links?.length)],
    ["publish all ports", Boolean(host.PublishAllPorts)],
    ["a terminal (tty) and open stdin", Boolean(config.Tty || config.OpenStdin)],
    [
      "stop signal and timeout",
      Boolean((config as { StopSignal?: string }).StopSignal || (config as { StopTimeout?: number }).StopTimeout),
    ],
  ];
  for (const [what, differs] of notCarried) if (differs) dropped.push(what);

  return { spec, kept, dropped };
}
