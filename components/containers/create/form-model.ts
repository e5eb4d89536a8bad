// The create form's values (text, as typed) and the container spec they become, checked with
// the server's own schema (containerSpec). Blank rows are left out of the spec; every problem
// comes back on the form field it belongs to ("ports.2.hostPort" in the spec may be the
// form's "ports.3.hostPort" when a blank row came before it), which is what the form's
// resolver and the server's policy violations use to put messages on fields.
import { containerSpec, type ContainerSpec, type ContainerSpecInput } from "@/server/workloads/container-spec";
import { MB, megabytes, numberOf } from "@/components/workload-form/limits";
import {
  emptyForm,
  NAMESPACE_MODES,
  type ContainerFormValues,
  type HostAccessValues,
} from "@/components/workload-form/values";
import { joinWords, listOf, splitWords } from "@/components/workload-form/words";

export { splitWords, joinWords };
export * from "@/components/workload-form/values";

// ---- form -> spec ----------------------------------------------------------------------------

export interface Issue {
  /** the form field: "ports.3.hostPort", "image" */
  path: string;
  message: string;
}

export interface Conversion {
  /** what the server gets; undefined while a field cannot be read */
  spec?: ContainerSpec;
  input: ContainerSpecInput;
  /** every problem, on the form field it belongs to */
  issues: Issue[];
  /** a spec path (a server violation's field) as the form's path */
  formPath: (specPath: string, code?: string) => string;
}

/** Lists the form keeps rows for, and the field a problem with a whole row is shown on. */
const ROWS: Record<string, string> = {
  env: "name",
  ports: "containerPort",
  volumes: "source",
  tmpfs: "target",
  networks: "name",
  "hostAccess.devices": "pathOnHost",
  "hostAccess.bindMounts": "source",
};
/** Spec lists the form holds as one text field. */
const TEXT_LISTS = ["command", "entrypoint", "hostAccess.capAdd", "hostAccess.securityOpt", "hostAccess.volumesFrom"];
/** Spec fields the form spells (or measures) differently. */
const RENAMED: Record<string, string> = {
  "resources.memoryBytes": "resources.memoryMb",
  sizeBytes: "sizeMb",
  "healthcheck.test": "healthcheck.command",
  "restartPolicy.maximumRetryCount": "restartPolicy.maximumRetryCount",
};
/** What a duplicate carries without the form showing it. */
const CARRIED = ["hostAccess.binds", "hostAccess.deviceRequests", "hostAccess.raw"];

/**
 * The spec for the form, checked with the server's own schema. Blank rows are left out;
 * `options.hostAccess`: the host access section is shown (a duplicate's host access is sent
 * whatever, so that the server refuses it rather than it being dropped silently).
 */
