// ComposeConfig -> the Engine payloads `docker stack deploy` sends, field for field as
// cli/compose/convert builds them (and as Go's encoding/json writes them: zero values left out
// where the Go field says omitempty, empty structs kept where the Go code sets a pointer).
// Pure: secret and config ids are filled in by the deploy, which looks them up by name.
import { parseCpus } from "./compose/go-values";
import type { ComposeConfig, FileReference, ServiceConfig, UpdateConfigFile } from "./compose/types";
import { StackFileError, type FileIssue } from "./errors";

export const LABEL_NAMESPACE = "com.docker.stack.namespace";
export const LABEL_IMAGE = "com.docker.stack.image";

/** An Engine JSON object as it goes on the wire. */
export type EngineSpec = Record<string, unknown>;

export interface NetworkCreate {
  name: string;
  body: EngineSpec;
}

export interface FileObjectSpec {
  /** the name in the file ("db_password"), as services refer to it */
  key: string;
  spec: { Name: string; Labels: Record<string, string>; Data: string; Templating?: { Name: string } };
}

export interface ServicePlan {
  /** the name in the file ("web"); the engine name is spec.Name */
  name: string;
  /** the service spec; SecretID / ConfigID are empty until the deploy looks them up */
  spec: EngineSpec;
}

export interface StackPlan {
  stack: string;
  networks: NetworkCreate[];
  /** networks declared external: they must exist with swarm scope */
  externalNetworks: string[];
  secrets: FileObjectSpec[];
  configs: FileObjectSpec[];
  /** external secrets and configs the services use: they must exist */
  externalSecrets: string[];
  externalConfigs: string[];
  services: ServicePlan[];
}

export function scope(stack: string, name: string): string {
  return `${stack}_${name}`;
}

/** cli/command/stack: a stack name may not be blank; swarm object names allow [a-zA-Z0-9][a-zA-Z0-9_.-]*. */
export function validateStackName(stack: string): void {
  if (stack.trim() === "")
    throw new StackFileError([{ path: "", message: `invalid stack name: ${JSON.stringify(stack)}` }]);
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(stack) || stack.length > 63) {
    throw new StackFileError([
      {
        path: "",
        message: `invalid stack name: ${JSON.stringify(stack)} (letters, digits, _ . - and at most 63 characters)`,
      },
    ]);
  }
}

function withStackLabel(stack: string, labels: Record<string, string> | undefined): Record<string, string> {
  return { ...labels, [LABEL_NAMESPACE]: stack };
}

/** Go's omitempty: drop undefined, "", 0, false, empty arrays and empty maps. */
function compact(object: Record<string, unknown>): EngineSpec {
  const out: EngineSpec = {};
  for (const [key, value] of Object.entries(object)) {
    if (value === undefined || value === "" || value === 0 || value === false) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    if (isEmptyMap(key, value)) continue;
    out[key] = value;
  }
  return out;
}
/** Go maps under omitempty vanish when empty; Go pointers to structs do not. */
const MAP_FIELDS = new Set(["Labels", "Options", "Sysctls", "DriverOpts"]);
function isEmptyMap(key: string, value: unknown): boolean {
  return MAP_FIELDS.has(key) && value !== null && typeof value === "object" && Object.keys(value).length === 0;
}

function isUserDefinedNetwork(name: string): boolean {
  return !["default", "bridge", "host", "none"].includes(name) && !name.startsWith("container:");
}

function serviceNetworksUsed(services: ServiceConfig[]): Set<string> {
  const used = new Set<string>();
  for (const service of services) {
    const names = Object.keys(service.networks ?? {});
    if (names.length === 0) used.add("default");
    for (const name of names) used.add(name);
  }
  return used;
}

function toBase64(data: Uint8Array | undefined): string {
  return Buffer.from(data ?? new Uint8Array()).toString("base64");
}

