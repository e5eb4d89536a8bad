// Adopt: a compose file reconstructed from a stack's live specs (a stack deployed elsewhere,
// by the CLI or anyone), such that deploying it unchanged changes no spec and restarts no task.
// Secrets are declared external (their data cannot be read back); configs come back with their
// data as files. What a compose file cannot say (seccomp, groups, DNS options...) is listed.
import type Docker from "dockerode";
import { stringify } from "yaml";
import { formatGoDuration } from "./compose/go-values";
import { LABEL_IMAGE, LABEL_NAMESPACE } from "./convert";
import { engineCall, filters } from "./engine-api";
import { StackNotFoundError } from "./errors";

export interface AdoptedStack {
  /** the compose file (YAML) */
  composeFile: string;
  /** files the compose file names (config data), path relative to the compose file -> content */
  files: Record<string, Uint8Array>;
  /** live settings a compose file cannot express: adopting drops them on the next deploy */
  lossy: { service: string; field: string; message: string }[];
}

type Obj = Record<string, unknown>;

interface Listed {
  ID?: string;
  Id?: string;
  Name?: string;
  Spec?: Obj & { Name?: string; Labels?: Record<string, string> };
  Driver?: string;
  Options?: Record<string, string> | null;
  Labels?: Record<string, string> | null;
  Internal?: boolean;
  Attachable?: boolean;
  IPAM?: { Driver?: string; Config?: { Subnet?: string }[] | null };
}

/** Options the engine adds to an overlay network itself. */
const ENGINE_NETWORK_OPTIONS = new Set(["com.docker.network.driver.overlay.vxlanid_list"]);

const escape = (text: string) => text.replaceAll("$", "$$$$");

function escapeDeep(value: unknown): unknown {
  if (typeof value === "string") return escape(value);
  if (Array.isArray(value)) return value.map(escapeDeep);
  if (value && typeof value === "object" && !(value instanceof Uint8Array)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeDeep(v)]));
  }
  return value;
}

function withoutKeys(
  labels: Record<string, string> | null | undefined,
  ...drop: string[]
): Record<string, string> | undefined {
  const out = Object.fromEntries(Object.entries(labels ?? {}).filter(([k]) => !drop.includes(k)));
  return Object.keys(out).length ? out : undefined;
}

function keyFor(name: string, stack: string): { key: string; explicitName?: string } {
  const prefix = `${stack}_`;
  if (name.startsWith(prefix) && /^[a-zA-Z0-9._-]+$/.test(name.slice(prefix.length)))
    return { key: name.slice(prefix.length) };
  return { key: name.replace(/[^a-zA-Z0-9._-]/g, "_"), explicitName: name };
}

function cpus(nano: number): string {
  const whole = Math.trunc(nano / 1e9);
  const fraction = String(nano % 1e9)
    .padStart(9, "0")
    .replace(/0+$/, "");
  return fraction ? `${whole}.${fraction}` : String(whole);
}

function durationOf(ns: unknown): string | undefined {
  return typeof ns === "number" ? formatGoDuration(ns) : undefined;
}

function put(target: Obj, key: string, value: unknown): void {
  if (value === undefined || value === null) return;
  if (Array.isArray(value) && value.length === 0) return;
  if (typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 0) return;
  target[key] = value;
}

function updateConfigOf(config: Obj | undefined): Obj | undefined {
  if (!config) return undefined;
  const out: Obj = {};
  put(out, "parallelism", config.Parallelism ?? 0);
  put(out, "delay", durationOf(config.Delay));
  put(out, "failure_action", config.FailureAction || undefined);
  put(out, "monitor", durationOf(config.Monitor));
  put(out, "max_failure_ratio", config.MaxFailureRatio ?? 0);
  put(out, "order", config.Order || undefined);
  return out;
}

