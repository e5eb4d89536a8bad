// The service form's values (text as typed, one row object per list entry) and the way to the
// API's service spec (server/workloads/service-spec.ts) and back. Every problem lands on the
// form field it belongs to; what the form does not edit (capabilities, sysctls, endpoint
// mode...) is carried through an update unchanged.
import { splitWords, joinWords, listOf } from "@/components/workload-form/words";
import type {
  EnvRow,
  HealthValues,
  LabelRow,
  NetworkRow,
  TmpfsRow,
  VolumeRow,
} from "@/components/workload-form/values";
import { serviceSpecInput, type ServiceSpec, type ServiceSpecInput } from "@/server/modules/swarm/contract";

const MB = 1024 * 1024;

export type ServiceModeKind = "replicated" | "global" | "replicated-job" | "global-job";
export type PublishMode = "ingress" | "host";

export interface ServicePortRow {
  hostPort: string;
  containerPort: string;
  protocol: "tcp" | "udp" | "sctp";
  publishMode: PublishMode;
}
export interface BindRow {
  source: string;
  target: string;
  readOnly: boolean;
}
/** A swarm secret or config a task gets as a file: by name, with its file name, owner and mode (octal text). */
export interface FileRow {
  name: string;
  target: string;
  uid: string;
  gid: string;
  mode: string;
}
export interface RolloutValues {
  parallelism: string;
  delaySeconds: string;
  failureAction: "" | "pause" | "continue" | "rollback";
  monitorSeconds: string;
  maxFailureRatio: string;
  order: "" | "stop-first" | "start-first";
}

export interface ServiceFormValues {
  name: string;
  image: string;
  mode: ServiceModeKind;
  replicas: string;
  totalCompletions: string;
  maxConcurrent: string;
  command: string;
  entrypoint: string;
  user: string;
  workingDir: string;
  hostname: string;
  env: EnvRow[];
  labels: LabelRow[];
  containerLabels: LabelRow[];
  ports: ServicePortRow[];
  volumes: VolumeRow[];
  tmpfs: TmpfsRow[];
  binds: BindRow[];
  networks: NetworkRow[];
  secrets: FileRow[];
  configs: FileRow[];
  placement: { constraints: string; preferences: string; maxReplicas: string };
  resources: {
    limitCpus: string;
    limitMemoryMb: string;
    limitPids: string;
    reserveCpus: string;
    reserveMemoryMb: string;
  };
  restart: {
    condition: "" | "none" | "on-failure" | "any";
    delaySeconds: string;
    maxAttempts: string;
    windowSeconds: string;
  };
  update: RolloutValues;
  rollback: RolloutValues;
  healthcheck: HealthValues;
  stopGracePeriodSeconds: string;
  /** what the form does not edit, kept as the service has it */
  carried: Pick<ServiceSpecInput, "endpointMode"> & {
    capAdd?: string[];
    sysctls?: Record<string, string>;
    /** the healthcheck as the service has it, when the form's modes cannot say it (CMD form) */
    healthTest?: string[];
  };
}

const emptyRollout = (): RolloutValues => ({
  parallelism: "",
  delaySeconds: "",
  failureAction: "",
  monitorSeconds: "",
  maxFailureRatio: "",
  order: "",
});

export const newServiceRow = {
  ports: (): ServicePortRow => ({ hostPort: "", containerPort: "", protocol: "tcp", publishMode: "host" }),
  binds: (): BindRow => ({ source: "", target: "", readOnly: false }),
  containerLabels: (): LabelRow => ({ key: "", value: "" }),
  secrets: (): FileRow => ({ name: "", target: "", uid: "", gid: "", mode: "" }),
  configs: (): FileRow => ({ name: "", target: "", uid: "", gid: "", mode: "" }),
};

export function emptyServiceForm(): ServiceFormValues {
  return {
    name: "",
    image: "",
    mode: "replicated",
    replicas: "1",
    totalCompletions: "1",
    maxConcurrent: "1",
    command: "",
    entrypoint: "",
    user: "",
    workingDir: "",
    hostname: "",
    env: [],
    labels: [],
    containerLabels: [],
    ports: [],
    volumes: [],
    tmpfs: [],
    binds: [],
    networks: [],
    secrets: [],
    configs: [],
    placement: { constraints: "", preferences: "", maxReplicas: "" },
    resources: { limitCpus: "", limitMemoryMb: "", limitPids: "", reserveCpus: "", reserveMemoryMb: "" },
    restart: { condition: "", delaySeconds: "", maxAttempts: "", windowSeconds: "" },
    update: emptyRollout(),
    rollback: emptyRollout(),
    healthcheck: {
      mode: "image",
      command: "",
      intervalSeconds: "",
      timeoutSeconds: "",
      retries: "",
      startPeriodSeconds: "",
    },
    stopGracePeriodSeconds: "",
    carried: {},
  };
}

