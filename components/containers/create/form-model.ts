// The create form's state (strings, as typed) and the spec it becomes. Rows have ids of
// their own so that an error at "ports.2.hostPort" in the spec lands on the row the person
// typed it in, even when blank rows were left out.
import { containerSpec, shellQuote, type ContainerSpec, type ContainerSpecInput } from "@/server/containers/spec";

const MB = 1024 * 1024;

let nextId = 0;
export const rowId = () => `r${++nextId}`;

export type RestartName = "no" | "always" | "unless-stopped" | "on-failure";

export interface EnvRow {
  id: string;
  name: string;
  value: string;
  /** the value stays on the server, taken from the source container at create */
  fromSource: boolean;
}
export interface LabelRow {
  id: string;
  key: string;
  value: string;
}
export interface PortRow {
  id: string;
  hostIp: string;
  hostPort: string;
  containerPort: string;
  protocol: "tcp" | "udp" | "sctp";
}
export interface VolumeRow {
  id: string;
  source: string;
  target: string;
  readOnly: boolean;
}
export interface TmpfsRow {
  id: string;
  target: string;
  sizeMb: string;
}
export interface NetworkRow {
  id: string;
  name: string;
  aliases: string;
}
export interface BindRow {
  id: string;
  source: string;
  target: string;
  readOnly: boolean;
}
export interface DeviceRow {
  id: string;
  pathOnHost: string;
  pathInContainer: string;
  cgroupPermissions: string;
}
export interface SysctlRow {
  id: string;
  key: string;
  value: string;
}

export interface HostAccessState {
  privileged: boolean;
  capAdd: string;
  devices: DeviceRow[];
  networkMode: string;
  pidMode: string;
  ipcMode: string;
  utsMode: string;
  usernsMode: string;
  cgroupnsMode: string;
  securityOpt: string;
  sysctls: SysctlRow[];
  runtime: string;
  bindMounts: BindRow[];
  volumesFrom: string;
  /** what a duplicated container has that this form does not edit (binds, device requests, raw) */
  carried: Pick<NonNullable<ContainerSpecInput["hostAccess"]>, "binds" | "deviceRequests" | "raw">;
}

export interface FormState {
  environmentId: string;
  image: string;
  name: string;
  command: string;
  entrypoint: string;
  env: EnvRow[];
  labels: LabelRow[];
  restart: RestartName;
  maxRetries: string;
  ports: PortRow[];
  volumes: VolumeRow[];
  tmpfs: TmpfsRow[];
  networks: NetworkRow[];
  memoryMb: string;
  cpus: string;
  pidsLimit: string;
  user: string;
  workingDir: string;
  hostname: string;
  health: "image" | "custom" | "none";
  healthCommand: string;
  healthInterval: string;
  healthTimeout: string;
  healthRetries: string;
  healthStartPeriod: string;
  start: boolean;
  source?: { environmentId: string; containerId: string };
  access: HostAccessState;
}

export const emptyRow = {
  env: (): EnvRow => ({ id: rowId(), name: "", value: "", fromSource: false }),
  labels: (): LabelRow => ({ id: rowId(), key: "", value: "" }),
  ports: (): PortRow => ({ id: rowId(), hostIp: "", hostPort: "", containerPort: "", protocol: "tcp" }),
  volumes: (): VolumeRow => ({ id: rowId(), source: "", target: "", readOnly: false }),
  tmpfs: (): TmpfsRow => ({ id: rowId(), target: "", sizeMb: "64" }),
  networks: (): NetworkRow => ({ id: rowId(), name: "", aliases: "" }),
  bindMounts: (): BindRow => ({ id: rowId(), source: "", target: "", readOnly: false }),
  devices: (): DeviceRow => ({ id: rowId(), pathOnHost: "", pathInContainer: "", cgroupPermissions: "rwm" }),
  sysctls: (): SysctlRow => ({ id: rowId(), key: "", value: "" }),
};

export function emptyAccess(): HostAccessState {
  return {
    privileged: false,
    capAdd: "",
    devices: [],
    networkMode: "",
    pidMode: "",
    ipcMode: "",
    utsMode: "",
    usernsMode: "",
    cgroupnsMode: "",
    securityOpt: "",
    sysctls: [],
    runtime: "",
    bindMounts: [],
    volumesFrom: "",
    carried: {},
  };
}

