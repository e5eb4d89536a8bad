// A swarm service as a person writes it (what `docker service create` users reach for), as a
// closed schema; its Engine ServiceSpec (POST /services/create, and the body of an update:
// the current spec with every field this schema models replaced); the way back from
// `docker service inspect` .Spec; and the `docker service create` / `update` line.
//
// Pure and shared with the browser's form. Names of secrets, configs and networks are
// resolved to IDs by the caller (`refs`), as the CLI does.
import { z } from "zod";
import { bytesWord, cpusWord, durationWord, shellWord } from "./cli";

const NS = 1e9;

export const SERVICE_NAME = /^[a-zA-Z0-9](?:[-_.]*[a-zA-Z0-9]+)*$/;
const OBJECT_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,254}$/;

const serviceName = z
  .string()
  .trim()
  .min(1, "A service needs a name.")
  .max(63, "A service name has at most 63 characters.")
  .regex(SERVICE_NAME, "Use letters, digits, -, _ and ., starting and ending with a letter or digit.");
const image = z
  .string()
  .trim()
  .min(1, "An image is required.")
  .max(512)
  .regex(/^[^\s]+$/, "An image reference has no spaces.");
const objectName = (what: string) =>
  z.string().trim().regex(OBJECT_NAME, `A ${what} name: letters, digits, _ . and -.`);
const absolutePath = z
  .string()
  .trim()
  .min(1, "A path is required.")
  .max(4096)
  .regex(/^\//, "Use an absolute path (starting with /).");
const argv = z.array(z.string().max(16_384)).max(256);
const port = z.number().int().min(1, "Ports run from 1 to 65535.").max(65535, "Ports run from 1 to 65535.");
const seconds = z
  .number()
  .min(0)
  .max(86_400 * 7);
const labels = z
  .record(z.string().trim().min(1, "A label needs a key.").max(256), z.string().max(4096))
  .refine((l) => Object.keys(l).length <= 256, "At most 256 labels.");
const bytes = z
  .number()
  .int()
  .min(1)
  .max(2 ** 50);

export const serviceModeSpec = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("replicated"), replicas: z.number().int().min(0).max(10_000).default(1) }).strict(),
  z.object({ kind: z.literal("global") }).strict(),
  z
    .object({
      kind: z.literal("replicated-job"),
      /** how many tasks must complete */
      totalCompletions: z.number().int().min(1).max(10_000).default(1),
      /** how many run at once */
      maxConcurrent: z.number().int().min(1).max(10_000).default(1),
    })
    .strict(),
  z.object({ kind: z.literal("global-job") }).strict(),
]);

const rolloutSpec = z
  .object({
    parallelism: z.number().int().min(0).max(10_000).optional(),
    delaySeconds: seconds.optional(),
    failureAction: z.enum(["pause", "continue", "rollback"]).optional(),
    monitorSeconds: seconds.optional(),
    maxFailureRatio: z.number().min(0).max(1).optional(),
    order: z.enum(["stop-first", "start-first"]).optional(),
  })
  .strict();

const fileRef = z
  .object({
    name: objectName("secret or config"),
    /** file name in the container (secrets: under /run/secrets; configs: an absolute path or a name) */
    target: z.string().trim().min(1).max(4096).optional(),
    uid: z.string().trim().regex(/^\d+$/, "A numeric user id.").optional(),
    gid: z.string().trim().regex(/^\d+$/, "A numeric group id.").optional(),
    mode: z.number().int().min(0).max(0o7777).optional(),
  })
  .strict();

export const healthcheckSpec = z
  .object({
    /** ["CMD", "wget", "-q", "localhost"], ["CMD-SHELL", "wget -q localhost || exit 1"] or ["NONE"] */
    test: z
      .array(z.string().max(16_384))
      .min(1)
      .max(256)
      .refine((t) => ["CMD", "CMD-SHELL", "NONE"].includes(t[0] ?? ""), 'Start with "CMD", "CMD-SHELL" or "NONE".')
      .refine((t) => t[0] === "NONE" || t.length > 1, "Give the command to run."),
    intervalSeconds: seconds.optional(),
    timeoutSeconds: seconds.optional(),
    retries: z.number().int().min(0).max(1000).optional(),
    startPeriodSeconds: seconds.optional(),
  })
  .strict();