interface Issue {
  path: string;
  message: string;
}

export interface ServiceConversion {
  spec?: ServiceSpec;
  issues: Issue[];
}

/** "" -> undefined; otherwise the number, or an issue at `path`. */
function numberAt(text: string, path: string, issues: Issue[], integer = false): number | undefined {
  const t = text.trim();
  if (!t) return undefined;
  const n = Number(t);
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n))) {
    issues.push({ path, message: integer ? "A whole number." : "A number." });
    return undefined;
  }
  return n;
}

const defined = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

function labelsOf(rows: LabelRow[]): Record<string, string> {
  return Object.fromEntries(rows.filter((r) => r.key.trim() || r.value).map((r) => [r.key.trim(), r.value]));
}

/** "0400", "400" or "0o400" (octal, as chmod takes it) -> 0o400; "" -> undefined; otherwise an issue. */
export function modeOf(text: string, path: string, issues: Issue[]): number | undefined {
  const t = text.trim();
  if (!t) return undefined;
  const digits = /^(?:0o?)?([0-7]{1,4})$/i.exec(t);
  if (!digits) {
    issues.push({ path, message: "Octal, as chmod takes it: 0400." });
    return undefined;
  }
  return parseInt(digits[1]!, 8);
}

/** 0o400 -> "0400" */
export const modeText = (mode: number | undefined): string =>
  mode === undefined ? "" : `0${mode.toString(8).padStart(3, "0")}`;

function filesOf(rows: FileRow[], at: "secrets" | "configs", issues: Issue[]) {
  return rows.map((r, i) =>
    defined({
      name: r.name.trim(),
      target: r.target.trim() || undefined,
      uid: r.uid.trim() || undefined,
      gid: r.gid.trim() || undefined,
      mode: modeOf(r.mode, `${at}.${i}.mode`, issues),
    }),
  );
}

function fileRows(refs: ServiceSpecInput["secrets"]): FileRow[] {
  return (refs ?? []).map((f) => ({
    name: f.name,
    target: f.target ?? "",
    uid: f.uid ?? "",
    gid: f.gid ?? "",
    mode: modeText(f.mode),
  }));
}

function rolloutOf(v: RolloutValues, at: "update" | "rollback", issues: Issue[]) {
  const out = defined({
    parallelism: numberAt(v.parallelism, `${at}.parallelism`, issues, true),
    delaySeconds: numberAt(v.delaySeconds, `${at}.delaySeconds`, issues),
    failureAction: v.failureAction || undefined,
    monitorSeconds: numberAt(v.monitorSeconds, `${at}.monitorSeconds`, issues),
    maxFailureRatio: numberAt(v.maxFailureRatio, `${at}.maxFailureRatio`, issues),
    order: v.order || undefined,
  });
  return Object.keys(out).length ? out : undefined;
}

/** spec paths -> form paths, for the schema's own issues */
function formPathOfSpecIssue(path: readonly PropertyKey[]): string {
  const [head, ...rest] = path.map(String);
  const tail = rest.join(".");
  switch (head) {
    case "mode":
      return rest[0] === "maxConcurrent"
        ? "maxConcurrent"
        : rest[0] === "totalCompletions"
          ? "totalCompletions"
          : "replicas";
    case "hostAccess":
      return rest[0] === "bindMounts" ? `binds.${rest.slice(1).join(".")}` : "name";
    case "ports":
      return rest[1] === "hostPort" || rest[1] === "containerPort"
        ? `ports.${tail}`
        : `ports.${rest[0] ?? 0}.containerPort`;
    case "labels":
    case "containerLabels":
      return head;
    case "placement":
      return `placement.${rest[0] === "maxReplicas" ? "maxReplicas" : (rest[0] ?? "constraints")}`;
    case "resources": {
      const key = rest[1];
      if (rest[0] === "reservations")
        return key === "memoryBytes" ? "resources.reserveMemoryMb" : "resources.reserveCpus";
      return key === "memoryBytes"
        ? "resources.limitMemoryMb"
        : key === "pids"
          ? "resources.limitPids"
          : "resources.limitCpus";
    }
    case "restartPolicy":
      return `restart.${rest[0] ?? "condition"}`;
    case "updateConfig":
      return `update.${rest[0] ?? "parallelism"}`;
    case "rollbackConfig":
      return `rollback.${rest[0] ?? "parallelism"}`;
    case "healthcheck":
      return rest[0] === "test" ? "healthcheck.command" : `healthcheck.${rest[0] ?? "command"}`;
    case "secrets":
    case "configs":
      return rest[0] === undefined ? head : `${head}.${rest[0]}.${rest[1] ?? "name"}`;
    case "endpointMode":
      return "name";
    case undefined:
      return "name";
    default:
      return tail ? `${head}.${tail}` : head;
  }
}

