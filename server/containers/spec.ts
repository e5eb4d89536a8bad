// What a person asks for when they create or change a container, as a closed schema (every
// object strict: an unknown key is an error, never ignored), and its translation into the
// Docker Engine payload that the workload policy (policy.ts) then judges key by key.
//
// Pure: no Node, no engine. The create form imports it too, to check fields as they are typed
// and to show the `docker run` line live.
import { z } from "zod";
import { canonicalEngineKeys } from "./policy";
import { ENGINE_REF } from "../routers/schemas";

// ---- pieces ----------------------------------------------------------------------------------

const absolutePath = z
  .string()
  .trim()
  .min(1, "A path is required.")
  .max(4096)
  .regex(/^\//, "Use an absolute path (starting with /).");

export const CONTAINER_NAME = ENGINE_REF;
export const VOLUME_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,254}$/;
const NETWORK_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,254}$/;

const containerName = z
  .string()
  .trim()
  .regex(CONTAINER_NAME, "Use letters, digits, _ . and -, starting with a letter or digit.");
const volumeName = z
  .string()
  .trim()
  .regex(VOLUME_NAME, "A volume name: letters, digits, _ . and - (a host path is a bind mount, under host access).");
const networkName = z.string().trim().regex(NETWORK_NAME, "A network name: letters, digits, _ . and -.");
const argv = z.array(z.string().max(16_384)).max(256);
const envName = z
  .string()
  .trim()
  .min(1, "A variable needs a name.")
  .max(256)
  .regex(/^[^=\s]+$/, "A variable name has no spaces and no '='.");
const labelKey = z.string().trim().min(1, "A label needs a key.").max(256);
const port = z.number().int().min(1, "Ports run from 1 to 65535.").max(65535, "Ports run from 1 to 65535.");
const ip = z
  .string()
  .trim()
  .max(64)
  .regex(/^[0-9a-fA-F.:]+$/, "An IP address, like 127.0.0.1 or ::1.");
const seconds = z
  .number()
  .min(0)
  .max(86_400 * 7);

/** One environment variable: a value, or "keep the value the source container has" (duplicate and edit). */
export const envEntry = z
  .object({
    name: envName,
    value: z.string().max(65_536).optional(),
    /** Take the value from `spec.source` at create time; the browser never sees it. */
    fromSource: z.literal(true).optional(),
  })
  .strict()
  .refine((e) => (e.value === undefined) !== (e.fromSource === undefined), {
    message: "Give a value, or keep the source container's value.",
    path: ["value"],
  });

export const portSpec = z
  .object({
    containerPort: port,
    protocol: z.enum(["tcp", "udp", "sctp"]).default("tcp"),
    /** absent: the engine picks a free port */
    hostPort: port.optional(),
    hostIp: ip.optional(),
  })
  .strict();

export const volumeSpec = z
  .object({
    /** a named volume (created when missing) */
    source: volumeName,
    target: absolutePath,
    readOnly: z.boolean().default(false),
    /** Host access: a volume driver other than local, or driver options (o=bind, device=…). */
    driver: z.string().trim().min(1).max(128).optional(),
    driverOptions: z.record(z.string().max(256), z.string().max(4096)).optional(),
  })
  .strict();

export const tmpfsSpec = z
  .object({
    target: absolutePath,
    /** absent: unbounded (half the host's memory), which needs host access */
    sizeBytes: z
      .number()
      .int()
      .min(1)
      .max(2 ** 50)
      .optional(),
    mode: z.number().int().min(0).max(0o7777).optional(),
  })
  .strict();

export const networkSpec = z
  .object({
    name: networkName,
    aliases: z.array(networkName).max(32).default([]),
    ipv4Address: ip.optional(),
  })
  .strict();

export const restartPolicySpec = z
  .object({
    name: z.enum(["no", "always", "unless-stopped", "on-failure"]),
    /** on-failure only */
    maximumRetryCount: z.number().int().min(0).max(1000).optional(),
  })
  .strict();

export const MIN_MEMORY_BYTES = 6 * 1024 * 1024;

export const resourcesSpec = z
  .object({
    memoryBytes: z
      .number()
      .int()
      .min(MIN_MEMORY_BYTES, "Docker needs at least 6 MB.")
      .max(2 ** 50)
      .optional(),
    cpus: z.number().min(0.01, "At least 0.01 CPUs.").max(1024).optional(),
    pidsLimit: z.number().int().min(1, "At least 1 process.").max(4_194_304).optional(),
  })
  .strict();