export async function adoptStack(docker: Docker, stack: string, signal?: AbortSignal): Promise<AdoptedStack> {
  const label = filters({ label: [`${LABEL_NAMESPACE}=${stack}`] });
  const get = <T>(path: string, query?: Record<string, string>) =>
    engineCall<T>(docker, { method: "GET", path, ...(query ? { query } : {}), signal }, `list ${path.slice(1)}`);
  const [services, allNetworks, allSecrets, allConfigs] = await Promise.all([
    get<Listed[]>("/services", label),
    get<Listed[]>("/networks"),
    get<Listed[]>("/secrets"),
    get<Listed[]>("/configs"),
  ]);
  if (services.length === 0) throw new StackNotFoundError(`No services found in stack: ${stack}`);

  const lossy: AdoptedStack["lossy"] = [];
  const files: Record<string, Uint8Array> = {};
  const networkById = new Map<string, Listed>();
  for (const n of allNetworks) networkById.set(n.Id ?? n.ID ?? "", n);
  const secretsByName = new Map(allSecrets.map((s) => [s.Spec?.Name ?? "", s]));
  const configsByName = new Map(allConfigs.map((c) => [c.Spec?.Name ?? "", c]));

  const topNetworks: Obj = {};
  const topVolumes: Obj = {};
  const topSecrets: Obj = {};
  const topConfigs: Obj = {};
  const out: Obj = {};

  const sorted = [...services].sort((a, b) => ((a.Spec?.Name ?? "") < (b.Spec?.Name ?? "") ? -1 : 1));
  for (const service of sorted) {
    const spec = service.Spec as Obj & { Name: string; Labels?: Record<string, string> };
    const name = keyFor(spec.Name, stack).key;
    const task = (spec.TaskTemplate ?? {}) as Obj;
    const c = (task.ContainerSpec ?? {}) as Obj;
    const s: Obj = {};
    const lose = (field: string, message: string) => lossy.push({ service: name, field, message });

    s.image = spec.Labels?.[LABEL_IMAGE] ?? c.Image;
    put(s, "labels", withoutKeys(c.Labels as Record<string, string>, LABEL_NAMESPACE));
    put(s, "entrypoint", c.Command);
    put(s, "command", c.Args);
    put(s, "hostname", c.Hostname || undefined);
    put(s, "environment", c.Env);
    put(s, "working_dir", c.Dir || undefined);
    put(s, "user", c.User || undefined);
    if (typeof c.Init === "boolean") s.init = c.Init;
    put(s, "stop_signal", c.StopSignal || undefined);
    if (c.TTY) s.tty = true;
    if (c.OpenStdin) s.stdin_open = true;
    if (c.ReadOnly) s.read_only = true;
    put(s, "stop_grace_period", durationOf(c.StopGracePeriod));
    put(s, "isolation", c.Isolation || undefined);
    put(s, "sysctls", c.Sysctls);
    put(s, "cap_add", c.CapabilityAdd);
    put(s, "cap_drop", c.CapabilityDrop);
    if (typeof c.OomScoreAdj === "number" && c.OomScoreAdj !== 0) s.oom_score_adj = c.OomScoreAdj;
    for (const field of ["Groups", "Mode"] as const) {
      if (c[field] !== undefined && (!Array.isArray(c[field]) || (c[field] as unknown[]).length)) {
        lose(`TaskTemplate.ContainerSpec.${field}`, "no compose key");
      }
    }
    const privileges = (c.Privileges ?? {}) as Obj;
    for (const [key, value] of Object.entries(privileges)) {
      if (value !== null && value !== undefined)
        lose(`TaskTemplate.ContainerSpec.Privileges.${key}`, "not expressible in a stack file");
    }
    const health = c.Healthcheck as Obj | undefined;
    if (health) {
      const test = health.Test as string[] | undefined;
      if (test?.length === 1 && test[0] === "NONE") s.healthcheck = { disable: true };
      else {
        const h: Obj = {};
        put(h, "test", test);
        put(h, "interval", durationOf(health.Interval));
        put(h, "timeout", durationOf(health.Timeout));
        put(h, "start_period", durationOf(health.StartPeriod));
        put(h, "start_interval", durationOf(health.StartInterval));
        if (typeof health.Retries === "number" && health.Retries) h.retries = health.Retries;
        s.healthcheck = h;
      }
    }
    const hosts = (c.Hosts as string[] | undefined) ?? [];
    put(
      s,
      "extra_hosts",
      hosts.map((line) => {
        const [ip, ...names] = line.trim().split(/\s+/);
        return `${names.join(" ")}:${ip}`;
      }),
    );
    const dns = c.DNSConfig as Obj | undefined;
    if (dns) {
      put(s, "dns", dns.Nameservers);
      put(s, "dns_search", dns.Search);
      if ((dns.Options as unknown[] | undefined)?.length)
        lose(
          "TaskTemplate.ContainerSpec.DNSConfig.Options",
          "no compose key (dns_opt is refused by docker stack deploy)",
        );
    }
    const ulimits = (c.Ulimits as { Name: string; Soft: number; Hard: number }[] | undefined) ?? [];
    if (ulimits.length) {
      s.ulimits = Object.fromEntries(
        ulimits.map((u) => [u.Name, u.Soft === u.Hard ? u.Soft : { soft: u.Soft, hard: u.Hard }]),
      );
    }

    // mounts, and the top-level volumes they use
    const volumes: Obj[] = [];
    for (const m of (c.Mounts as Obj[] | undefined) ?? []) {
      const v: Obj = { type: m.Type };
      const options = (m.VolumeOptions ?? undefined) as Obj | undefined;
      if (m.Type === "volume" && typeof m.Source === "string" && m.Source !== "") {
        const labels = options?.Labels as Record<string, string> | undefined;
        const owned = labels?.[LABEL_NAMESPACE] === stack;
        const { key, explicitName } = owned
          ? keyFor(m.Source, stack)
          : { key: m.Source.replace(/[^a-zA-Z0-9._-]/g, "_"), explicitName: m.Source };
        const top: Obj = {};
        if (owned) {
          if (explicitName) top.name = explicitName;
          const driver = options?.DriverConfig as Obj | undefined;
          if (driver) {
            top.driver = driver.Name ?? "";
            put(top, "driver_opts", driver.Options);
          }
          put(top, "labels", withoutKeys(labels, LABEL_NAMESPACE));
        } else {
          top.external = true;
          top.name = m.Source;
        }
        topVolumes[key] = top;
        v.source = key;
      } else put(v, "source", m.Source || undefined);
      put(v, "target", m.Target);
      if (m.ReadOnly) v.read_only = true;
      put(v, "consistency", m.Consistency || undefined);
      if (m.BindOptions) {
        const b = m.BindOptions as Obj;
        v.bind = b.Propagation ? { propagation: b.Propagation } : {};
        if (Object.keys(b).some((k) => k !== "Propagation"))
          lose("Mounts.BindOptions", "only propagation is expressible");
      }
      if (options && (options.NoCopy || options.Subpath)) {
        const vol: Obj = {};
        if (options.NoCopy) vol.nocopy = true;
        put(vol, "subpath", options.Subpath);
        v.volume = vol;
      }
      if (m.TmpfsOptions) {
        const t = m.TmpfsOptions as Obj;
        v.tmpfs = t.SizeBytes ? { size: t.SizeBytes } : {};
        if (t.Mode) lose("Mounts.TmpfsOptions.Mode", "no compose key");
      }
      volumes.push(v);
    }
    put(s, "volumes", volumes);

    for (const [kind, top, byName] of [
      ["Secrets", topSecrets, secretsByName],
      ["Configs", topConfigs, configsByName],
    ] as const) {
      const refs = (c[kind] as Obj[] | undefined) ?? [];
      const listed: Obj[] = [];
      for (const ref of refs) {
        const objectName = String(ref[kind === "Secrets" ? "SecretName" : "ConfigName"]);
        if (!ref.File) {
          lose(`TaskTemplate.ContainerSpec.${kind}`, `${objectName} is not mounted as a file (a runtime config)`);
          continue;
        }
        const object = byName.get(objectName);
        const owned = object?.Spec?.Labels?.[LABEL_NAMESPACE] === stack;
        const { key, explicitName } = owned
          ? keyFor(objectName, stack)
          : { key: objectName.replace(/[^a-zA-Z0-9._-]/g, "_"), explicitName: objectName };
        if (kind === "Secrets" || !owned || !object) {
          // a secret's data cannot be read back: it stays as it is, named
          top[key] = { external: true, name: objectName };
        } else {
          const entry: Obj = {};
          if (explicitName) entry.name = explicitName;
          const path = `configs/${key}`;
          entry.file = `./${path}`;
          files[path] = Buffer.from(typeof object.Spec?.Data === "string" ? object.Spec.Data : "", "base64");
          put(entry, "labels", withoutKeys(object.Spec?.Labels, LABEL_NAMESPACE));
          const templating = object.Spec?.Templating as Obj | undefined;
          if (templating?.Name) entry.template_driver = templating.Name;
          top[key] = entry;
        }
        const file = ref.File as Obj;
        listed.push({ source: key, target: file.Name, uid: file.UID, gid: file.GID, mode: file.Mode });
      }
      put(s, kind === "Secrets" ? "secrets" : "configs", listed);
    }

    // networks
    const attachments = (task.Networks as Obj[] | undefined) ?? [];
    const serviceNetworks: Obj = {};
    for (const attachment of attachments) {
      const network =
        networkById.get(String(attachment.Target)) ??
        [...networkById.values()].find((n) => n.Name === attachment.Target);
      const networkName = network?.Name ?? String(attachment.Target);
      const owned = network?.Labels?.[LABEL_NAMESPACE] === stack;
      const { key, explicitName } = owned
        ? keyFor(networkName, stack)
        : { key: networkName.replace(/[^a-zA-Z0-9._-]/g, "_"), explicitName: networkName };
      if (!topNetworks[key]) {
        const top: Obj = {};
        if (owned && network) {
          if (explicitName) top.name = explicitName;
          if (network.Driver && network.Driver !== "overlay") top.driver = network.Driver;
          put(top, "driver_opts", withoutKeys(network.Options, ...ENGINE_NETWORK_OPTIONS));
          if (network.Internal) top.internal = true;
          if (network.Attachable) top.attachable = true;
          put(top, "labels", withoutKeys(network.Labels, LABEL_NAMESPACE));
          const ipam: Obj = {};
          if (network.IPAM?.Driver && network.IPAM.Driver !== "default") ipam.driver = network.IPAM.Driver;
          put(
            ipam,
            "config",
            (network.IPAM?.Config ?? []).filter((cfg) => cfg.Subnet).map((cfg) => ({ subnet: cfg.Subnet })),
          );
          put(top, "ipam", ipam);
        } else {
          top.external = true;
          top.name = networkName;
        }
        topNetworks[key] = top;
      }
      const aliases = ((attachment.Aliases as string[] | undefined) ?? []).filter(
        (a, i, all) => !(a === name && i === all.lastIndexOf(name)),
      );
      const settings: Obj = {};
      put(settings, "aliases", aliases);
      put(settings, "driver_opts", attachment.DriverOpts);
      serviceNetworks[key] = Object.keys(settings).length ? settings : null;
    }
    if (Object.keys(serviceNetworks).length) s.networks = serviceNetworks;

    // deploy
    const deploy: Obj = {};
    const mode = (spec.Mode ?? {}) as Obj;
    if (mode.Global) deploy.mode = "global";
    else if (mode.GlobalJob) deploy.mode = "global-job";
    else if (mode.ReplicatedJob) {
      const job = mode.ReplicatedJob as Obj;
      deploy.mode = "replicated-job";
      deploy.replicas = job.TotalCompletions ?? job.MaxConcurrent;
      if (job.MaxConcurrent !== job.TotalCompletions)
        lose("Mode.ReplicatedJob", "MaxConcurrent differs from TotalCompletions");
    } else if (mode.Replicated) deploy.replicas = (mode.Replicated as Obj).Replicas ?? 1;
    put(deploy, "labels", withoutKeys(spec.Labels, LABEL_NAMESPACE, LABEL_IMAGE));
    put(deploy, "update_config", updateConfigOf(spec.UpdateConfig as Obj | undefined));
    put(deploy, "rollback_config", updateConfigOf(spec.RollbackConfig as Obj | undefined));
    const resources = (task.Resources ?? {}) as Obj;
    const res: Obj = {};
    const limits = resources.Limits as Obj | undefined;
    if (limits) {
      const l: Obj = {};
      if (limits.NanoCPUs) l.cpus = cpus(limits.NanoCPUs as number);
      if (limits.MemoryBytes) l.memory = JSON.stringify(limits.MemoryBytes);
      if (limits.Pids) l.pids = limits.Pids;
      res.limits = l;
    }
    const reservations = resources.Reservations as Obj | undefined;
    if (reservations) {
      const r: Obj = {};
      if (reservations.NanoCPUs) r.cpus = cpus(reservations.NanoCPUs as number);
      if (reservations.MemoryBytes) r.memory = JSON.stringify(reservations.MemoryBytes);
      const generic = (reservations.GenericResources as Obj[] | undefined) ?? [];
      put(
        r,
        "generic_resources",
        generic.map((g) => {
          const d = g.DiscreteResourceSpec as Obj | undefined;
          if (g.NamedResourceSpec)
            lose("Resources.Reservations.GenericResources", "named generic resources have no compose key");
          return d ? { discrete_resource_spec: { kind: d.Kind, value: d.Value ?? 0 } } : {};
        }),
      );
      res.reservations = r;
    }
    if (Object.keys(res).length) deploy.resources = res;
    const restart = task.RestartPolicy as Obj | undefined;
    if (restart) {
      const r: Obj = {};
      put(r, "condition", restart.Condition || undefined);
      put(r, "delay", durationOf(restart.Delay));
      if (typeof restart.MaxAttempts === "number") r.max_attempts = restart.MaxAttempts;
      put(r, "window", durationOf(restart.Window));
      deploy.restart_policy = r;
    }
    const placement = (task.Placement ?? {}) as Obj;
    const p: Obj = {};
    put(p, "constraints", placement.Constraints);
    put(
      p,
      "preferences",
      ((placement.Preferences as Obj[] | undefined) ?? []).map((pref) => ({
        spread: ((pref.Spread ?? {}) as Obj).SpreadDescriptor,
      })),
    );
    if (placement.MaxReplicas) p.max_replicas_per_node = placement.MaxReplicas;
    put(deploy, "placement", p);
    const endpoint = (spec.EndpointSpec ?? {}) as Obj;
    if (endpoint.Mode && endpoint.Mode !== "vip") deploy.endpoint_mode = endpoint.Mode;
    put(
      s,
      "ports",
      ((endpoint.Ports as Obj[] | undefined) ?? []).map((port) => {
        const out: Obj = { target: port.TargetPort };
        if (port.PublishedPort) out.published = port.PublishedPort;
        put(out, "protocol", port.Protocol);
        put(out, "mode", port.PublishMode);
        return out;
      }),
    );
    const log = task.LogDriver as Obj | undefined;
    if (log) {
      const logging: Obj = {};
      put(logging, "driver", log.Name);
      put(logging, "options", log.Options);
      s.logging = logging;
    }
    if (Object.keys(deploy).length) s.deploy = deploy;
    for (const key of ["Runtime", "PluginSpec", "NetworkAttachmentSpec"]) {
      if (task[key] && task[key] !== "container") lose(`TaskTemplate.${key}`, "not a container service");
    }
    out[name] = s;
  }

  const doc: Obj = { services: out };
  if (Object.keys(topNetworks).length) doc.networks = topNetworks;
  if (Object.keys(topVolumes).length) doc.volumes = topVolumes;
  if (Object.keys(topSecrets).length) doc.secrets = topSecrets;
  if (Object.keys(topConfigs).length) doc.configs = topConfigs;
  const header = `# Adopted from the live specs of stack "${stack}".\n# Secrets are external: their data stays in the swarm and cannot be read back.\n`;
  return { composeFile: header + stringify(escapeDeep(doc), { lineWidth: 0 }), files, lossy };
}