/** The form as the API's spec; `mayBind`: the bind mounts rows count (the caller may grant them). */
export function toServiceSpec(values: ServiceFormValues, mayBind = true): ServiceConversion {
  const issues: Issue[] = [];
  const words = (text: string, path: string) => {
    if (!text.trim()) return undefined;
    const split = splitWords(text);
    if ("error" in split) {
      issues.push({ path, message: split.error });
      return undefined;
    }
    return split.words;
  };
  const mode =
    values.mode === "replicated"
      ? { kind: "replicated" as const, replicas: numberAt(values.replicas, "replicas", issues, true) ?? 1 }
      : values.mode === "replicated-job"
        ? {
            kind: "replicated-job" as const,
            totalCompletions: numberAt(values.totalCompletions, "totalCompletions", issues, true) ?? 1,
            maxConcurrent: numberAt(values.maxConcurrent, "maxConcurrent", issues, true) ?? 1,
          }
        : { kind: values.mode };
  const ports = values.ports.map((p, i) => {
    const containerPort = numberAt(p.containerPort, `ports.${i}.containerPort`, issues, true);
    if (containerPort === undefined && !p.containerPort.trim())
      issues.push({ path: `ports.${i}.containerPort`, message: "Which port in the container?" });
    return defined({
      containerPort: containerPort ?? 0,
      hostPort: numberAt(p.hostPort, `ports.${i}.hostPort`, issues, true),
      protocol: p.protocol,
      publishMode: p.publishMode,
    });
  });
  const limits = defined({
    cpus: numberAt(values.resources.limitCpus, "resources.limitCpus", issues),
    memoryBytes: mb(numberAt(values.resources.limitMemoryMb, "resources.limitMemoryMb", issues)),
    pids: numberAt(values.resources.limitPids, "resources.limitPids", issues, true),
  });
  const reservations = defined({
    cpus: numberAt(values.resources.reserveCpus, "resources.reserveCpus", issues),
    memoryBytes: mb(numberAt(values.resources.reserveMemoryMb, "resources.reserveMemoryMb", issues)),
  });
  const constraints = listOf(values.placement.constraints, /\n+/);
  const preferences = listOf(values.placement.preferences, /[\n,]+/);
  const maxReplicas = numberAt(values.placement.maxReplicas, "placement.maxReplicas", issues, true);
  const restart = values.restart.condition
    ? defined({
        condition: values.restart.condition,
        delaySeconds: numberAt(values.restart.delaySeconds, "restart.delaySeconds", issues),
        maxAttempts: numberAt(values.restart.maxAttempts, "restart.maxAttempts", issues, true),
        windowSeconds: numberAt(values.restart.windowSeconds, "restart.windowSeconds", issues),
      })
    : undefined;
  const h = values.healthcheck;
  const healthTimes = defined({
    intervalSeconds: numberAt(h.intervalSeconds, "healthcheck.intervalSeconds", issues),
    timeoutSeconds: numberAt(h.timeoutSeconds, "healthcheck.timeoutSeconds", issues),
    retries: numberAt(h.retries, "healthcheck.retries", issues, true),
    startPeriodSeconds: numberAt(h.startPeriodSeconds, "healthcheck.startPeriodSeconds", issues),
  });
  const healthcheck =
    h.mode === "none"
      ? { test: ["NONE"] }
      : h.mode === "custom"
        ? { test: ["CMD-SHELL", h.command.trim()], ...healthTimes }
        : values.carried.healthTest
          ? { test: values.carried.healthTest, ...healthTimes }
          : undefined;
  if (h.mode === "custom" && !h.command.trim())
    issues.push({ path: "healthcheck.command", message: "Give the command to run." });
  const { capAdd, sysctls, healthTest: _healthTest, ...carried } = values.carried;
  const bindMounts = mayBind
    ? values.binds.map((b) => ({ source: b.source.trim(), target: b.target.trim(), readOnly: b.readOnly }))
    : [];
  const hostAccess = defined({
    bindMounts: bindMounts.length ? bindMounts : undefined,
    capAdd,
    sysctls,
  });
  const update = rolloutOf(values.update, "update", issues);
  const rollback = rolloutOf(values.rollback, "rollback", issues);
  const input = defined({
    name: values.name,
    image: values.image,
    mode,
    command: words(values.command, "command"),
    entrypoint: words(values.entrypoint, "entrypoint"),
    env: values.env.filter((e) => e.name.trim() || e.value).map((e) => ({ name: e.name.trim(), value: e.value })),
    labels: labelsOf(values.labels),
    containerLabels: labelsOf(values.containerLabels),
    ports,
    volumes: values.volumes.map((v) => ({ source: v.source.trim(), target: v.target.trim(), readOnly: v.readOnly })),
    tmpfs: values.tmpfs.map((t, i) =>
      defined({ target: t.target.trim(), sizeBytes: mb(numberAt(t.sizeMb, `tmpfs.${i}.sizeMb`, issues)) }),
    ),
    networks: values.networks
      .filter((n) => n.name.trim())
      .map((n) => ({ name: n.name.trim(), aliases: listOf(n.aliases) })),
    secrets: filesOf(values.secrets, "secrets", issues),
    configs: filesOf(values.configs, "configs", issues),
    placement:
      constraints.length || preferences.length || maxReplicas !== undefined
        ? defined({ constraints, preferences, maxReplicas })
        : undefined,
    resources: Object.keys(limits).length || Object.keys(reservations).length ? { limits, reservations } : undefined,
    restartPolicy: restart,
    updateConfig: update,
    rollbackConfig: rollback,
    healthcheck,
    user: values.user.trim() || undefined,
    workingDir: values.workingDir.trim() || undefined,
    hostname: values.hostname.trim() || undefined,
    stopGracePeriodSeconds: numberAt(values.stopGracePeriodSeconds, "stopGracePeriodSeconds", issues),
    hostAccess: Object.keys(hostAccess).length ? hostAccess : undefined,
    ...carried,
  });
  const parsed = serviceSpecInput.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues)
      issues.push({ path: formPathOfSpecIssue(issue.path), message: issue.message });
  }
  // The first problem on a field is the one shown.
  const seen = new Set<string>();
  const unique = issues.filter((i) => (seen.has(i.path) ? false : (seen.add(i.path), true)));
  return parsed.success && !unique.length ? { spec: parsed.data, issues: [] } : { issues: unique };
}