export function toSpec(form: ContainerFormValues, options: { hostAccess: boolean }): Conversion {
  const issues: Issue[] = [];
  // Per list, the form index of each spec entry; per record, the form index of each key.
  const rowsOf: Record<string, number[]> = {};
  const keysOf: Record<string, Map<string, number>> = {};
  const keep = <T>(list: string, rows: T[], blank: (r: T) => boolean) => {
    const indices = rows.flatMap((r, i) => (blank(r) ? [] : [i]));
    rowsOf[list] = indices;
    return indices.map((i) => [rows[i]!, i] as const);
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
    input.env = env.map(([r]) =>
      r.fromSource ? { name: r.name.trim(), fromSource: true as const } : { name: r.name.trim(), value: r.value },
    );
  }
  if (env.some(([r]) => r.fromSource) && form.source) input.source = form.source;

  const record = (path: string, rows: { key: string; value: string }[], duplicate: (key: string) => string) => {
    const out: Record<string, string> = {};
    const keys = new Map<string, number>();
    keysOf[path] = keys;
    rows.forEach((r, i) => {
      const key = r.key.trim();
      if (!key && !r.value) return;
      if (!key) issues.push({ path: `${path}.${i}.key`, message: "A key is required." });
      else if (keys.has(key)) issues.push({ path: `${path}.${i}.key`, message: duplicate(key) });
      else {
        keys.set(key, i);
        out[key] = r.value;
      }
    });
    return out;
  };
  const labels = record("labels", form.labels, (key) => `${key} is set twice.`);
  if (Object.keys(labels).length || form.labels.some((r) => r.key.trim())) input.labels = labels;

  input.restartPolicy = { name: form.restartPolicy.name };
  if (form.restartPolicy.name === "on-failure") {
    const retries = numberOf(form.restartPolicy.maximumRetryCount, "restartPolicy.maximumRetryCount", issues);
    if (retries !== undefined) input.restartPolicy.maximumRetryCount = retries;
  }
  const ports = keep("ports", form.ports, (r) => !r.hostPort.trim() && !r.containerPort.trim() && !r.hostIp.trim());
  if (ports.length) {
    input.ports = ports.map(([r, i]) => {
      if (!r.containerPort.trim())
        issues.push({ path: `ports.${i}.containerPort`, message: "Which port in the container?" });
      const containerPort = numberOf(r.containerPort, `ports.${i}.containerPort`, issues);
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
    input.volumes = volumes.map(([r]) => ({ source: r.source.trim(), target: r.target.trim(), readOnly: r.readOnly }));
  }
  const tmpfs = keep("tmpfs", form.tmpfs, (r) => !r.target.trim());
  if (tmpfs.length) {
    input.tmpfs = tmpfs.map(([r, i]) => {
      const mb = numberOf(r.sizeMb, `tmpfs.${i}.sizeMb`, issues, false);
      return { target: r.target.trim(), ...(mb !== undefined ? { sizeBytes: Math.round(mb * MB) } : {}) };
    });
  }
  const networks = keep("networks", form.networks, (r) => !r.name.trim());
  if (networks.length) input.networks = networks.map(([r]) => ({ name: r.name.trim(), aliases: listOf(r.aliases) }));

  const resources: NonNullable<ContainerSpecInput["resources"]> = {};
  const memory = numberOf(form.resources.memoryMb, "resources.memoryMb", issues, false);
  if (memory !== undefined) resources.memoryBytes = Math.round(memory * MB);
  const cpus = numberOf(form.resources.cpus, "resources.cpus", issues, false);
  if (cpus !== undefined) resources.cpus = cpus;
  const pids = numberOf(form.resources.pidsLimit, "resources.pidsLimit", issues);
  if (pids !== undefined) resources.pidsLimit = pids;
  if (Object.keys(resources).length) input.resources = resources;
  if (form.user.trim()) input.user = form.user.trim();
  if (form.workingDir.trim()) input.workingDir = form.workingDir.trim();
  if (form.hostname.trim()) input.hostname = form.hostname.trim();

  const h = form.healthcheck;
  if (h.mode === "none") input.healthcheck = { test: ["NONE"] };
  else if (h.mode === "custom") {
    const interval = numberOf(h.intervalSeconds, "healthcheck.intervalSeconds", issues, false);
    const timeout = numberOf(h.timeoutSeconds, "healthcheck.timeoutSeconds", issues, false);
    const retries = numberOf(h.retries, "healthcheck.retries", issues);
    const startPeriod = numberOf(h.startPeriodSeconds, "healthcheck.startPeriodSeconds", issues, false);
    input.healthcheck = {
      test: ["CMD-SHELL", h.command.trim()],
      ...(interval !== undefined ? { intervalSeconds: interval } : {}),
      ...(timeout !== undefined ? { timeoutSeconds: timeout } : {}),
      ...(retries !== undefined ? { retries } : {}),
      ...(startPeriod !== undefined ? { startPeriodSeconds: startPeriod } : {}),
    };
    if (!h.command.trim()) issues.push({ path: "healthcheck.command", message: "Give the command to run." });
  }

  const a = form.hostAccess;
  const access: NonNullable<ContainerSpecInput["hostAccess"]> = { ...a.carried };
  // The section's fields count only where it is shown (or was filled by a duplicate).
  if (options.hostAccess || hasAccess(a)) {
    if (a.privileged) access.privileged = true;
    if (listOf(a.capAdd).length) access.capAdd = listOf(a.capAdd);
    const devices = keep("hostAccess.devices", a.devices, (r) => !r.pathOnHost.trim());
    if (devices.length) {
      access.devices = devices.map(([r]) => ({
        pathOnHost: r.pathOnHost.trim(),
        ...(r.pathInContainer.trim() ? { pathInContainer: r.pathInContainer.trim() } : {}),
        cgroupPermissions: r.cgroupPermissions.trim() || "rwm",
      }));
    }
    for (const key of [...NAMESPACE_MODES, "runtime"] as const) if (a[key].trim()) access[key] = a[key].trim();
    if (listOf(a.securityOpt, /\n/).length) access.securityOpt = listOf(a.securityOpt, /\n/);
    const sysctls = record("hostAccess.sysctls", a.sysctls, (key) => `${key} is set twice.`);
    if (Object.keys(sysctls).length) access.sysctls = sysctls;
    const binds = keep("hostAccess.bindMounts", a.bindMounts, (r) => !r.source.trim() && !r.target.trim());
    if (binds.length) {
      access.bindMounts = binds.map(([r]) => ({
        source: r.source.trim(),
        target: r.target.trim(),
        readOnly: r.readOnly,
      }));
    }
    if (listOf(a.volumesFrom).length) access.volumesFrom = listOf(a.volumesFrom);
  }
  if (Object.keys(access).length) input.hostAccess = access;

  const formPath = (specPath: string, code?: string) => formPathOf(specPath, rowsOf, keysOf, code);
  const parsed = containerSpec.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      issues.push({ path: formPath(issue.path.map(String).join("."), issue.code), message: issue.message });
    }
  }
  const ok = parsed.success && !issues.length;
  return { ...(ok ? { spec: parsed.data } : {}), input, issues: firstPerPath(issues), formPath };
}

function firstPerPath(issues: Issue[]): Issue[] {
  const seen = new Set<string>();
  return issues.filter((i) => !seen.has(i.path) && seen.add(i.path));
}

/**
 * A spec path ("ports.2.hostPort", "labels.team", "hostAccess.bindMounts.0") as the form's
 * path ("ports.3.hostPort", "labels.1.key", "hostAccess.bindMounts.0.source").
 */