/** convert.Networks + convert.Secrets + convert.Configs + convert.Services. */
export function planStack(stack: string, config: ComposeConfig): StackPlan {
  validateStackName(stack);
  const issues: FileIssue[] = [];
  const plan: StackPlan = {
    stack,
    networks: [],
    externalNetworks: [],
    secrets: [],
    configs: [],
    externalSecrets: [],
    externalConfigs: [],
    services: [],
  };

  for (const key of [...serviceNetworksUsed(config.services)].sort()) {
    const network = config.networks[key] ?? { external: false };
    if (network.external) {
      plan.externalNetworks.push(network.name ?? key);
      continue;
    }
    let ipam: EngineSpec | null = null;
    if (network.ipam?.driver || (network.ipam?.config?.length ?? 0) > 0) {
      ipam = compact({
        Driver: network.ipam?.driver,
        Config: (network.ipam?.config ?? []).map((c) => compact({ Subnet: c.subnet })),
      });
    }
    plan.networks.push({
      name: network.name || scope(stack, key),
      body: {
        Driver: network.driver || "overlay",
        Scope: "",
        IPAM: ipam,
        Internal: network.internal ?? false,
        Attachable: network.attachable ?? false,
        Ingress: false,
        ConfigOnly: false,
        ConfigFrom: null,
        Options: network.driverOpts ?? null,
        Labels: withStackLabel(stack, network.labels),
      },
    });
  }

  for (const [kind, objects, out, external] of [
    ["secret", config.secrets, plan.secrets, plan.externalSecrets],
    ["config", config.configs, plan.configs, plan.externalConfigs],
  ] as const) {
    for (const [key, object] of Object.entries(objects).sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (object.external) {
        external.push(object.name ?? key);
        continue;
      }
      const spec: FileObjectSpec["spec"] = {
        Name: object.name || scope(stack, key),
        Labels: withStackLabel(stack, object.labels),
        Data: toBase64(object.data),
      };
      if (object.templateDriver) spec.Templating = { Name: object.templateDriver };
      out.push({ key, spec });
      void kind;
    }
  }

  for (const service of [...config.services].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    try {
      plan.services.push({ name: service.name, spec: convertService(stack, service, config) });
    } catch (error) {
      if (error instanceof StackFileError) issues.push(...error.issues);
      else
        issues.push({
          path: `services.${service.name}`,
          message: `service ${service.name}: ${(error as Error).message}`,
        });
    }
  }
  if (issues.length) throw new StackFileError(issues);
  return plan;
}

function fileReferences(
  stack: string,
  refs: FileReference[],
  objects: ComposeConfig["secrets"],
  kind: "secret" | "config",
): EngineSpec[] {
  const targets = new Set<string>();
  const out: EngineSpec[] = [];
  for (const ref of refs) {
    const object = objects[ref.source];
    if (!object) throw new Error(`undefined ${kind} ${JSON.stringify(ref.source)}`);
    const name = object.name || scope(stack, ref.source);
    const target = ref.target || ref.source;
    if (targets.has(target)) throw new Error(`duplicate ${kind} target for ${name} not allowed`);
    targets.add(target);
    const id = kind === "secret" ? "SecretID" : "ConfigID";
    const nameKey = kind === "secret" ? "SecretName" : "ConfigName";
    out.push({
      File: { Name: target, UID: ref.uid || "0", GID: ref.gid || "0", Mode: ref.mode ?? 0o444 },
      [id]: "",
      [nameKey]: name,
    });
  }
  // sorted by name, stable (the CLI's sort.SliceStable over a map walk: ties keep any order)
  const nameKey = kind === "secret" ? "SecretName" : "ConfigName";
  return out.sort((a, b) =>
    String(a[nameKey]) < String(b[nameKey]) ? -1 : String(a[nameKey]) > String(b[nameKey]) ? 1 : 0,
  );
}

function normalizeCapability(cap: string): string {
  const upper = cap.trim().toUpperCase();
  if (upper === "ALL" || upper === "RESET") return upper;
  return upper.startsWith("CAP_") ? upper : `CAP_${upper}`;
}