export const serviceSpecInput = z
  .object({
    name: serviceName,
    image,
    mode: serviceModeSpec.default({ kind: "replicated", replicas: 1 }),
    /** the arguments (Args; `docker service create IMAGE ARGS...`) */
    command: argv.optional(),
    /** overrides the image's entrypoint (--entrypoint) */
    entrypoint: argv.optional(),
    env: z
      .array(
        z
          .object({
            name: z
              .string()
              .trim()
              .min(1, "A variable needs a name.")
              .max(256)
              .regex(/^[^=\s]+$/, "A variable name has no spaces and no '='."),
            value: z.string().max(65_536),
          })
          .strict(),
      )
      .max(1000)
      .default([]),
    labels: labels.default({}),
    containerLabels: labels.default({}),
    ports: z
      .array(
        z
          .object({
            containerPort: port,
            protocol: z.enum(["tcp", "udp", "sctp"]).default("tcp"),
            /** absent: the swarm picks one (ingress) or none is published on the node (host) */
            hostPort: port.optional(),
            /** ingress: every node's port reaches the service (routing mesh); host: the node a task runs on */
            publishMode: z.enum(["ingress", "host"]).default("ingress"),
          })
          .strict(),
      )
      .max(256)
      .default([]),
    volumes: z
      .array(
        z.object({ source: objectName("volume"), target: absolutePath, readOnly: z.boolean().default(false) }).strict(),
      )
      .max(64)
      .default([]),
    tmpfs: z
      .array(
        z
          .object({
            target: absolutePath,
            sizeBytes: bytes.optional(),
            mode: z.number().int().min(0).max(0o7777).optional(),
          })
          .strict(),
      )
      .max(32)
      .default([]),
    networks: z
      .array(
        z
          .object({ name: objectName("network"), aliases: z.array(objectName("network alias")).max(32).default([]) })
          .strict(),
      )
      .max(16)
      .default([]),
    placement: z
      .object({
        /** node.role==manager, node.labels.zone==a, node.hostname!=db1 */
        constraints: z
          .array(
            z
              .string()
              .trim()
              .min(3)
              .max(512)
              .regex(/^[^=!]+(==|!=)[^=!]+$/, "A constraint like node.labels.zone==a."),
          )
          .max(64)
          .default([]),
        /** spread over the values of: node.labels.zone */
        preferences: z.array(z.string().trim().min(1).max(512)).max(16).default([]),
        /** tasks of this service on one node at most (0: no limit) */
        maxReplicas: z.number().int().min(0).max(10_000).optional(),
      })
      .strict()
      .optional(),
    resources: z
      .object({
        limits: z
          .object({
            cpus: z.number().min(0.01).max(1024).optional(),
            memoryBytes: bytes.min(6 * 1024 * 1024, "Docker needs at least 6 MB.").optional(),
            pids: z.number().int().min(1).max(4_194_304).optional(),
          })
          .strict()
          .default({}),
        reservations: z
          .object({ cpus: z.number().min(0.01).max(1024).optional(), memoryBytes: bytes.optional() })
          .strict()
          .default({}),
      })
      .strict()
      .optional(),
    restartPolicy: z
      .object({
        condition: z.enum(["none", "on-failure", "any"]).default("any"),
        delaySeconds: seconds.optional(),
        maxAttempts: z.number().int().min(0).max(10_000).optional(),
        windowSeconds: seconds.optional(),
      })
      .strict()
      .optional(),
    updateConfig: rolloutSpec.optional(),
    rollbackConfig: rolloutSpec.optional(),
    healthcheck: healthcheckSpec.optional(),
    secrets: z.array(fileRef).max(64).default([]),
    configs: z.array(fileRef).max(64).default([]),
    user: z.string().trim().max(256).optional(),
    workingDir: absolutePath.optional(),
    hostname: z
      .string()
      .trim()
      .max(255)
      .regex(/^[a-zA-Z0-9{][a-zA-Z0-9.{}_ -]*$/, "A host name (templates like {{.Task.Slot}} allowed).")
      .optional(),
    stopGracePeriodSeconds: seconds.optional(),
    endpointMode: z.enum(["vip", "dnsrr"]).optional(),
    /** What reaches the host: needs container.create.privileged (and the socket permission for a Docker socket). */
    hostAccess: z
      .object({
        bindMounts: z
          .array(
            z.object({ source: absolutePath, target: absolutePath, readOnly: z.boolean().default(false) }).strict(),
          )
          .max(64)
          .optional(),
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
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((spec, ctx) => {
    const targets = new Map<string, number>();
    const mounts = [
      ...spec.volumes.map((v, i) => [v.target, ["volumes", i, "target"]] as const),
      ...spec.tmpfs.map((t, i) => [t.target, ["tmpfs", i, "target"]] as const),
      ...(spec.hostAccess?.bindMounts ?? []).map(
        (b, i) => [b.target, ["hostAccess", "bindMounts", i, "target"]] as const,
      ),
    ];
    for (const [target, path] of mounts) {
      targets.set(target, (targets.get(target) ?? 0) + 1);
      if (targets.get(target)! > 1)
        ctx.addIssue({ code: "custom", message: `${target} is mounted twice.`, path: [...path] });
    }
    const seen = new Set<string>();
    spec.env.forEach((e, i) => {
      if (seen.has(e.name))
        ctx.addIssue({ code: "custom", message: `${e.name} is set twice.`, path: ["env", i, "name"] });
      seen.add(e.name);
    });
    const published = new Set<string>();
    spec.ports.forEach((p, i) => {
      if (p.hostPort === undefined) return;
      const key = `${p.hostPort}/${p.protocol}`;
      if (published.has(key))
        ctx.addIssue({ code: "custom", message: `Port ${key} is published twice.`, path: ["ports", i, "hostPort"] });
      published.add(key);
    });
    if (spec.endpointMode === "dnsrr" && spec.ports.some((p) => p.publishMode === "ingress")) {
      ctx.addIssue({
        code: "custom",
        message: "DNS round robin has no routing mesh: publish in host mode.",
        path: ["endpointMode"],
      });
    }
  });

export type ServiceSpecInput = z.input<typeof serviceSpecInput>;
export type ServiceSpec = z.output<typeof serviceSpecInput>;
export type ServiceMode = ServiceSpec["mode"];

/** IDs for the names a spec refers to; the caller looks them up on the cluster. */
export interface SpecRefs {
  secret(name: string): string;
  config(name: string): string;
  network(name: string): string;
}

/** Engine ServiceSpec paths this schema writes: an update replaces exactly these. */
export const MODELLED_PATHS = [
  "Name",
  "Labels",
  "Mode",
  "UpdateConfig",
  "RollbackConfig",
  "EndpointSpec",
  "TaskTemplate.ContainerSpec.Image",
  "TaskTemplate.ContainerSpec.Command",
  "TaskTemplate.ContainerSpec.Args",
  "TaskTemplate.ContainerSpec.Env",
  "TaskTemplate.ContainerSpec.Labels",
  "TaskTemplate.ContainerSpec.Mounts",
  "TaskTemplate.ContainerSpec.User",
  "TaskTemplate.ContainerSpec.Dir",
  "TaskTemplate.ContainerSpec.Hostname",
  "TaskTemplate.ContainerSpec.HealthCheck",
  "TaskTemplate.ContainerSpec.Secrets",
  "TaskTemplate.ContainerSpec.Configs",
  "TaskTemplate.ContainerSpec.StopGracePeriod",
  "TaskTemplate.ContainerSpec.CapabilityAdd",
  "TaskTemplate.ContainerSpec.Sysctls",
  "TaskTemplate.Networks",
  "TaskTemplate.Placement",
  "TaskTemplate.Resources",
  "TaskTemplate.RestartPolicy",
] as const;

type Json = Record<string, unknown>;

function rolloutToEngine(r: z.output<typeof rolloutSpec> | undefined): Json | undefined {
  if (!r) return undefined;
  return {
    ...(r.parallelism !== undefined ? { Parallelism: r.parallelism } : {}),
    ...(r.delaySeconds !== undefined ? { Delay: Math.round(r.delaySeconds * NS) } : {}),
    ...(r.failureAction ? { FailureAction: r.failureAction } : {}),
    ...(r.monitorSeconds !== undefined ? { Monitor: Math.round(r.monitorSeconds * NS) } : {}),
    ...(r.maxFailureRatio !== undefined ? { MaxFailureRatio: r.maxFailureRatio } : {}),
    ...(r.order ? { Order: r.order } : {}),
  };
}

function healthToEngine(h: z.output<typeof healthcheckSpec>): Json {
  return {
    Test: h.test,
    ...(h.intervalSeconds !== undefined ? { Interval: Math.round(h.intervalSeconds * NS) } : {}),
    ...(h.timeoutSeconds !== undefined ? { Timeout: Math.round(h.timeoutSeconds * NS) } : {}),
    ...(h.retries !== undefined ? { Retries: h.retries } : {}),
    ...(h.startPeriodSeconds !== undefined ? { StartPeriod: Math.round(h.startPeriodSeconds * NS) } : {}),
  };
}

function fileRefToEngine(f: z.output<typeof fileRef>, id: string, kind: "secret" | "config"): Json {
  const file = {
    Name: f.target ?? f.name,
    UID: f.uid ?? "0",
    GID: f.gid ?? "0",
    Mode: f.mode ?? 0o444,
  };
  return kind === "secret"
    ? { File: file, SecretID: id, SecretName: f.name }
    : { File: file, ConfigID: id, ConfigName: f.name };
}

function modeToEngine(mode: ServiceMode): Json {
  switch (mode.kind) {
    case "replicated":
      return { Replicated: { Replicas: mode.replicas } };
    case "global":
      return { Global: {} };
    case "replicated-job":
      return { ReplicatedJob: { MaxConcurrent: mode.maxConcurrent, TotalCompletions: mode.totalCompletions } };
    case "global-job":
      return { GlobalJob: {} };
  }
}

/** The Engine ServiceSpec of a spec. */
export function toServiceSpec(spec: ServiceSpec, refs: SpecRefs): Json {
  const container: Json = { Image: spec.image };
  if (spec.entrypoint?.length) container.Command = spec.entrypoint;
  if (spec.command?.length) container.Args = spec.command;
  if (spec.env.length) container.Env = spec.env.map((e) => `${e.name}=${e.value}`);
  if (Object.keys(spec.containerLabels).length) container.Labels = spec.containerLabels;
  const mounts = [
    ...spec.volumes.map((v) => ({ Type: "volume", Source: v.source, Target: v.target, ReadOnly: v.readOnly })),
    ...spec.tmpfs.map((t) => ({
      Type: "tmpfs",
      Target: t.target,
      ...(t.sizeBytes !== undefined || t.mode !== undefined
        ? {
            TmpfsOptions: {
              ...(t.sizeBytes !== undefined ? { SizeBytes: t.sizeBytes } : {}),
              ...(t.mode !== undefined ? { Mode: t.mode } : {}),
            },
          }
        : {}),
    })),
    ...(spec.hostAccess?.bindMounts ?? []).map((b) => ({
      Type: "bind",
      Source: b.source,
      Target: b.target,
      ReadOnly: b.readOnly,
    })),
  ];
  if (mounts.length) container.Mounts = mounts;
  if (spec.user) container.User = spec.user;
  if (spec.workingDir) container.Dir = spec.workingDir;
  if (spec.hostname) container.Hostname = spec.hostname;
  if (spec.healthcheck) container.HealthCheck = healthToEngine(spec.healthcheck);
  if (spec.secrets.length)
    container.Secrets = spec.secrets.map((s) => fileRefToEngine(s, refs.secret(s.name), "secret"));
  if (spec.configs.length)
    container.Configs = spec.configs.map((c) => fileRefToEngine(c, refs.config(c.name), "config"));
  if (spec.stopGracePeriodSeconds !== undefined)
    container.StopGracePeriod = Math.round(spec.stopGracePeriodSeconds * NS);
  if (spec.hostAccess?.capAdd?.length) container.CapabilityAdd = spec.hostAccess.capAdd;
  if (spec.hostAccess?.sysctls && Object.keys(spec.hostAccess.sysctls).length)
    container.Sysctls = spec.hostAccess.sysctls;

  const task: Json = { ContainerSpec: container };
  if (spec.networks.length) {
    task.Networks = spec.networks.map((n) => ({
      Target: refs.network(n.name),
      ...(n.aliases.length ? { Aliases: n.aliases } : {}),
    }));
  }
  if (spec.placement) {
    const p = spec.placement;
    task.Placement = {
      ...(p.constraints.length ? { Constraints: p.constraints } : {}),
      ...(p.preferences.length ? { Preferences: p.preferences.map((d) => ({ Spread: { SpreadDescriptor: d } })) } : {}),
      ...(p.maxReplicas ? { MaxReplicas: p.maxReplicas } : {}),
    };
  }
  if (spec.resources) {
    const { limits, reservations } = spec.resources;
    task.Resources = {
      Limits: {
        ...(limits.cpus !== undefined ? { NanoCPUs: Math.round(limits.cpus * NS) } : {}),
        ...(limits.memoryBytes !== undefined ? { MemoryBytes: limits.memoryBytes } : {}),
        ...(limits.pids !== undefined ? { Pids: limits.pids } : {}),
      },
      Reservations: {
        ...(reservations.cpus !== undefined ? { NanoCPUs: Math.round(reservations.cpus * NS) } : {}),
        ...(reservations.memoryBytes !== undefined ? { MemoryBytes: reservations.memoryBytes } : {}),
      },
    };
  }
  if (spec.restartPolicy) {
    const r = spec.restartPolicy;
    task.RestartPolicy = {
      Condition: r.condition,
      ...(r.delaySeconds !== undefined ? { Delay: Math.round(r.delaySeconds * NS) } : {}),
      ...(r.maxAttempts !== undefined ? { MaxAttempts: r.maxAttempts } : {}),
      ...(r.windowSeconds !== undefined ? { Window: Math.round(r.windowSeconds * NS) } : {}),
    };
  }
  const body: Json = { Name: spec.name, TaskTemplate: task, Mode: modeToEngine(spec.mode) };
  if (Object.keys(spec.labels).length) body.Labels = spec.labels;
  const update = rolloutToEngine(spec.updateConfig);
  if (update) body.UpdateConfig = update;
  const rollback = rolloutToEngine(spec.rollbackConfig);
  if (rollback) body.RollbackConfig = rollback;
  if (spec.ports.length || spec.endpointMode) {
    body.EndpointSpec = {
      ...(spec.endpointMode ? { Mode: spec.endpointMode } : {}),
      ...(spec.ports.length
        ? {
            Ports: spec.ports.map((p) => ({
              Protocol: p.protocol,
              TargetPort: p.containerPort,
              ...(p.hostPort !== undefined ? { PublishedPort: p.hostPort } : {}),
              PublishMode: p.publishMode,
            })),
          }
        : {}),
    };
  }
  return body;
}

function deletePath(target: Json, path: string) {
  const keys = path.split(".");
  let at: unknown = target;
  for (const key of keys.slice(0, -1)) {
    if (typeof at !== "object" || at === null) return;
    at = (at as Json)[key];
  }
  if (typeof at === "object" && at !== null) delete (at as Json)[keys.at(-1)!];
}

function mergeInto(target: Json, source: Json) {
  for (const [key, value] of Object.entries(source)) {
    const current = target[key];
    if (isRecord(value) && isRecord(current)) mergeInto(current, value);
    else target[key] = structuredClone(value);
  }
}

const isRecord = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The body of POST /services/{id}/update: the current spec with every field this schema models
 * replaced by the spec's (set or cleared); whatever else the service has is kept as it is.
 */
export function toServiceUpdate(current: Json, spec: ServiceSpec, refs: SpecRefs): Json {
  const body = structuredClone(current);
  for (const path of MODELLED_PATHS) deletePath(body, path);
  mergeInto(body, toServiceSpec(spec, refs));
  return body;
}

// ---- back from the engine ----------------------------------------------------------------

const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
const str = (v: unknown) => (typeof v === "string" ? v : undefined);
const rec = (v: unknown): Json => (isRecord(v) ? v : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const strings = (v: unknown): string[] => list(v).filter((x): x is string => typeof x === "string");
const secondsOf = (v: unknown) => (num(v) !== undefined ? num(v)! / NS : undefined);
const defined = <T extends Json>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

function rolloutOf(v: unknown): z.input<typeof rolloutSpec> | undefined {
  if (!isRecord(v) || !Object.keys(v).length) return undefined;
  return defined({
    parallelism: num(v.Parallelism),
    delaySeconds: secondsOf(v.Delay),
    failureAction: str(v.FailureAction) as "pause" | "continue" | "rollback" | undefined,
    monitorSeconds: secondsOf(v.Monitor),
    maxFailureRatio: num(v.MaxFailureRatio),
    order: str(v.Order) as "stop-first" | "start-first" | undefined,
  });
}

function fileRefOf(v: unknown, nameKey: "SecretName" | "ConfigName") {
  const r = rec(v);
  const file = rec(r.File);
  const name = str(r[nameKey]) ?? "";
  return defined({
    name,
    target: str(file.Name) && str(file.Name) !== name ? str(file.Name) : undefined,
    uid: str(file.UID) && str(file.UID) !== "0" ? str(file.UID) : undefined,
    gid: str(file.GID) && str(file.GID) !== "0" ? str(file.GID) : undefined,
    mode: num(file.Mode) !== undefined && num(file.Mode) !== 0o444 ? num(file.Mode) : undefined,
  });
}

export interface SpecOf {
  spec: ServiceSpecInput;
  /** what the service has that this schema does not say (an update keeps it as it is) */
  kept: string[];
}

/**
 * `docker service inspect` .Spec as a spec. `networkName` turns the IDs the engine stores back
 * into names.
 */
export function serviceSpecOf(raw: Json, networkName: (id: string) => string = (id) => id): SpecOf {
  const task = rec(raw.TaskTemplate);
  const c = rec(task.ContainerSpec);
  const mode = rec(raw.Mode);
  const kept: string[] = [];
  const modeSpec: z.input<typeof serviceModeSpec> =
    "Global" in mode
      ? { kind: "global" }
      : "ReplicatedJob" in mode
        ? {
            kind: "replicated-job",
            totalCompletions: num(rec(mode.ReplicatedJob).TotalCompletions) ?? 1,
            maxConcurrent: num(rec(mode.ReplicatedJob).MaxConcurrent) ?? 1,
          }
        : "GlobalJob" in mode
          ? { kind: "global-job" }
          : { kind: "replicated", replicas: num(rec(mode.Replicated).Replicas) ?? 1 };
  const mounts = list(c.Mounts).map(rec);
  const placement = rec(task.Placement);
  const limits = rec(rec(task.Resources).Limits);
  const reservations = rec(rec(task.Resources).Reservations);
  const restart = rec(task.RestartPolicy);
  const health = rec(c.HealthCheck);
  const endpoint = rec(raw.EndpointSpec);
  for (const [what, present] of [
    ["privileges (SELinux, seccomp, AppArmor, credential spec)", c.Privileges],
    ["a read-only root filesystem", c.ReadOnly],
    ["a stop signal", c.StopSignal],
    ["a terminal (tty) and open stdin", c.TTY || c.OpenStdin],
    ["an init process", c.Init],
    ["extra groups", list(c.Groups).length],
    ["hosts and DNS settings", list(c.Hosts).length || Object.keys(rec(c.DNSConfig)).length],
    ["dropped capabilities", list(c.CapabilityDrop).length],
    ["ulimits", list(c.Ulimits).length],
    ["a log driver", task.LogDriver],
    ["generic resources", list(limits.GenericResources).length || list(reservations.GenericResources).length],
    ["platforms", list(placement.Platforms).length],
    [
      "mounts of other kinds or with driver options",
      mounts.some((m) => !["volume", "tmpfs", "bind"].includes(str(m.Type) ?? "") || m.VolumeOptions || m.BindOptions),
    ],
  ] as const) {
    if (present) kept.push(what);
  }
  const spec: ServiceSpecInput = defined({
    name: str(raw.Name) ?? "",
    image: str(c.Image) ?? "",
    mode: modeSpec,
    command: strings(c.Args).length ? strings(c.Args) : undefined,
    entrypoint: strings(c.Command).length ? strings(c.Command) : undefined,
    env: strings(c.Env).map((e) => {
      const eq = e.indexOf("=");
      return eq < 0 ? { name: e, value: "" } : { name: e.slice(0, eq), value: e.slice(eq + 1) };
    }),
    labels: { ...(rec(raw.Labels) as Record<string, string>) },
    containerLabels: { ...(rec(c.Labels) as Record<string, string>) },
    ports: list(endpoint.Ports)
      .map(rec)
      .map((p) =>
        defined({
          containerPort: num(p.TargetPort) ?? 0,
          protocol: (str(p.Protocol) ?? "tcp") as "tcp" | "udp" | "sctp",
          hostPort: num(p.PublishedPort) || undefined,
          publishMode: (str(p.PublishMode) ?? "ingress") as "ingress" | "host",
        }),
      ),
    volumes: mounts
      .filter((m) => m.Type === "volume" && !m.VolumeOptions && str(m.Source))
      .map((m) => ({ source: str(m.Source)!, target: str(m.Target) ?? "", readOnly: m.ReadOnly === true })),
    tmpfs: mounts
      .filter((m) => m.Type === "tmpfs")
      .map((m) =>
        defined({
          target: str(m.Target) ?? "",
          sizeBytes: num(rec(m.TmpfsOptions).SizeBytes),
          mode: num(rec(m.TmpfsOptions).Mode),
        }),
      ),
    networks: list(list(task.Networks).length ? task.Networks : raw.Networks)
      .map(rec)
      .map((n) => ({ name: networkName(str(n.Target) ?? ""), aliases: strings(n.Aliases) })),
    placement:
      strings(placement.Constraints).length || list(placement.Preferences).length || num(placement.MaxReplicas)
        ? defined({
            constraints: strings(placement.Constraints),
            preferences: list(placement.Preferences)
              .map((p) => str(rec(rec(p).Spread).SpreadDescriptor))
              .filter((d): d is string => Boolean(d)),
            maxReplicas: num(placement.MaxReplicas) || undefined,
          })
        : undefined,
    resources:
      Object.keys(limits).length || Object.keys(reservations).length
        ? {
            limits: defined({
              cpus: num(limits.NanoCPUs) ? num(limits.NanoCPUs)! / NS : undefined,
              memoryBytes: num(limits.MemoryBytes) || undefined,
              pids: num(limits.Pids) || undefined,
            }),
            reservations: defined({
              cpus: num(reservations.NanoCPUs) ? num(reservations.NanoCPUs)! / NS : undefined,
              memoryBytes: num(reservations.MemoryBytes) || undefined,
            }),
          }
        : undefined,
    restartPolicy: Object.keys(restart).length
      ? defined({
          condition: (str(restart.Condition) ?? "any") as "none" | "on-failure" | "any",
          delaySeconds: secondsOf(restart.Delay),
          maxAttempts: num(restart.MaxAttempts),
          windowSeconds: secondsOf(restart.Window),
        })
      : undefined,
    updateConfig: rolloutOf(raw.UpdateConfig),
    rollbackConfig: rolloutOf(raw.RollbackConfig),
    healthcheck: strings(health.Test).length
      ? defined({
          test: strings(health.Test),
          intervalSeconds: secondsOf(health.Interval),
          timeoutSeconds: secondsOf(health.Timeout),
          retries: num(health.Retries),
          startPeriodSeconds: secondsOf(health.StartPeriod),
        })
      : undefined,
    secrets: list(c.Secrets).map((s) => fileRefOf(s, "SecretName")),
    configs: list(c.Configs).map((s) => fileRefOf(s, "ConfigName")),
    user: str(c.User) || undefined,
    workingDir: str(c.Dir) || undefined,
    hostname: str(c.Hostname) || undefined,
    stopGracePeriodSeconds: secondsOf(c.StopGracePeriod),
    endpointMode: str(endpoint.Mode) === "dnsrr" ? "dnsrr" : undefined,
    hostAccess: (() => {
      const binds = mounts
        .filter((m) => m.Type === "bind" && !m.BindOptions)
        .map((m) => ({ source: str(m.Source) ?? "", target: str(m.Target) ?? "", readOnly: m.ReadOnly === true }));
      const access = defined({
        bindMounts: binds.length ? binds : undefined,
        capAdd: strings(c.CapabilityAdd).length ? strings(c.CapabilityAdd) : undefined,
        sysctls: Object.keys(rec(c.Sysctls)).length ? (rec(c.Sysctls) as Record<string, string>) : undefined,
      });
      return Object.keys(access).length ? access : undefined;
    })(),
  });
  return { spec, kept };
}

// ---- the command line --------------------------------------------------------------------

function rolloutWords(prefix: "update" | "rollback", r: z.output<typeof rolloutSpec> | undefined): string[] {
  if (!r) return [];
  return [
    ...(r.parallelism !== undefined ? [`--${prefix}-parallelism`, String(r.parallelism)] : []),
    ...(r.delaySeconds !== undefined ? [`--${prefix}-delay`, durationWord(r.delaySeconds * NS)] : []),
    ...(r.failureAction ? [`--${prefix}-failure-action`, r.failureAction] : []),
    ...(r.monitorSeconds !== undefined ? [`--${prefix}-monitor`, durationWord(r.monitorSeconds * NS)] : []),
    ...(r.maxFailureRatio !== undefined ? [`--${prefix}-max-failure-ratio`, String(r.maxFailureRatio)] : []),
    ...(r.order ? [`--${prefix}-order`, r.order] : []),
  ];
}

function healthWords(h: z.output<typeof healthcheckSpec> | undefined): string[] {
  if (!h) return [];
  if (h.test[0] === "NONE") return ["--no-healthcheck"];
  const command = h.test[0] === "CMD-SHELL" ? (h.test[1] ?? "") : h.test.slice(1).map(shellWord).join(" ");
  return [
    "--health-cmd",
    command,
    ...(h.intervalSeconds !== undefined ? ["--health-interval", durationWord(h.intervalSeconds * NS)] : []),
    ...(h.timeoutSeconds !== undefined ? ["--health-timeout", durationWord(h.timeoutSeconds * NS)] : []),
    ...(h.retries !== undefined ? ["--health-retries", String(h.retries)] : []),
    ...(h.startPeriodSeconds !== undefined ? ["--health-start-period", durationWord(h.startPeriodSeconds * NS)] : []),
  ];
}

function fileRefWord(f: z.output<typeof fileRef>): string {
  const parts = [`source=${f.name}`];
  if (f.target) parts.push(`target=${f.target}`);
  if (f.uid) parts.push(`uid=${f.uid}`);
  if (f.gid) parts.push(`gid=${f.gid}`);
  if (f.mode !== undefined) parts.push(`mode=0${f.mode.toString(8)}`);
  return parts.length === 1 ? f.name : parts.join(",");
}

function portWord(p: ServiceSpec["ports"][number]): string {
  return [
    `published=${p.hostPort ?? ""}`.replace(/=$/, "="),
    `target=${p.containerPort}`,
    ...(p.protocol !== "tcp" ? [`protocol=${p.protocol}`] : []),
    ...(p.publishMode === "host" ? ["mode=host"] : []),
  ]
    .filter((w) => w !== "published=")
    .join(",");
}

function mountWords(spec: ServiceSpec): string[][] {
  return [
    ...spec.volumes.map((v) => [
      "--mount",
      `type=volume,source=${v.source},target=${v.target}${v.readOnly ? ",readonly" : ""}`,
    ]),
    ...spec.tmpfs.map((t) => [
      "--mount",
      `type=tmpfs,target=${t.target}${t.sizeBytes !== undefined ? `,tmpfs-size=${t.sizeBytes}` : ""}${t.mode !== undefined ? `,tmpfs-mode=0${t.mode.toString(8)}` : ""}`,
    ]),
    ...(spec.hostAccess?.bindMounts ?? []).map((b) => [
      "--mount",
      `type=bind,source=${b.source},target=${b.target}${b.readOnly ? ",readonly" : ""}`,
    ]),
  ];
}

function modeWords(mode: ServiceMode): string[] {
  switch (mode.kind) {
    case "replicated":
      return mode.replicas !== 1 ? ["--replicas", String(mode.replicas)] : [];
    case "global":
      return ["--mode", "global"];
    case "replicated-job":
      return [
        "--mode",
        "replicated-job",
        ...(mode.totalCompletions !== 1 ? ["--replicas", String(mode.totalCompletions)] : []),
        ...(mode.maxConcurrent !== 1 ? ["--max-concurrent", String(mode.maxConcurrent)] : []),
      ];
    case "global-job":
      return ["--mode", "global-job"];
  }
}

/** The words after `docker service create` that make this service. */
export function createWords(spec: ServiceSpec): string[] {
  const words: string[] = ["service", "create", "--name", spec.name, ...modeWords(spec.mode)];
  for (const p of spec.ports) words.push("--publish", portWord(p));
  for (const m of mountWords(spec)) words.push(...m);
  for (const n of spec.networks)
    words.push(
      "--network",
      n.aliases.length ? `name=${n.name},${n.aliases.map((a) => `alias=${a}`).join(",")}` : n.name,
    );
  for (const e of spec.env) words.push("--env", `${e.name}=${e.value}`);
  for (const [k, v] of Object.entries(spec.labels)) words.push("--label", `${k}=${v}`);
  for (const [k, v] of Object.entries(spec.containerLabels)) words.push("--container-label", `${k}=${v}`);
  for (const c of spec.placement?.constraints ?? []) words.push("--constraint", c);
  for (const p of spec.placement?.preferences ?? []) words.push("--placement-pref", `spread=${p}`);
  if (spec.placement?.maxReplicas) words.push("--replicas-max-per-node", String(spec.placement.maxReplicas));
  const limits = spec.resources?.limits;
  if (limits?.cpus !== undefined) words.push("--limit-cpu", cpusWord(limits.cpus * NS));
  if (limits?.memoryBytes !== undefined) words.push("--limit-memory", bytesWord(limits.memoryBytes));
  if (limits?.pids !== undefined) words.push("--limit-pids", String(limits.pids));
  const reservations = spec.resources?.reservations;
  if (reservations?.cpus !== undefined) words.push("--reserve-cpu", cpusWord(reservations.cpus * NS));
  if (reservations?.memoryBytes !== undefined) words.push("--reserve-memory", bytesWord(reservations.memoryBytes));
  const restart = spec.restartPolicy;
  if (restart) {
    words.push("--restart-condition", restart.condition);
    if (restart.delaySeconds !== undefined) words.push("--restart-delay", durationWord(restart.delaySeconds * NS));
    if (restart.maxAttempts !== undefined) words.push("--restart-max-attempts", String(restart.maxAttempts));
    if (restart.windowSeconds !== undefined) words.push("--restart-window", durationWord(restart.windowSeconds * NS));
  }
  words.push(...rolloutWords("update", spec.updateConfig), ...rolloutWords("rollback", spec.rollbackConfig));
  words.push(...healthWords(spec.healthcheck));
  for (const s of spec.secrets) words.push("--secret", fileRefWord(s));
  for (const c of spec.configs) words.push("--config", fileRefWord(c));
  if (spec.user) words.push("--user", spec.user);
  if (spec.workingDir) words.push("--workdir", spec.workingDir);
  if (spec.hostname) words.push("--hostname", spec.hostname);
  if (spec.stopGracePeriodSeconds !== undefined)
    words.push("--stop-grace-period", durationWord(spec.stopGracePeriodSeconds * NS));
  if (spec.endpointMode) words.push("--endpoint-mode", spec.endpointMode);
  for (const cap of spec.hostAccess?.capAdd ?? []) words.push("--cap-add", cap);
  for (const [k, v] of Object.entries(spec.hostAccess?.sysctls ?? {})) words.push("--sysctl", `${k}=${v}`);
  if (spec.entrypoint?.length) words.push("--entrypoint", spec.entrypoint.map(shellWord).join(" "));
  words.push(spec.image, ...(spec.command ?? []));
  return words;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** `--x-rm old --x-add new` for the entries of a list that changed. */
function listChange<T>(
  before: readonly T[],
  after: readonly T[],
  key: (t: T) => string,
  rm: (t: T) => string,
  add: (t: T) => string,
  flag: string,
): string[] {
  const words: string[] = [];
  const afterKeys = new Map(after.map((t) => [key(t), t]));
  const beforeKeys = new Map(before.map((t) => [key(t), t]));
  for (const [k, t] of beforeKeys)
    if (!afterKeys.has(k) || !same(afterKeys.get(k), t)) words.push(`--${flag}-rm`, rm(t));
  for (const [k, t] of afterKeys)
    if (!beforeKeys.has(k) || !same(beforeKeys.get(k), t)) words.push(`--${flag}-add`, add(t));
  return words;
}

function mapChange(before: Record<string, string>, after: Record<string, string>, flag: string): string[] {
  const words: string[] = [];
  for (const k of Object.keys(before)) if (!(k in after)) words.push(`--${flag}-rm`, k);
  for (const [k, v] of Object.entries(after)) if (before[k] !== v) words.push(`--${flag}-add`, `${k}=${v}`);
  return words;
}

/**
 * The words after `docker service update` that turn `before` into `after` (the service is
 * named last). Where the CLI has no flag to clear a setting, the line says as much as it can.
 */
export function updateWords(before: ServiceSpec, after: ServiceSpec, serviceWord: string): string[] {
  const w: string[] = ["service", "update"];
  if (before.image !== after.image) w.push("--image", after.image);
  if (!same(before.mode, after.mode)) {
    if (after.mode.kind === "replicated") w.push("--replicas", String(after.mode.replicas));
    else if (after.mode.kind === "replicated-job")
      w.push("--replicas", String(after.mode.totalCompletions), "--max-concurrent", String(after.mode.maxConcurrent));
  }
  if (!same(before.command, after.command)) w.push("--args", (after.command ?? []).map(shellWord).join(" "));
  if (!same(before.entrypoint, after.entrypoint))
    w.push("--entrypoint", (after.entrypoint ?? []).map(shellWord).join(" "));
  w.push(
    ...listChange(
      before.env,
      after.env,
      (e) => e.name,
      (e) => e.name,
      (e) => `${e.name}=${e.value}`,
      "env",
    ),
    ...mapChange(before.labels, after.labels, "label"),
    ...mapChange(before.containerLabels, after.containerLabels, "container-label"),
    ...listChange(before.ports, after.ports, portWord, (p) => `${p.containerPort}/${p.protocol}`, portWord, "publish"),
  );
  const beforeMounts = mountWords(before).map((m) => m[1]!);
  const afterMounts = mountWords(after).map((m) => m[1]!);
  const target = (m: string) => /target=([^,]+)/.exec(m)?.[1] ?? m;
  w.push(
    ...listChange(
      beforeMounts,
      afterMounts,
      (m) => m,
      target,
      (m) => m,
      "mount",
    ),
  );
  w.push(
    ...listChange(
      before.networks,
      after.networks,
      (n) => JSON.stringify(n),
      (n) => n.name,
      (n) => (n.aliases.length ? `name=${n.name},${n.aliases.map((a) => `alias=${a}`).join(",")}` : n.name),
      "network",
    ),
  );
  w.push(
    ...listChange(
      before.placement?.constraints ?? [],
      after.placement?.constraints ?? [],
      (c) => c,
      (c) => c,
      (c) => c,
      "constraint",
    ),
  );
  w.push(
    ...listChange(
      before.placement?.preferences ?? [],
      after.placement?.preferences ?? [],
      (c) => c,
      (c) => `spread=${c}`,
      (c) => `spread=${c}`,
      "placement-pref",
    ),
  );
  if ((before.placement?.maxReplicas ?? 0) !== (after.placement?.maxReplicas ?? 0))
    w.push("--replicas-max-per-node", String(after.placement?.maxReplicas ?? 0));
  const lb = before.resources?.limits ?? {};
  const la = after.resources?.limits ?? {};
  if (lb.cpus !== la.cpus) w.push("--limit-cpu", la.cpus !== undefined ? cpusWord(la.cpus * NS) : "0");
  if (lb.memoryBytes !== la.memoryBytes)
    w.push("--limit-memory", la.memoryBytes !== undefined ? bytesWord(la.memoryBytes) : "0");
  if (lb.pids !== la.pids) w.push("--limit-pids", String(la.pids ?? 0));
  const rb = before.resources?.reservations ?? {};
  const ra = after.resources?.reservations ?? {};
  if (rb.cpus !== ra.cpus) w.push("--reserve-cpu", ra.cpus !== undefined ? cpusWord(ra.cpus * NS) : "0");
  if (rb.memoryBytes !== ra.memoryBytes)
    w.push("--reserve-memory", ra.memoryBytes !== undefined ? bytesWord(ra.memoryBytes) : "0");
  if (!same(before.restartPolicy, after.restartPolicy) && after.restartPolicy) {
    const r = after.restartPolicy;
    w.push("--restart-condition", r.condition);
    if (r.delaySeconds !== undefined) w.push("--restart-delay", durationWord(r.delaySeconds * NS));
    if (r.maxAttempts !== undefined) w.push("--restart-max-attempts", String(r.maxAttempts));
    if (r.windowSeconds !== undefined) w.push("--restart-window", durationWord(r.windowSeconds * NS));
  }
  if (!same(before.updateConfig, after.updateConfig)) w.push(...rolloutWords("update", after.updateConfig));
  if (!same(before.rollbackConfig, after.rollbackConfig)) w.push(...rolloutWords("rollback", after.rollbackConfig));
  if (!same(before.healthcheck, after.healthcheck))
    w.push(...(after.healthcheck ? healthWords(after.healthcheck) : ["--no-healthcheck"]));
  w.push(
    ...listChange(
      before.secrets,
      after.secrets,
      (s) => JSON.stringify(s),
      (s) => s.name,
      fileRefWord,
      "secret",
    ),
  );
  w.push(
    ...listChange(
      before.configs,
      after.configs,
      (s) => JSON.stringify(s),
      (s) => s.name,
      fileRefWord,
      "config",
    ),
  );
  if ((before.user ?? "") !== (after.user ?? "")) w.push("--user", after.user ?? "");
  if ((before.workingDir ?? "") !== (after.workingDir ?? "")) w.push("--workdir", after.workingDir ?? "");
  if ((before.hostname ?? "") !== (after.hostname ?? "")) w.push("--hostname", after.hostname ?? "");
  if (before.stopGracePeriodSeconds !== after.stopGracePeriodSeconds)
    w.push("--stop-grace-period", durationWord((after.stopGracePeriodSeconds ?? 10) * NS));
  if ((before.endpointMode ?? "vip") !== (after.endpointMode ?? "vip"))
    w.push("--endpoint-mode", after.endpointMode ?? "vip");
  const capsBefore = before.hostAccess?.capAdd ?? [];
  const capsAfter = after.hostAccess?.capAdd ?? [];
  for (const cap of capsAfter) if (!capsBefore.includes(cap)) w.push("--cap-add", cap);
  for (const cap of capsBefore) if (!capsAfter.includes(cap)) w.push("--cap-drop", cap);
  w.push(...mapChange(before.hostAccess?.sysctls ?? {}, after.hostAccess?.sysctls ?? {}, "sysctl"));
  w.push(serviceWord);
  return w;
}