function formPathOf(
  specPath: string,
  rowsOf: Record<string, number[]>,
  keysOf: Record<string, Map<string, number>>,
  code?: string,
): string {
  if (RENAMED[specPath]) return RENAMED[specPath];
  for (const carried of CARRIED)
    if (specPath === carried || specPath.startsWith(`${carried}.`)) return "hostAccess.carried";
  for (const list of TEXT_LISTS) if (specPath.startsWith(`${list}.`)) return list;
  for (const [path, keys] of Object.entries(keysOf)) {
    if (!specPath.startsWith(`${path}.`)) continue;
    const index = keys.get(specPath.slice(path.length + 1));
    // A record's problem is with a value unless the schema said it was the key.
    return index === undefined ? path : `${path}.${index}.${code === "invalid_key" ? "key" : "value"}`;
  }
  for (const [list, first] of Object.entries(ROWS)) {
    if (!specPath.startsWith(`${list}.`)) continue;
    const [index = "", field, ...rest] = specPath.slice(list.length + 1).split(".");
    const row = rowsOf[list]?.[Number(index)];
    if (row === undefined) return list;
    if (!field) return `${list}.${row}.${first}`;
    // a list inside a row (a network's aliases) is one text field
    return `${list}.${row}.${RENAMED[field] ?? field}${rest.length && !/^\d+$/.test(rest[0]!) ? `.${rest.join(".")}` : ""}`;
  }
  return specPath;
}

/** Whether any field of the host access section holds something. */
export function hasAccess(a: HostAccessValues): boolean {
  return (
    a.privileged ||
    Boolean(
      a.capAdd.trim() ||
      NAMESPACE_MODES.some((key) => a[key].trim()) ||
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

// ---- spec -> form (duplicate and edit) --------------------------------------------------------

export function fromSpec(spec: ContainerSpecInput, environmentId: string): ContainerFormValues {
  const form = emptyForm(environmentId);
  form.image = spec.image;
  form.name = spec.name ?? "";
  form.command = spec.command ? joinWords(spec.command) : "";
  form.entrypoint = spec.entrypoint ? joinWords(spec.entrypoint) : "";
  form.env = (spec.env ?? []).map((e) => ({ name: e.name, value: e.value ?? "", fromSource: Boolean(e.fromSource) }));
  form.labels = Object.entries(spec.labels ?? {}).map(([key, value]) => ({ key, value }));
  form.restartPolicy = {
    name: spec.restartPolicy?.name ?? "no",
    maximumRetryCount: spec.restartPolicy?.maximumRetryCount ? String(spec.restartPolicy.maximumRetryCount) : "",
  };
  form.ports = (spec.ports ?? []).map((p) => ({
    hostIp: p.hostIp ?? "",
    hostPort: p.hostPort ? String(p.hostPort) : "",
    containerPort: String(p.containerPort),
    protocol: p.protocol ?? "tcp",
  }));
  form.volumes = (spec.volumes ?? []).map((v) => ({
    source: v.source,
    target: v.target,
    readOnly: v.readOnly ?? false,
  }));
  form.tmpfs = (spec.tmpfs ?? []).map((t) => ({ target: t.target, sizeMb: megabytes(t.sizeBytes) }));
  form.networks = (spec.networks ?? []).map((n) => ({ name: n.name, aliases: (n.aliases ?? []).join(", ") }));
  form.resources = {
    memoryMb: megabytes(spec.resources?.memoryBytes),
    cpus: spec.resources?.cpus ? String(spec.resources.cpus) : "",
    pidsLimit: spec.resources?.pidsLimit ? String(spec.resources.pidsLimit) : "",
  };
  form.user = spec.user ?? "";
  form.workingDir = spec.workingDir ?? "";
  form.hostname = spec.hostname ?? "";
  const h = spec.healthcheck;
  if (h?.test[0] === "NONE") form.healthcheck.mode = "none";
  else if (h) {
    form.healthcheck = {
      mode: "custom",
      command: h.test[0] === "CMD-SHELL" ? (h.test[1] ?? "") : joinWords(h.test.slice(1)),
      intervalSeconds: h.intervalSeconds !== undefined ? String(h.intervalSeconds) : "",
      timeoutSeconds: h.timeoutSeconds !== undefined ? String(h.timeoutSeconds) : "",
      retries: h.retries !== undefined ? String(h.retries) : "",
      startPeriodSeconds: h.startPeriodSeconds !== undefined ? String(h.startPeriodSeconds) : "",
    };
  }
  form.start = spec.start ?? true;
  if (spec.source) form.source = spec.source;
  const a = spec.hostAccess;
  if (a) {
    form.hostAccess = {
      privileged: a.privileged ?? false,
      capAdd: (a.capAdd ?? []).join(", "),
      devices: (a.devices ?? []).map((d) => ({
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
      sysctls: Object.entries(a.sysctls ?? {}).map(([key, value]) => ({ key, value })),
      runtime: a.runtime ?? "",
      bindMounts: (a.bindMounts ?? []).map((b) => ({
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