export function emptyForm(environmentId = ""): FormState {
  return {
    environmentId,
    image: "",
    name: "",
    command: "",
    entrypoint: "",
    env: [],
    labels: [],
    restart: "no",
    maxRetries: "",
    ports: [],
    volumes: [],
    tmpfs: [],
    networks: [],
    memoryMb: "",
    cpus: "",
    pidsLimit: "",
    user: "",
    workingDir: "",
    hostname: "",
    health: "image",
    healthCommand: "",
    healthInterval: "",
    healthTimeout: "",
    healthRetries: "",
    healthStartPeriod: "",
    start: true,
    access: emptyAccess(),
  };
}

// ---- words -----------------------------------------------------------------------------------

/** Splits a command line as a POSIX shell would (quotes and backslashes; no expansion). */
export function splitWords(text: string): { words: string[] } | { error: string } {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote === "'") {
      if (c === "'") quote = null;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === "\\" && i + 1 < text.length && '"\\$`'.includes(text[i + 1]!)) word += text[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === "\\" && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) return { error: `A ${quote === "'" ? "single" : "double"} quote is not closed.` };
  if (inWord) words.push(word);
  return { words };
}

export const joinWords = (words: readonly string[]) => words.map(shellQuote).join(" ");

const list = (text: string, separator = /[\s,]+/) =>
  text
    .split(separator)
    .map((s) => s.trim())
    .filter(Boolean);

// ---- form → spec -----------------------------------------------------------------------------

export interface Conversion {
  /** what the server gets; undefined while a field cannot be read */
  spec?: ContainerSpec;
  input: ContainerSpecInput;
  /** form field key → message */
  errors: Record<string, string>;
  /** per list, the ids of the rows that went into the spec, in order (to place server errors) */
  rowsOf: Record<string, string[]>;
}

type Issue = { path: string; message: string };

function numberOf(text: string, path: string, issues: Issue[], integer = true): number | undefined {
  const t = text.trim();
  if (!t) return undefined;
  const n = Number(t);
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n))) {
    issues.push({ path, message: integer ? "Enter a whole number." : "Enter a number." });
    return undefined;
  }
  return n;
}

/**
 * The spec for the form, checked with the server's own schema. Blank rows are left out;
 * errors come back keyed by form field ("ports.<rowId>.hostPort", "image", …).
 */