function mb(n: number | undefined): number | undefined {
  return n === undefined ? undefined : Math.round(n * MB);
}

const text = (n: number | undefined) => (n === undefined ? "" : String(n));
const mbText = (bytes: number | undefined) => (bytes === undefined ? "" : String(Math.round((bytes / MB) * 100) / 100));

function rolloutValues(r: ServiceSpecInput["updateConfig"]): RolloutValues {
  return {
    parallelism: text(r?.parallelism),
    delaySeconds: text(r?.delaySeconds),
    failureAction: r?.failureAction ?? "",
    monitorSeconds: text(r?.monitorSeconds),
    maxFailureRatio: text(r?.maxFailureRatio),
    order: r?.order ?? "",
  };
}

/** A service's spec (services.get .spec) as the form's values, for an update. */
export function fromServiceSpec(spec: ServiceSpecInput): ServiceFormValues {
  const empty = emptyServiceForm();
  const mode = spec.mode ?? { kind: "replicated", replicas: 1 };
  const test = spec.healthcheck?.test;
  const healthMode: HealthValues["mode"] = !test
    ? "image"
    : test[0] === "NONE"
      ? "none"
      : test[0] === "CMD-SHELL"
        ? "custom"
        : "image";
  const labels = (l: Record<string, string> | undefined): LabelRow[] =>
    Object.entries(l ?? {}).map(([key, value]) => ({ key, value }));
  return {
    ...empty,
    name: spec.name,
    image: spec.image,
    mode: mode.kind,
    replicas: mode.kind === "replicated" ? text(mode.replicas ?? 1) : empty.replicas,
    totalCompletions: mode.kind === "replicated-job" ? text(mode.totalCompletions ?? 1) : empty.totalCompletions,
    maxConcurrent: mode.kind === "replicated-job" ? text(mode.maxConcurrent ?? 1) : empty.maxConcurrent,
    command: spec.command ? joinWords(spec.command) : "",
    entrypoint: spec.entrypoint ? joinWords(spec.entrypoint) : "",
    user: spec.user ?? "",
    workingDir: spec.workingDir ?? "",
    hostname: spec.hostname ?? "",
    env: (spec.env ?? []).map((e) => ({ name: e.name, value: e.value, fromSource: false })),
    labels: labels(spec.labels),
    containerLabels: labels(spec.containerLabels),
    ports: (spec.ports ?? []).map((p) => ({
      containerPort: String(p.containerPort),
      hostPort: text(p.hostPort),
      protocol: p.protocol ?? "tcp",
      publishMode: p.publishMode ?? "ingress",
    })),
    volumes: (spec.volumes ?? []).map((v) => ({ source: v.source, target: v.target, readOnly: v.readOnly ?? false })),
    tmpfs: (spec.tmpfs ?? []).map((t) => ({ target: t.target, sizeMb: mbText(t.sizeBytes) })),
    binds: (spec.hostAccess?.bindMounts ?? []).map((b) => ({
      source: b.source,
      target: b.target,
      readOnly: b.readOnly ?? false,
    })),
    networks: (spec.networks ?? []).map((n) => ({ name: n.name, aliases: (n.aliases ?? []).join(", ") })),
    secrets: fileRows(spec.secrets),
    configs: fileRows(spec.configs),
    placement: {
      constraints: (spec.placement?.constraints ?? []).join("\n"),
      preferences: (spec.placement?.preferences ?? []).join("\n"),
      maxReplicas: text(spec.placement?.maxReplicas),
    },
    resources: {
      limitCpus: text(spec.resources?.limits?.cpus),
      limitMemoryMb: mbText(spec.resources?.limits?.memoryBytes),
      limitPids: text(spec.resources?.limits?.pids),
      reserveCpus: text(spec.resources?.reservations?.cpus),
      reserveMemoryMb: mbText(spec.resources?.reservations?.memoryBytes),
    },
    restart: {
      condition: spec.restartPolicy ? (spec.restartPolicy.condition ?? "any") : "",
      delaySeconds: text(spec.restartPolicy?.delaySeconds),
      maxAttempts: text(spec.restartPolicy?.maxAttempts),
      windowSeconds: text(spec.restartPolicy?.windowSeconds),
    },
    update: rolloutValues(spec.updateConfig),
    rollback: rolloutValues(spec.rollbackConfig),
    healthcheck: {
      mode: healthMode,
      command: healthMode === "custom" ? (test?.slice(1).join(" ") ?? "") : "",
      intervalSeconds: text(spec.healthcheck?.intervalSeconds),
      timeoutSeconds: text(spec.healthcheck?.timeoutSeconds),
      retries: text(spec.healthcheck?.retries),
      startPeriodSeconds: text(spec.healthcheck?.startPeriodSeconds),
    },
    stopGracePeriodSeconds: text(spec.stopGracePeriodSeconds),
    carried: defined({
      endpointMode: spec.endpointMode,
      capAdd: spec.hostAccess?.capAdd,
      sysctls: spec.hostAccess?.sysctls,
      healthTest: test && test[0] === "CMD" ? test : undefined,
    }),
  };
}