/** opts.EffectiveCapAddCapDrop */
export function effectiveCapabilities(add: string[] = [], drop: string[] = []): { add: string[]; drop: string[] } {
  let addCaps = new Set(add.map(normalizeCapability));
  let dropCaps = new Set(drop.map(normalizeCapability));
  if (addCaps.has("ALL")) addCaps = new Set(["ALL"]);
  if (dropCaps.has("ALL")) dropCaps = new Set(["ALL"]);
  const outDrop = [...dropCaps].filter((c) => !addCaps.has(c) && c !== "RESET").sort();
  const outAdd = [...addCaps].filter((c) => c !== "RESET").sort();
  return { add: outAdd, drop: outDrop };
}

function updateConfig(source: UpdateConfigFile | undefined): EngineSpec | undefined {
  if (!source) return undefined;
  return {
    Parallelism: source.parallelism ?? 1,
    ...(source.delay ? { Delay: source.delay } : {}),
    ...(source.failureAction ? { FailureAction: source.failureAction } : {}),
    ...(source.monitor ? { Monitor: source.monitor } : {}),
    MaxFailureRatio: source.maxFailureRatio ?? 0,
    Order: source.order ?? "",
  };
}

function restartPolicy(service: ServiceConfig): EngineSpec | undefined {
  const source = service.deploy.restartPolicy;
  if (!source) {
    const restart = service.restart ?? "";
    if (restart === "") return undefined;
    const colon = restart.indexOf(":");
    const name = colon < 0 ? restart : restart.slice(0, colon);
    const count = colon < 0 ? "" : restart.slice(colon + 1);
    if (colon >= 0 && name === "") throw new Error("invalid restart policy format: no policy provided before colon");
    if (count !== "" && !/^[-+]?\d+$/.test(count)) {
      throw new Error("invalid restart policy format: maximum retry count must be an integer");
    }
    switch (name) {
      case "no":
      case "":
        return undefined;
      case "always":
      case "unless-stopped":
        return { Condition: "any" };
      case "on-failure":
        return { Condition: "on-failure", MaxAttempts: Number(count || "0") };
      default:
        throw new Error(`unknown restart policy: ${restart}`);
    }
  }
  // pointers in Go: a zero that is written stays
  const policy: EngineSpec = {};
  if (source.condition) policy.Condition = source.condition;
  if (source.delay !== undefined) policy.Delay = source.delay;
  if (source.maxAttempts !== undefined) policy.MaxAttempts = source.maxAttempts;
  if (source.window !== undefined) policy.Window = source.window;
  return policy;
}

function mounts(stack: string, service: ServiceConfig, config: ComposeConfig): EngineSpec[] {
  return service.volumes.map((volume) => {
    const base = compact({
      Type: volume.type,
      Source: volume.source,
      Target: volume.target,
      ReadOnly: volume.readOnly,
      Consistency: volume.consistency,
    });
    switch (volume.type) {
      case "volume":
      case "": {
        if (volume.tmpfs) throw new Error("tmpfs options are incompatible with type volume");
        if (volume.bind) throw new Error("bind options are incompatible with type volume");
        if (!volume.source) return base;
        const stackVolume = config.volumes[volume.source];
        if (!stackVolume) throw new Error(`undefined volume ${JSON.stringify(volume.source)}`);
        const options: EngineSpec = {};
        if (volume.volume?.nocopy) options.NoCopy = true;
        if (volume.volume?.subpath) options.Subpath = volume.volume.subpath;
        base.Source = stackVolume.name || scope(stack, volume.source);
        if (!stackVolume.external) {
          options.Labels = withStackLabel(stack, stackVolume.labels);
          if (stackVolume.driver || stackVolume.driverOpts) {
            options.DriverConfig = compact({ Name: stackVolume.driver, Options: stackVolume.driverOpts });
          }
        }
        base.VolumeOptions = options;
        return base;
      }
      case "bind":
        if (!volume.source) throw new Error("invalid bind source, source cannot be empty");
        if (volume.volume) throw new Error("volume options are incompatible with type bind");
        if (volume.tmpfs) throw new Error("tmpfs options are incompatible with type bind");
        if (volume.bind) base.BindOptions = compact({ Propagation: volume.bind.propagation });
        return base;
      case "tmpfs":
        if (volume.source) throw new Error("invalid tmpfs source, source must be empty");
        if (volume.bind) throw new Error("bind options are incompatible with type tmpfs");
        if (volume.volume) throw new Error("volume options are incompatible with type tmpfs");
        if (volume.tmpfs) base.TmpfsOptions = compact({ SizeBytes: volume.tmpfs.size });
        return base;
      default:
        throw new Error("volume type must be volume, bind, tmpfs, npipe, or cluster");
    }
  });
}