export function toSpec(form: FormState, options: { hostAccess: boolean }): Conversion {
  const issues: Issue[] = [];
  // spec list index → row id, per list, to put row errors on the right row.
  const rowsOf: Record<string, string[]> = {};
  const keep = <T extends { id: string }>(key: string, rows: T[], blank: (r: T) => boolean) => {
    const kept = rows.filter((r) => !blank(r));
    rowsOf[key] = kept.map((r) => r.id);
    return kept;
  };

  const input: ContainerSpecInput = { image: form.image.trim(), start: form.start };
  if (form.name.trim()) input.name = form.name.trim();
  for (const key of ["command", "entrypoint"] as const) {
    if (!form[key].trim()) continue;
    const split = splitWords(form[key]);
    if ("error" in split) issues.push({ path: key, message: split.error });
    else input[key] = split.words;
  }
  const env = keep("env", form.env, (r) => !r.name.trim() && !r.value && !r.fromSource);
  if (env.length) {
    input.env = env.map((r) =>
      r.fromSource ? { name: r.name.trim(), fromSource: true as const } : { name: r.name.trim(), value: r.value },
    );
  }
  if (env.some((r) => r.fromSource) && form.source) input.source = form.source;
  const labels = keep("labels", form.labels, (r) => !r.key.trim() && !r.value);
  if (labels.length) {
    input.labels = {};
    labels.forEach((r, i) => {
      const key = r.key.trim();
      if (!key) issues.push({ path: `labels.${i}.key`, message: "A label needs a key." });
      else if (key in input.labels!) issues.push({ path: `labels.${i}.key`, message: `${key} is set twice.` });
      else input.labels![key] = r.value;
    });
  }
  input.restartPolicy = { name: form.restart };
  if (form.restart === "on-failure") {
    const retries = numberOf(form.maxRetries, "restartPolicy.maximumRetryCount", issues);
    if (retries !== undefined) input.restartPolicy.maximumRetryCount = retries;
  }
  const ports = keep("ports", form.ports, (r) => !r.hostPort.trim() && !r.containerPort.trim() && !r.hostIp.trim());
  if (ports.length) {
    input.ports = ports.map((r, i) => {
      const containerPort = numberOf(r.containerPort, `ports.${i}.containerPort`, issues);
      if (!r.containerPort.trim())
        issues.push({ path: `ports.${i}.containerPort`, message: "Which port in the container?" });
      const hostPort = numberOf(r.hostPort, `ports.${i}.hostPort`, issues);
      return {
        containerPort: containerPort ?? 0,
        protocol: r.protocol,
        ...(hostPort !== undefined ? { hostPort } : {}),
        ...(r.hostIp.trim() ? { hostIp: r.hostIp.trim() } : {}),
      };
    });
  }
  const volumes = keep("volumes", form.volumes, (r) => !r.source.trim() && !r.target.trim());
  if (volumes.length) {
    input.volumes = volumes.map((r) => ({ source: r.source.trim(), target: r.target.trim(), readOnly: r.readOnly }));
  }
  const tmpfs = keep("tmpfs", form.tmpfs, (r) => !r.target.trim());
  if (tmpfs.length) {
    input.tmpfs = tmpfs.map((r, i) => {
      const mb = numberOf(r.sizeMb, `tmpfs.${i}.sizeBytes`, issues, false);
      return { target: r.target.trim(), ...(mb !== undefined ? { sizeBytes: Math.round(mb * MB) } : {}) };
    });
  }
  const networks = keep("networks", form.networks, (r) => !r.name.trim());
  if (networks.length) input.networks = networks.map((r) => ({ name: r.name.trim(), aliases: list(r.aliases) }));

  const resources: NonNullable<ContainerSpecInput["resources"]> = {};
  const memory = numberOf(form.memoryMb, "resources.memoryBytes", issues, false);
  if (memory !== undefined) resources.memoryBytes = Math.round(memory * MB);
  const cpus = numberOf(form.cpus, "resources.cpus", issues, false);
  if (cpus !== undefined) resources.cpus = cpus;
  const pids = numberOf(form.pidsLimit, "resources.pidsLimit", issues);
  if (pids !== undefined) resources.pidsLimit = pids;
  if (Object.keys(resources).length) input.resources = resources;
  if (form.user.trim()) input.user = form.user.trim();
  if (form.workingDir.trim()) input.workingDir = form.workingDir.trim();
  if (form.hostname.trim()) input.hostname = form.hostname.trim();

  if (form.health === "none") input.healthcheck = { test: ["NONE"] };
  else if (form.health === "custom") {
    const interval = numberOf(form.healthInterval, "healthcheck.intervalSeconds", issues, false);
    const timeout = numberOf(form.healthTimeout, "healthcheck.timeoutSeconds", issues, false);
    const retries = numberOf(form.healthRetries, "healthcheck.retries", issues);
    const startPeriod = numberOf(form.healthStartPeriod, "healthcheck.startPeriodSeconds", issues, false);
    input.healthcheck = {
      test: ["CMD-SHELL", form.healthCommand.trim()],
      ...(interval !== undefined ? { intervalSeconds: interval } : {}),
      ...(timeout !== undefined ? { timeoutSeconds: timeout } : {}),
      ...(retries !== undefined ? { retries } : {}),
      ...(startPeriod !== undefined ? { startPeriodSeconds: startPeriod } : {}),
    };
    if (!form.healthCommand.trim()) issues.push({ path: "healthcheck.test", message: "Give the command to run." });
  }

  const a = form.access;
  const access: NonNullable<ContainerSpecInput["hostAccess"]> = { ...a.carried };
  // Fields of the host access section count only where it is shown (or was filled by a duplicate).
  if (options.hostAccess || hasAccess(a)) {
    if (a.privileged) access.privileged = true;
    if (list(a.capAdd).length) access.capAdd = list(a.capAdd);
    const devices = keep("hostAccess.devices", a.devices, (r) => !r.pathOnHost.trim());
    if (devices.length) {
      access.devices = devices.map((r) => ({
        pathOnHost: r.pathOnHost.trim(),
        ...(r.pathInContainer.trim() ? { pathInContainer: r.pathInContainer.trim() } : {}),
        cgroupPermissions: r.cgroupPermissions.trim() || "rwm",
      }));
    }
    for (const key of [
      "networkMode",
      "pidMode",
      "ipcMode",
      "utsMode",
      "usernsMode",
      "cgroupnsMode",
      "runtime",
    ] as const) {
      if (a[key].trim()) access[key] = a[key].trim();
    }
    if (list(a.securityOpt, /\n/).length) access.securityOpt = list(a.securityOpt, /\n/);
    const sysctls = keep("hostAccess.sysctls", a.sysctls, (r) => !r.key.trim() && !r.value);
    if (sysctls.length) access.sysctls = Object.fromEntries(sysctls.map((r) => [r.key.trim(), r.value]));
    const binds = keep("hostAccess.bindMounts", a.bindMounts, (r) => !r.source.trim() && !r.target.trim());
    if (binds.length) {
      access.bindMounts = binds.map((r) => ({
        source: r.source.trim(),
        target: r.target.trim(),
        readOnly: r.readOnly,
      }));
    }
    if (list(a.volumesFrom).length) access.volumesFrom = list(a.volumesFrom);
  }
  if (Object.keys(access).length) input.hostAccess = access;

  const errors: Record<string, string> = {};
  const put = (path: string, message: string) => {
    const key = formKey(path, rowsOf);
    errors[key] ??= message;
  };
  // The form's own reading first (a word it could not read), then the server's schema on the rest.
  for (const issue of issues) put(issue.path, issue.message);
  const parsed = containerSpec.safeParse(input);
  if (!parsed.success) for (const issue of parsed.error.issues) put(issue.path.map(String).join("."), issue.message);
  if (issues.length || !parsed.success) return { input, errors, rowsOf };
  return { spec: parsed.data, input, errors, rowsOf };
}