/**
 * Where a policy violation (an Engine ServiceSpec path, "TaskTemplate.ContainerSpec.Mounts[2]")
 * shows on the form, given the values it was judged on (mounts are volumes, then tmpfs, then binds).
 */
export function formPathOfViolation(field: string, values: ServiceFormValues): string {
  const mount = /ContainerSpec\.Mounts\[(\d+)\]/.exec(field);
  if (mount) {
    const i = Number(mount[1]);
    const volumes = values.volumes.length;
    const tmpfs = values.tmpfs.length;
    if (i < volumes) return `volumes.${i}.source`;
    if (i < volumes + tmpfs) return `tmpfs.${i - volumes}.target`;
    return `binds.${i - volumes - tmpfs}.source`;
  }
  const file = /ContainerSpec\.(Secrets|Configs)\[(\d+)\]/.exec(field);
  if (file) return `${file[1] === "Secrets" ? "secrets" : "configs"}.${file[2]}.name`;
  if (/ContainerSpec\.(Command|Args)/.test(field)) return "command";
  if (/ContainerSpec\.Env/.test(field)) return "env";
  if (/ContainerSpec\.Image/.test(field)) return "image";
  if (/ContainerSpec\.User/.test(field)) return "user";
  if (/TaskTemplate\.Networks/.test(field)) return "networks";
  if (/TaskTemplate\.Resources/.test(field)) return "resources.limitCpus";
  if (/EndpointSpec/.test(field)) return "ports";
  if (/TaskTemplate\.Placement/.test(field)) return "placement.constraints";
  return "name";
}