function networkAttachments(stack: string, service: ServiceConfig, config: ComposeConfig): EngineSpec[] {
  const networks = service.networks && Object.keys(service.networks).length > 0 ? service.networks : { default: null };
  const out: EngineSpec[] = [];
  for (const [key, settings] of Object.entries(networks)) {
    const networkConfig = config.networks[key];
    if (!networkConfig && key !== "default") throw new Error(`undefined network ${JSON.stringify(key)}`);
    const target = networkConfig?.name || scope(stack, key);
    const aliases = [...(settings?.aliases ?? [])];
    if (isUserDefinedNetwork(target)) aliases.push(service.name);
    out.push(compact({ Target: target, Aliases: aliases, DriverOpts: settings?.driverOpts }));
  }
  return out.sort((a, b) => (String(a.Target) < String(b.Target) ? -1 : 1));
}

function serviceMode(mode: string | undefined, replicas: number | undefined): EngineSpec {
  switch (mode ?? "") {
    case "global-job":
      if (replicas !== undefined) throw new Error("replicas can only be used with replicated or replicated-job mode");
      return { GlobalJob: {} };
    case "global":
      if (replicas !== undefined) throw new Error("replicas can only be used with replicated or replicated-job mode");
      return { Global: {} };
    case "replicated-job":
      return {
        ReplicatedJob: replicas === undefined ? {} : { MaxConcurrent: replicas, TotalCompletions: replicas },
      };
    case "replicated":
    case "":
      return { Replicated: replicas === undefined ? {} : { Replicas: replicas } };
    default:
      throw new Error(`Unknown mode: ${mode}`);
  }
}

function healthcheck(service: ServiceConfig): EngineSpec | undefined {
  const h = service.healthcheck;
  if (!h) return undefined;
  if (h.disable) {
    if ((h.test?.length ?? 0) !== 0) throw new Error("test and disable can't be set at the same time");
    return { Test: ["NONE"] };
  }
  return compact({
    Test: h.test,
    Interval: h.interval,
    Timeout: h.timeout,
    StartPeriod: h.startPeriod,
    StartInterval: h.startInterval,
    Retries: h.retries,
  });
}

function resources(service: ServiceConfig): EngineSpec {
  const out: EngineSpec = {};
  const { limits, reservations } = service.deploy.resources;
  if (limits) {
    out.Limits = compact({
      NanoCPUs: limits.cpus ? parseCpus(limits.cpus) : 0,
      MemoryBytes: limits.memory,
      Pids: limits.pids,
    });
  }
  if (reservations) {
    out.Reservations = compact({
      NanoCPUs: reservations.cpus ? parseCpus(reservations.cpus) : 0,
      MemoryBytes: reservations.memory,
      GenericResources: (reservations.genericResources ?? []).map((g) =>
        g.discreteResourceSpec
          ? {
              DiscreteResourceSpec: compact({ Kind: g.discreteResourceSpec.kind, Value: g.discreteResourceSpec.value }),
            }
          : {},
      ),
    });
  }
  return out;
}