/** Whether any field of the host access section holds something. */
export function hasAccess(a: HostAccessState): boolean {
  return (
    a.privileged ||
    Boolean(
      a.capAdd.trim() ||
      a.networkMode.trim() ||
      a.pidMode.trim() ||
      a.ipcMode.trim() ||
      a.utsMode.trim() ||
      a.usernsMode.trim() ||
      a.cgroupnsMode.trim() ||
      a.securityOpt.trim() ||
      a.runtime.trim() ||
      a.volumesFrom.trim(),
    ) ||
    a.devices.some((r) => r.pathOnHost.trim()) ||
    a.sysctls.some((r) => r.key.trim()) ||
    a.bindMounts.some((r) => r.source.trim() || r.target.trim()) ||
    Object.keys(a.carried).length > 0
  );
}

/**
 * A spec path ("ports.2.hostPort", "hostAccess.bindMounts.0") as the form's key for it
 * ("ports.r7.hostPort", "hostAccess.bindMounts.r9"). Paths of lists the form keeps rows for
 * get the row's id; everything else stays as it is.
 */
export function formKey(path: string, rowsOf: Record<string, string[]>): string {
  for (const [list, ids] of Object.entries(rowsOf)) {
    const prefix = `${list}.`;
    if (!path.startsWith(prefix)) continue;
    const [index, ...rest] = path.slice(prefix.length).split(".");
    const id = ids[Number(index)];
    if (id === undefined) continue;
    return [list, id, ...rest].join(".");
  }
  return path;
}

// ---- spec → form (duplicate and edit) --------------------------------------------------------

const mb = (bytes: number) => String(Math.round((bytes / MB) * 100) / 100);