export const healthcheckSpec = z
  .object({
    /** ["CMD", "curl", "-f", "http://localhost"], ["CMD-SHELL", "curl -f localhost || exit 1"] or ["NONE"] */
    test: z
      .array(z.string().max(16_384))
      .min(1)
      .max(256)
      .refine((t) => ["CMD", "CMD-SHELL", "NONE"].includes(t[0] ?? ""), {
        message: 'Start with "CMD", "CMD-SHELL" or "NONE".',
      })
      .refine((t) => t[0] === "NONE" || t.length > 1, { message: "Give the command to run." }),
    intervalSeconds: seconds.optional(),
    timeoutSeconds: seconds.optional(),
    retries: z.number().int().min(0).max(1000).optional(),
    startPeriodSeconds: seconds.optional(),
  })
  .strict();

/** `--mount type=bind` */
export const bindMountSpec = z
  .object({
    source: absolutePath,
    target: absolutePath,
    readOnly: z.boolean().default(false),
  })
  .strict();

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

/**
 * Everything that escapes the container. Each of these is judged by the workload policy on
 * the payload it becomes (most need container.create.privileged; a Docker socket needs
 * container.create.docker-socket as well).
 */
export const hostAccessSpec = z
  .object({
    privileged: z.boolean().optional(),
    capAdd: z.array(z.string().trim().min(1).max(64)).max(64).optional(),
    devices: z.array(deviceSpec).max(64).optional(),
    deviceRequests: z.array(deviceRequestSpec).max(16).optional(),
    /** host, container:<id>, or a plain value (none, private, …) that needs nothing */
    networkMode: mode.optional(),
    pidMode: mode.optional(),
    ipcMode: mode.optional(),
    utsMode: mode.optional(),
    usernsMode: mode.optional(),
    cgroupnsMode: mode.optional(),
    securityOpt: z.array(z.string().trim().min(1).max(4096)).max(32).optional(),
    sysctls: z.record(z.string().max(256), z.string().max(4096)).optional(),
    runtime: z.string().trim().max(128).optional(),
    /** `-v /host/path:/in/container[:ro]`, as HostConfig.Binds */
    binds: z.array(z.string().trim().min(1).max(8192)).max(64).optional(),
    /** `--mount type=bind,…`, as HostConfig.Mounts */
    bindMounts: z.array(bindMountSpec).max(64).optional(),
    volumesFrom: z.array(z.string().trim().min(1).max(256)).max(16).optional(),
    /**
     * Engine API fields the form does not model, as the Engine API names them. Every key is
     * judged by the workload policy like the rest: one that is not on its list of plain fields
     * needs container.create.privileged.
     */
    raw: z
      .object({
        Config: z.record(z.string().max(128), z.unknown()).optional(),
        HostConfig: z.record(z.string().max(128), z.unknown()).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

// ---- the spec --------------------------------------------------------------------------------

export const containerSpec = z
  .object({
    image: z
      .string()
      .trim()
      .min(1, "Choose an image.")
      .max(512)
      .regex(/^[^\s]+$/, "An image reference has no spaces."),
    name: containerName.optional(),
    command: argv.optional(),
    entrypoint: argv.optional(),
    env: z.array(envEntry).max(1000).default([]),
    labels: z.record(labelKey, z.string().max(8192)).default({}),
    restartPolicy: restartPolicySpec.default({ name: "no" }),
    ports: z.array(portSpec).max(256).default([]),
    volumes: z.array(volumeSpec).max(64).default([]),
    tmpfs: z.array(tmpfsSpec).max(32).default([]),
    networks: z.array(networkSpec).max(16).default([]),
    resources: resourcesSpec.default({}),
    user: z.string().trim().max(256).optional(),
    workingDir: absolutePath.optional(),
    hostname: z
      .string()
      .trim()
      .regex(/^[a-zA-Z0-9][a-zA-Z0-9.-]{0,62}$/, "A host name: letters, digits, . and -.")
      .optional(),
    healthcheck: healthcheckSpec.optional(),
    /** start it once created (docker run), or only create it (docker create) */
    start: z.boolean().default(true),
    /** The container this one was duplicated from: where `fromSource` values are read. */
    source: z
      .object({
        environmentId: z.string().min(1).max(64),
        containerId: z.string().regex(ENGINE_REF, "Not a container id or name."),
      })
      .strict()
      .optional(),
    hostAccess: hostAccessSpec.optional(),
  })
  .strict()
  .superRefine((spec, ctx) => {
    if (spec.env.some((e) => e.fromSource) && !spec.source) {
      ctx.addIssue({
        code: "custom",
        path: ["source"],
        message: "Values kept from a source container need the source.",
      });
    }
    const names = new Set<string>();
    spec.env.forEach((e, i) => {
      if (names.has(e.name))
        ctx.addIssue({ code: "custom", path: ["env", i, "name"], message: `${e.name} is set twice.` });
      names.add(e.name);
    });
    const targets = new Map<string, string>();
    const claim = (target: string, path: (string | number)[]) => {
      const clean = target.replace(/\/+$/, "") || "/";
      if (targets.has(clean)) ctx.addIssue({ code: "custom", path, message: `${clean} is mounted twice.` });
      targets.set(clean, path.join("."));
    };
    spec.volumes.forEach((v, i) => claim(v.target, ["volumes", i, "target"]));
    spec.tmpfs.forEach((t, i) => claim(t.target, ["tmpfs", i, "target"]));
    spec.hostAccess?.bindMounts?.forEach((b, i) => claim(b.target, ["hostAccess", "bindMounts", i, "target"]));
    const published = new Set<string>();
    spec.ports.forEach((p, i) => {
      if (p.hostPort === undefined) return;
      const key = `${p.hostIp ?? ""}:${p.hostPort}/${p.protocol}`;
      if (published.has(key)) {
        ctx.addIssue({
          code: "custom",
          path: ["ports", i, "hostPort"],
          message: `Host port ${p.hostPort} is used twice.`,
        });
      }
      published.add(key);
    });
    const networkNames = new Set<string>();
    spec.networks.forEach((n, i) => {
      if (networkNames.has(n.name)) {
        ctx.addIssue({ code: "custom", path: ["networks", i, "name"], message: `${n.name} is listed twice.` });
      }
      networkNames.add(n.name);
    });
    if (spec.networks.length && spec.hostAccess?.networkMode) {
      ctx.addIssue({
        code: "custom",
        path: ["hostAccess", "networkMode"],
        message: "A network mode and named networks do not go together.",
      });
    }
    if (spec.restartPolicy.maximumRetryCount && spec.restartPolicy.name !== "on-failure") {
      ctx.addIssue({
        code: "custom",
        path: ["restartPolicy", "maximumRetryCount"],
        message: "Only on-failure retries a limited number of times.",
      });
    }
  });

export type ContainerSpec = z.infer<typeof containerSpec>;
export type ContainerSpecInput = z.input<typeof containerSpec>;
export type EnvEntry = z.infer<typeof envEntry>;

/** What `docker container update` can change here: restart policy and resources. */
export const updateFields = z
  .object({
    restartPolicy: restartPolicySpec.optional(),
    memoryBytes: resourcesSpec.shape.memoryBytes,
    /** memory + swap; -1: unlimited swap. Absent with memoryBytes: twice the memory, as at create. */
    memorySwapBytes: z
      .number()
      .int()
      .min(-1)
      .max(2 ** 50)
      .optional(),
    cpus: resourcesSpec.shape.cpus,
    /** 0: no limit */
    pidsLimit: z.number().int().min(0).max(4_194_304).optional(),
  })
  .strict();

type UpdateFields = z.infer<typeof updateFields>;

/** An update must change something, and swap cannot be below memory. */
export function checkUpdate(u: UpdateFields, ctx: z.RefinementCtx): void {
  const { restartPolicy, memoryBytes, memorySwapBytes, cpus, pidsLimit } = u;
  if ([restartPolicy, memoryBytes, memorySwapBytes, cpus, pidsLimit].every((v) => v === undefined)) {
    ctx.addIssue({ code: "custom", message: "Change at least one thing." });
  }
  if (
    memorySwapBytes !== undefined &&
    memorySwapBytes !== -1 &&
    memoryBytes !== undefined &&
    memorySwapBytes < memoryBytes
  ) {
    ctx.addIssue({
      code: "custom",
      path: ["memorySwapBytes"],
      message: "Memory plus swap cannot be less than the memory.",
    });
  }
  if (restartPolicy?.maximumRetryCount && restartPolicy.name !== "on-failure") {
    ctx.addIssue({
      code: "custom",
      path: ["restartPolicy", "maximumRetryCount"],
      message: "Only on-failure retries a limited number of times.",
    });
  }
}

export const updateSpec = updateFields.superRefine(checkUpdate);

export type UpdateSpec = z.infer<typeof updateSpec>;

// ---- the Engine payload ----------------------------------------------------------------------

/** POST /containers/create: the Config fields, HostConfig and NetworkingConfig. */
export type CreateBody = Record<string, unknown> & {
  HostConfig?: Record<string, unknown>;
  NetworkingConfig?: { EndpointsConfig?: Record<string, Record<string, unknown>> };
};

export interface CreatePayload {
  /** the ?name= query parameter */
  name?: string;
  body: CreateBody;
  /**
   * Which spec field each engine array entry came from ("HostConfig.Mounts[2]" → "volumes.1"),
   * so that a refusal can point at the form's field.
   */
  origins: Record<string, string>;
}

/** Engine keys the spec sets itself; `hostAccess.raw` may not set them too. */
export const MODELLED_CONFIG_KEYS = [
  "Image",
  "Cmd",
  "Entrypoint",
  "Env",
  "Labels",
  "User",
  "WorkingDir",
  "Hostname",
  "Healthcheck",
  "ExposedPorts",
] as const;
export const MODELLED_HOST_CONFIG_KEYS = [
  "RestartPolicy",
  "PortBindings",
  "Mounts",
  "Binds",
  "Memory",
  "NanoCpus",
  "PidsLimit",
  "NetworkMode",
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
] as const;

const NS = 1_000_000_000;

/** `KEY=VALUE` for every variable; kept values come from `kept` (or a placeholder for a preview). */
export function envList(env: EnvEntry[], kept: (name: string) => string): string[] {
  return env.map((e) => `${e.name}=${e.fromSource ? kept(e.name) : (e.value ?? "")}`);
}

/**
 * The create payload for a spec. `kept` gives the values of variables kept from the source
 * container (the server reads them at create time; a preview passes a placeholder).
 */
export function toCreatePayload(spec: ContainerSpec, kept: (name: string) => string = () => ""): CreatePayload {
  const origins: Record<string, string> = {};
  const body: CreateBody = { Image: spec.image };
  const host: Record<string, unknown> = {};
  const access = spec.hostAccess ?? {};

  if (spec.command?.length) body.Cmd = spec.command;
  if (spec.entrypoint?.length) body.Entrypoint = spec.entrypoint;
  if (spec.env.length) body.Env = envList(spec.env, kept);
  if (Object.keys(spec.labels).length) body.Labels = spec.labels;
  if (spec.user) body.User = spec.user;
  if (spec.workingDir) body.WorkingDir = spec.workingDir;
  if (spec.hostname) body.Hostname = spec.hostname;
  if (spec.healthcheck) {
    const h = spec.healthcheck;
    body.Healthcheck = {
      Test: h.test,
      ...(h.intervalSeconds !== undefined ? { Interval: Math.round(h.intervalSeconds * NS) } : {}),
      ...(h.timeoutSeconds !== undefined ? { Timeout: Math.round(h.timeoutSeconds * NS) } : {}),
      ...(h.retries !== undefined ? { Retries: h.retries } : {}),
      ...(h.startPeriodSeconds !== undefined ? { StartPeriod: Math.round(h.startPeriodSeconds * NS) } : {}),
    };
  }

  host.RestartPolicy = {
    Name: spec.restartPolicy.name,
    ...(spec.restartPolicy.name === "on-failure"
      ? { MaximumRetryCount: spec.restartPolicy.maximumRetryCount ?? 0 }
      : {}),
  };

  if (spec.ports.length) {
    const exposed: Record<string, Record<string, never>> = {};
    const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
    for (const p of spec.ports) {
      const key = `${p.containerPort}/${p.protocol}`;
      exposed[key] = {};
      (bindings[key] ??= []).push({ HostIp: p.hostIp ?? "", HostPort: p.hostPort ? String(p.hostPort) : "" });
    }
    body.ExposedPorts = exposed;
    host.PortBindings = bindings;
  }

  const mounts: Record<string, unknown>[] = [];
  spec.volumes.forEach((v, i) => {
    origins[`HostConfig.Mounts[${mounts.length}]`] = `volumes.${i}`;
    const driverConfig =
      v.driver !== undefined || v.driverOptions !== undefined
        ? { DriverConfig: { Name: v.driver ?? "local", Options: v.driverOptions ?? {} } }
        : {};
    mounts.push({
      Type: "volume",
      Source: v.source,
      Target: v.target,
      ReadOnly: v.readOnly,
      ...(Object.keys(driverConfig).length ? { VolumeOptions: driverConfig } : {}),
    });
  });
  spec.tmpfs.forEach((t, i) => {
    origins[`HostConfig.Mounts[${mounts.length}]`] = `tmpfs.${i}`;
    const options = {
      ...(t.sizeBytes !== undefined ? { SizeBytes: t.sizeBytes } : {}),
      ...(t.mode !== undefined ? { Mode: t.mode } : {}),
    };
    mounts.push({ Type: "tmpfs", Target: t.target, ...(Object.keys(options).length ? { TmpfsOptions: options } : {}) });
  });
  (access.bindMounts ?? []).forEach((b, i) => {
    origins[`HostConfig.Mounts[${mounts.length}]`] = `hostAccess.bindMounts.${i}`;
    mounts.push({ Type: "bind", Source: b.source, Target: b.target, ReadOnly: b.readOnly });
  });
  if (mounts.length) host.Mounts = mounts;
  if (access.binds?.length) {
    host.Binds = access.binds;
    access.binds.forEach((_, i) => (origins[`HostConfig.Binds[${i}]`] = `hostAccess.binds.${i}`));
  }

  const r = spec.resources;
  if (r.memoryBytes !== undefined) host.Memory = r.memoryBytes;
  if (r.cpus !== undefined) host.NanoCpus = Math.round(r.cpus * NS);
  if (r.pidsLimit !== undefined) host.PidsLimit = r.pidsLimit;

  if (access.privileged !== undefined) host.Privileged = access.privileged;
  if (access.capAdd?.length) host.CapAdd = access.capAdd;
  if (access.devices?.length) {
    host.Devices = access.devices.map((d) => ({
      PathOnHost: d.pathOnHost,
      PathInContainer: d.pathInContainer ?? d.pathOnHost,
      CgroupPermissions: d.cgroupPermissions,
    }));
    access.devices.forEach((_, i) => (origins[`HostConfig.Devices[${i}]`] = `hostAccess.devices.${i}`));
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
  const modes = [
    ["pidMode", "PidMode"],
    ["ipcMode", "IpcMode"],
    ["utsMode", "UTSMode"],
    ["usernsMode", "UsernsMode"],
    ["cgroupnsMode", "CgroupnsMode"],
  ] as const;
  for (const [key, engineKey] of modes) if (access[key]) host[engineKey] = access[key];
  if (access.securityOpt?.length) host.SecurityOpt = access.securityOpt;
  if (access.sysctls && Object.keys(access.sysctls).length) host.Sysctls = access.sysctls;
  if (access.runtime) host.Runtime = access.runtime;
  if (access.volumesFrom?.length) host.VolumesFrom = access.volumesFrom;

  if (access.networkMode) host.NetworkMode = access.networkMode;
  else if (spec.networks.length) {
    // The first network is the container's mode (as `docker run --network` does); the engine
    // layer connects the others before the container starts.
    host.NetworkMode = spec.networks[0]!.name;
    const endpoints: Record<string, Record<string, unknown>> = {};
    spec.networks.forEach((n, i) => {
      origins[`NetworkingConfig.EndpointsConfig.${n.name}`] = `networks.${i}`;
      endpoints[n.name] = {
        ...(n.aliases.length ? { Aliases: n.aliases } : {}),
        ...(n.ipv4Address ? { IPAMConfig: { IPv4Address: n.ipv4Address } } : {}),
      };
    });
    body.NetworkingConfig = { EndpointsConfig: endpoints };
  }

  // Raw fields last, but never over a field the spec models (that would be two answers to one question).
  const raw = canonicalRaw(spec);
  for (const [key, value] of Object.entries(raw.Config)) {
    if (
      key === "HostConfig" ||
      key === "NetworkingConfig" ||
      (MODELLED_CONFIG_KEYS as readonly string[]).includes(key)
    ) {
      continue;
    }
    body[key] = value;
    origins[key] = `hostAccess.raw.Config.${key}`;
  }
  for (const [key, value] of Object.entries(raw.HostConfig)) {
    if ((MODELLED_HOST_CONFIG_KEYS as readonly string[]).includes(key)) continue;
    host[key] = value;
    origins[`HostConfig.${key}`] = `hostAccess.raw.HostConfig.${key}`;
  }

  body.HostConfig = host;
  return { ...(spec.name ? { name: spec.name } : {}), body, origins };
}

/** Raw keys that collide with modelled ones: refused by the procedure with the field to use instead. */
export function rawCollisions(spec: ContainerSpec): string[] {
  if (!spec.hostAccess?.raw) return [];
  const raw = canonicalRaw(spec);
  return [
    ...Object.keys(raw.Config)
      .filter(
        (k) =>
          k === "HostConfig" || k === "NetworkingConfig" || (MODELLED_CONFIG_KEYS as readonly string[]).includes(k),
      )
      .map((k) => `hostAccess.raw.Config.${k}`),
    ...Object.keys(raw.HostConfig)
      .filter((k) => (MODELLED_HOST_CONFIG_KEYS as readonly string[]).includes(k))
      .map((k) => `hostAccess.raw.HostConfig.${k}`),
  ];
}

/**
 * The raw Engine fields with their names in canonical spelling: the engine reads `binds` as
 * `Binds`, so the policy must judge (and the collision check see) it as `Binds` too.
 */
function canonicalRaw(spec: ContainerSpec): { Config: Record<string, unknown>; HostConfig: Record<string, unknown> } {
  const raw = spec.hostAccess?.raw;
  return {
    Config: (canonicalEngineKeys(raw?.Config ?? {}) as Record<string, unknown>) ?? {},
    HostConfig: (canonicalEngineKeys(raw?.HostConfig ?? {}) as Record<string, unknown>) ?? {},
  };
}

/** The engine's update body (POST /containers/{id}/update). */
export function toUpdateBody(update: UpdateSpec): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (update.restartPolicy) {
    body.RestartPolicy = {
      Name: update.restartPolicy.name,
      ...(update.restartPolicy.name === "on-failure"
        ? { MaximumRetryCount: update.restartPolicy.maximumRetryCount ?? 0 }
        : {}),
    };
  }
  if (update.memoryBytes !== undefined) {
    body.Memory = update.memoryBytes;
    body.MemorySwap = update.memorySwapBytes ?? update.memoryBytes * 2;
  } else if (update.memorySwapBytes !== undefined) body.MemorySwap = update.memorySwapBytes;
  if (update.cpus !== undefined) body.NanoCpus = Math.round(update.cpus * NS);
  if (update.pidsLimit !== undefined) body.PidsLimit = update.pidsLimit === 0 ? -1 : update.pidsLimit;
  return body;
}

/** Which spec field an engine path (from a policy violation) belongs to, for the form. */
export function specFieldOf(enginePath: string, origins: Record<string, string>): string {
  // The longest origin that prefixes the path: "HostConfig.Mounts[2].Source" → "volumes.1".
  let best: string | undefined;
  for (const key of Object.keys(origins)) {
    if (
      (enginePath === key || enginePath.startsWith(`${key}.`) || enginePath.startsWith(`${key}[`)) &&
      (!best || key.length > best.length)
    ) {
      best = key;
    }
  }
  if (best) return origins[best]!;
  const fixed: Record<string, string> = {
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
    "HostConfig.NetworkMode": "hostAccess.networkMode",
    "HostConfig.RestartPolicy": "restartPolicy",
    "HostConfig.Memory": "resources.memoryBytes",
    "HostConfig.NanoCpus": "resources.cpus",
    "HostConfig.PidsLimit": "resources.pidsLimit",
    Image: "image",
    User: "user",
    WorkingDir: "workingDir",
    Healthcheck: "healthcheck",
  };
  for (const [prefix, field] of Object.entries(fixed)) {
    if (enginePath === prefix || enginePath.startsWith(`${prefix}.`) || enginePath.startsWith(`${prefix}[`))
      return field;
  }
  return enginePath;
}

// ---- the docker command line -----------------------------------------------------------------

/** Quotes a word for a POSIX shell when it needs it. */
export function shellQuote(word: string): string {
  if (word !== "" && /^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Bytes as docker's size flags write them (512m, 1g, 1536k, or plain bytes). */
export function formatBytesFlag(bytes: number): string {
  const units: [number, string][] = [
    [1024 ** 3, "g"],
    [1024 ** 2, "m"],
    [1024, "k"],
  ];
  for (const [size, unit] of units) if (bytes % size === 0) return `${bytes / size}${unit}`;
  return String(bytes);
}

function cpusFlag(cpus: number): string {
  return String(Math.round(cpus * 1000) / 1000);
}

function restartFlag(policy: { name: string; maximumRetryCount?: number }): string {
  return policy.name === "on-failure" && policy.maximumRetryCount
    ? `on-failure:${policy.maximumRetryCount}`
    : policy.name;
}

function durationFlag(seconds: number): string {
  return Number.isInteger(seconds) ? `${seconds}s` : `${Math.round(seconds * 1000)}ms`;
}

/**
 * `docker run -d …` (or `docker create …` when not started) that makes the same container.
 * Values kept from the source container are written as "$NAME": the command line never
 * carries a value the browser may not see.
 */
export function runCli(spec: ContainerSpec): string {
  const words: string[] = spec.start ? ["docker", "run", "-d"] : ["docker", "create"];
  const flag = (name: string, value?: string) => {
    words.push(name);
    if (value !== undefined) words.push(shellQuote(value));
  };
  const access = spec.hostAccess ?? {};
  if (spec.name) flag("--name", spec.name);
  if (spec.restartPolicy.name !== "no") flag("--restart", restartFlag(spec.restartPolicy));
  for (const p of spec.ports) {
    const host = p.hostPort
      ? `${p.hostIp ? `${p.hostIp.includes(":") ? `[${p.hostIp}]` : p.hostIp}:` : ""}${p.hostPort}:`
      : p.hostIp
        ? `${p.hostIp}::`
        : "";
    flag("-p", `${host}${p.containerPort}${p.protocol === "tcp" ? "" : `/${p.protocol}`}`);
  }
  for (const v of spec.volumes) {
    if (v.driver !== undefined || v.driverOptions !== undefined) {
      const opts = Object.entries(v.driverOptions ?? {}).map(([k, val]) => `,volume-opt=${k}=${val}`);
      flag(
        "--mount",
        `type=volume,src=${v.source},dst=${v.target}${v.readOnly ? ",readonly" : ""}${v.driver ? `,volume-driver=${v.driver}` : ""}${opts.join("")}`,
      );
    } else flag("-v", `${v.source}:${v.target}${v.readOnly ? ":ro" : ""}`);
  }
  for (const t of spec.tmpfs) {
    const opts = [
      t.sizeBytes !== undefined ? `size=${t.sizeBytes}` : null,
      t.mode !== undefined ? `mode=${t.mode.toString(8)}` : null,
    ]
      .filter(Boolean)
      .join(",");
    flag("--tmpfs", `${t.target}${opts ? `:${opts}` : ""}`);
  }
  for (const b of access.binds ?? []) flag("-v", b);
  for (const b of access.bindMounts ?? [])
    flag("--mount", `type=bind,src=${b.source},dst=${b.target}${b.readOnly ? ",readonly" : ""}`);
  if (access.networkMode) flag("--network", access.networkMode);
  spec.networks.forEach((n, i) => {
    // docker run joins one network with its own flags; the others are `docker network connect`.
    if (i > 0) return;
    flag("--network", n.name);
    for (const a of n.aliases) flag("--network-alias", a);
    if (n.ipv4Address) flag("--ip", n.ipv4Address);
  });
  for (const e of spec.env) {
    if (e.fromSource) words.push("-e", `${e.name}="$${e.name}"`);
    else flag("-e", `${e.name}=${e.value ?? ""}`);
  }
  for (const [k, v] of Object.entries(spec.labels)) flag("-l", `${k}=${v}`);
  if (spec.user) flag("--user", spec.user);
  if (spec.workingDir) flag("--workdir", spec.workingDir);
  if (spec.hostname) flag("--hostname", spec.hostname);
  const r = spec.resources;
  if (r.memoryBytes !== undefined) flag("--memory", formatBytesFlag(r.memoryBytes));
  if (r.cpus !== undefined) flag("--cpus", cpusFlag(r.cpus));
  if (r.pidsLimit !== undefined) flag("--pids-limit", String(r.pidsLimit));
  const h = spec.healthcheck;
  if (h) {
    if (h.test[0] === "NONE") flag("--no-healthcheck");
    else {
      // --health-cmd is always a shell command (CMD-SHELL).
      const command = h.test[0] === "CMD-SHELL" ? (h.test[1] ?? "") : h.test.slice(1).map(shellQuote).join(" ");
      flag("--health-cmd", command);
      if (h.intervalSeconds !== undefined) flag("--health-interval", durationFlag(h.intervalSeconds));
      if (h.timeoutSeconds !== undefined) flag("--health-timeout", durationFlag(h.timeoutSeconds));
      if (h.retries !== undefined) flag("--health-retries", String(h.retries));
      if (h.startPeriodSeconds !== undefined) flag("--health-start-period", durationFlag(h.startPeriodSeconds));
    }
  }
  if (access.privileged) flag("--privileged");
  for (const c of access.capAdd ?? []) flag("--cap-add", c);
  for (const d of access.devices ?? []) {
    flag(
      "--device",
      `${d.pathOnHost}:${d.pathInContainer ?? d.pathOnHost}${d.cgroupPermissions === "rwm" ? "" : `:${d.cgroupPermissions}`}`,
    );
  }
  for (const d of access.deviceRequests ?? []) {
    flag("--gpus", d.deviceIds.length ? `"device=${d.deviceIds.join(",")}"` : d.count === -1 ? "all" : String(d.count));
  }
  if (access.pidMode) flag("--pid", access.pidMode);
  if (access.ipcMode) flag("--ipc", access.ipcMode);
  if (access.utsMode) flag("--uts", access.utsMode);
  if (access.usernsMode) flag("--userns", access.usernsMode);
  if (access.cgroupnsMode) flag("--cgroupns", access.cgroupnsMode);
  for (const s of access.securityOpt ?? []) flag("--security-opt", s);
  for (const [k, v] of Object.entries(access.sysctls ?? {})) flag("--sysctl", `${k}=${v}`);
  if (access.runtime) flag("--runtime", access.runtime);
  for (const v of access.volumesFrom ?? []) flag("--volumes-from", v);
  const entry = spec.entrypoint ?? [];
  // --entrypoint takes one word; the rest of the entrypoint goes before the command, which
  // gives the same argv.
  if (entry.length) flag("--entrypoint", entry[0]);
  words.push(shellQuote(spec.image));
  for (const arg of [...entry.slice(1), ...(spec.command ?? [])]) words.push(shellQuote(arg));
  let line = words.join(" ");
  const extra = spec.networks.slice(1);
  for (const n of extra) {
    const target = spec.name ?? "<container>";
    line += ` && docker network connect${n.aliases.map((a) => ` --alias ${shellQuote(a)}`).join("")}${n.ipv4Address ? ` --ip ${n.ipv4Address}` : ""} ${shellQuote(n.name)} ${target}`;
  }
  const raw = [
    ...Object.keys(access.raw?.Config ?? {}),
    ...Object.keys(access.raw?.HostConfig ?? {}).map((k) => `HostConfig.${k}`),
  ];
  if (raw.length) line += `  # and Engine API fields without a flag here: ${raw.join(", ")}`;
  return line;
}

/** `docker container update …` for an update. */
export function updateCli(id: string, update: UpdateSpec): string {
  const words = ["docker", "container", "update"];
  if (update.restartPolicy) words.push("--restart", restartFlag(update.restartPolicy));
  const body = toUpdateBody(update);
  if (update.memoryBytes !== undefined) words.push("--memory", formatBytesFlag(update.memoryBytes));
  if (typeof body.MemorySwap === "number") {
    words.push("--memory-swap", body.MemorySwap === -1 ? "-1" : formatBytesFlag(body.MemorySwap));
  }
  if (update.cpus !== undefined) words.push("--cpus", cpusFlag(update.cpus));
  if (update.pidsLimit !== undefined)
    words.push("--pids-limit", String(update.pidsLimit === 0 ? -1 : update.pidsLimit));
  words.push(id);
  return words.join(" ");
}