function environment(source: Record<string, string | null>): string[] {
  return Object.entries(source)
    .map(([name, value]) => (value === null ? name : `${name}=${value}`))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function ulimits(service: ServiceConfig): EngineSpec[] {
  return Object.entries(service.ulimits ?? {})
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, u]) =>
      u.single ? { Name: name, Soft: u.single, Hard: u.single } : { Name: name, Soft: u.soft ?? 0, Hard: u.hard ?? 0 },
    );
}

/** convert.Service */
export function convertService(stack: string, service: ServiceConfig, config: ComposeConfig): EngineSpec {
  const caps = effectiveCapabilities(service.capAdd, service.capDrop);
  const ports = service.ports
    .map((p) =>
      compact({ Protocol: p.protocol, TargetPort: p.target, PublishedPort: p.published, PublishMode: p.mode }),
    )
    .sort((a, b) => Number(a.PublishedPort ?? 0) - Number(b.PublishedPort ?? 0));
  const dnsConfig =
    service.dns !== undefined || service.dnsSearch !== undefined
      ? compact({ Nameservers: service.dns, Search: service.dnsSearch })
      : undefined;
  const containerSpec = compact({
    Image: service.image,
    Labels: withStackLabel(stack, service.labels),
    Command: service.entrypoint,
    Args: service.command,
    Hostname: service.hostname,
    Env: environment(service.environment),
    Dir: service.workingDir,
    User: service.user,
    Privileges: { CredentialSpec: null, SELinuxContext: null },
    Init: service.init,
    StopSignal: service.stopSignal,
    TTY: service.tty,
    OpenStdin: service.stdinOpen,
    ReadOnly: service.readOnly,
    Mounts: mounts(stack, service, config),
    StopGracePeriod: service.stopGracePeriod,
    Healthcheck: healthcheck(service),
    Hosts: service.extraHosts.map((entry) => {
      const at = entry.indexOf(":");
      return `${entry.slice(at + 1)} ${entry.slice(0, at)}`;
    }),
    DNSConfig: dnsConfig,
    Secrets: fileReferences(stack, service.secrets, config.secrets, "secret"),
    Configs: fileReferences(stack, service.configs, config.configs, "config"),
    Isolation: service.isolation,
    Sysctls: service.sysctls,
    CapabilityAdd: caps.add,
    CapabilityDrop: caps.drop,
    Ulimits: ulimits(service),
    OomScoreAdj: service.oomScoreAdj,
  });
  // Go keeps `Init: false` out (omitempty on *bool keeps a pointer to false: put it back)
  if (service.init === false) containerSpec.Init = false;
  if (service.stopGracePeriod === 0) containerSpec.StopGracePeriod = 0;
  const placement = compact({
    Constraints: service.deploy.placement.constraints,
    Preferences: (service.deploy.placement.preferences ?? []).map((p) => ({
      Spread: { SpreadDescriptor: p.spread ?? "" },
    })),
    MaxReplicas: service.deploy.placement.maxReplicas,
  });
  const taskTemplate = compact({
    ContainerSpec: containerSpec,
    Resources: resources(service),
    RestartPolicy: restartPolicy(service),
    Placement: placement,
    Networks: networkAttachments(stack, service, config),
    LogDriver: service.logging
      ? compact({ Name: service.logging.driver, Options: service.logging.options })
      : undefined,
  });
  const labels = withStackLabel(stack, service.deploy.labels);
  labels[LABEL_IMAGE] = service.image;
  return compact({
    Name: scope(stack, service.name),
    Labels: labels,
    TaskTemplate: taskTemplate,
    Mode: serviceMode(service.deploy.mode, service.deploy.replicas),
    UpdateConfig: updateConfig(service.deploy.updateConfig),
    RollbackConfig: updateConfig(service.deploy.rollbackConfig),
    EndpointSpec: compact({ Mode: (service.deploy.endpointMode ?? "").toLowerCase(), Ports: ports }),
  });
}