export function fromSpec(spec: ContainerSpecInput, environmentId: string): FormState {
  const form = emptyForm(environmentId);
  form.image = spec.image;
  form.name = spec.name ?? "";
  form.command = spec.command ? joinWords(spec.command) : "";
  form.entrypoint = spec.entrypoint ? joinWords(spec.entrypoint) : "";
  form.env = (spec.env ?? []).map((e) => ({
    id: rowId(),
    name: e.name,
    value: e.value ?? "",
    fromSource: Boolean(e.fromSource),
  }));
  form.labels = Object.entries(spec.labels ?? {}).map(([key, value]) => ({ id: rowId(), key, value }));
  form.restart = spec.restartPolicy?.name ?? "no";
  form.maxRetries = spec.restartPolicy?.maximumRetryCount ? String(spec.restartPolicy.maximumRetryCount) : "";
  form.ports = (spec.ports ?? []).map((p) => ({
    id: rowId(),
    hostIp: p.hostIp ?? "",
    hostPort: p.hostPort ? String(p.hostPort) : "",
    containerPort: String(p.containerPort),
    protocol: p.protocol ?? "tcp",
  }));
  form.volumes = (spec.volumes ?? []).map((v) => ({
    id: rowId(),
    source: v.source,
    target: v.target,
    readOnly: v.readOnly ?? false,
  }));
  form.tmpfs = (spec.tmpfs ?? []).map((t) => ({
    id: rowId(),
    target: t.target,
    sizeMb: t.sizeBytes ? mb(t.sizeBytes) : "",
  }));
  form.networks = (spec.networks ?? []).map((n) => ({
    id: rowId(),
    name: n.name,
    aliases: (n.aliases ?? []).join(", "),
  }));
  form.memoryMb = spec.resources?.memoryBytes ? mb(spec.resources.memoryBytes) : "";
  form.cpus = spec.resources?.cpus ? String(spec.resources.cpus) : "";
  form.pidsLimit = spec.resources?.pidsLimit ? String(spec.resources.pidsLimit) : "";
  form.user = spec.user ?? "";
  form.workingDir = spec.workingDir ?? "";
  form.hostname = spec.hostname ?? "";
  const h = spec.healthcheck;
  if (h?.test[0] === "NONE") form.health = "none";
  else if (h) {
    form.health = "custom";
    form.healthCommand = h.test[0] === "CMD-SHELL" ? (h.test[1] ?? "") : joinWords(h.test.slice(1));
    form.healthInterval = h.intervalSeconds !== undefined ? String(h.intervalSeconds) : "";
    form.healthTimeout = h.timeoutSeconds !== undefined ? String(h.timeoutSeconds) : "";
    form.healthRetries = h.retries !== undefined ? String(h.retries) : "";
    form.healthStartPeriod = h.startPeriodSeconds !== undefined ? String(h.startPeriodSeconds) : "";
  }
  form.start = spec.start ?? true;
  form.source = spec.source;
  const a = spec.hostAccess;
  if (a) {
    form.access = {
      privileged: a.privileged ?? false,
      capAdd: (a.capAdd ?? []).join(", "),
      devices: (a.devices ?? []).map((d) => ({
        id: rowId(),
        pathOnHost: d.pathOnHost,
        pathInContainer: d.pathInContainer ?? "",
        cgroupPermissions: d.cgroupPermissions ?? "rwm",
      })),
      networkMode: a.networkMode ?? "",
      pidMode: a.pidMode ?? "",
      ipcMode: a.ipcMode ?? "",
      utsMode: a.utsMode ?? "",
      usernsMode: a.usernsMode ?? "",
      cgroupnsMode: a.cgroupnsMode ?? "",
      securityOpt: (a.securityOpt ?? []).join("\n"),
      sysctls: Object.entries(a.sysctls ?? {}).map(([key, value]) => ({ id: rowId(), key, value })),
      runtime: a.runtime ?? "",
      bindMounts: (a.bindMounts ?? []).map((b) => ({
        id: rowId(),
        source: b.source,
        target: b.target,
        readOnly: b.readOnly ?? false,
      })),
      volumesFrom: (a.volumesFrom ?? []).join(", "),
      carried: {
        ...(a.binds?.length ? { binds: a.binds } : {}),
        ...(a.deviceRequests?.length ? { deviceRequests: a.deviceRequests } : {}),
        ...(a.raw ? { raw: a.raw } : {}),
      },
    };
  }
  return form;
}

/** Drops every host access field (for someone who may not grant host access). */
export function withoutAccess(form: FormState): FormState {
  return { ...form, access: emptyAccess() };
}
