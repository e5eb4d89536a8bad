// compose file text -> ComposeConfig, the way `docker stack deploy` loads it
// (cli/command/stack/loader and cli/compose/loader): YAML, forbidden keys, interpolation, the
// schema, then each section, env_file and secret/config files read through the caller's reader.
// Keys the CLI ignores for stacks come back as warnings worded as the CLI words them; keys
// Stevedore does not carry out are refused with their line.
import path from "node:path/posix";
import { StackFileError, type FileIssue, type SourcePosition } from "../errors";
import { parseGoDuration, parseNormalizedNamed, ramInBytes } from "./go-values";
import { interpolateConfig, type Lookup } from "./interpolate";
import { shortPortToServicePorts } from "./ports";
import { composeVersion, SUPPORTED_VERSIONS, validateSchema } from "./schema";
import { shlexSplit } from "./shlex";
import type {
  ComposeConfig,
  FileObjectConfig,
  FileReference,
  NetworkConfig,
  ServiceConfig,
  ServiceVolume,
  UpdateConfigFile,
  VolumeConfig,
} from "./types";
import { joinPath, parseYamlSource, positionOf, type YamlMap, type YamlValue } from "./yaml-source";

/** Reads a file the compose file names (env_file, secrets, configs), by resolved path. */
export type ComposeFileReader = (resolvedPath: string) => Promise<Uint8Array | string>;

export interface ComposeSource {
  /** the compose file's text */
  text: string;
  /** variables for ${VAR} interpolation and bare env_file / environment keys */
  environment?: Readonly<Record<string, string>>;
  /** the folder relative paths are resolved against (the compose file's folder for the CLI) */
  workingDir?: string;
  /** reads env_file, secret and config files; without it a file reference is an error */
  readFile?: ComposeFileReader;
}

export interface StackWarning {
  message: string;
  path?: string;
  position?: SourcePosition;
}

export interface LoadedCompose {
  config: ComposeConfig;
  warnings: StackWarning[];
}

// types.go: the three lists the CLI checks service keys against
export const FORBIDDEN_PROPERTIES: Record<string, string> = {
  extends: "Support for `extends` is not implemented yet.",
  volume_driver:
    "Instead of setting the volume driver on the service, define a volume using the top-level `volumes` option and specify the driver there.",
  volumes_from:
    "To share a volume between services, define it using the top-level `volumes` option and reference it from each service that shares it using the service-level `volumes` option.",
  cpu_quota: "Set resource limits using deploy.resources",
  cpu_shares: "Set resource limits using deploy.resources",
  cpuset: "Set resource limits using deploy.resources",
  mem_limit: "Set resource limits using deploy.resources",
  memswap_limit: "Set resource limits using deploy.resources",
};
export const UNSUPPORTED_PROPERTIES = [
  "build",
  "cgroupns_mode",
  "cgroup_parent",
  "devices",
  "domainname",
  "external_links",
  "ipc",
  "links",
  "mac_address",
  "network_mode",
  "pid",
  "privileged",
  "restart",
  "security_opt",
  "shm_size",
  "userns_mode",
];
export const DEPRECATED_PROPERTIES: Record<string, string> = {
  container_name: "Setting the container name is not supported.",
  expose:
    "Exposing ports is unnecessary - services on the same network can access each other's containers on any port.",
};
/** Loaded by the CLI and then dropped without a word; Stevedore says so. */
const SILENTLY_IGNORED: Record<string, string> = {
  depends_on: "depends_on is ignored by docker stack deploy: swarm starts services in no order.",
  tmpfs: "tmpfs (the service key) is ignored by docker stack deploy; use a volume of type tmpfs.",
};

const VOLUME_TYPES = new Set(["volume", "bind", "tmpfs"]);

export function isMap(value: YamlValue | undefined): value is YamlMap {
  return value !== null && value !== undefined && typeof value === "object" && !Array.isArray(value);
}

class Issues {
  readonly list: FileIssue[] = [];
  constructor(private readonly positions: ReadonlyMap<string, SourcePosition>) {}
  add(path: string, message: string): void {
    const issue: FileIssue = { path, message };
    const position = positionOf(this.positions, path);
    if (position) issue.position = position;
    this.list.push(issue);
  }
  throwIfAny(): void {
    if (this.list.length === 0) return;
    this.list.sort((a, b) => (a.position?.line ?? 0) - (b.position?.line ?? 0));
    throw new StackFileError(this.list);
  }
}

export async function loadCompose(source: ComposeSource): Promise<LoadedCompose> {
  const { value: raw, positions } = parseYamlSource(source.text);
  const env = source.environment ?? {};
  const lookup: Lookup = (name) => (Object.hasOwn(env, name) ? env[name] : undefined);
  const workingDir = source.workingDir ?? "/";
  const warnings: StackWarning[] = [];
  const warn = (message: string, at?: string) => {
    const warning: StackWarning = { message };
    if (at !== undefined) {
      warning.path = at;
      const position = positionOf(positions, at);
      if (position) warning.position = position;
    }
    warnings.push(warning);
  };

  const version = composeVersion(raw);
  const issues = new Issues(positions);
  const services = isMap(raw.services) ? raw.services : {};

  // validateForbidden runs first, on the file as written
  for (const [name, service] of Object.entries(services)) {
    if (!isMap(service)) continue;
    for (const key of Object.keys(service)) {
      const why = FORBIDDEN_PROPERTIES[key];
      if (why)
        issues.add(
          joinPath(joinPath("services", name), key),
          `Compose file contains unsupported options: ${key}: ${why}`,
        );
    }
  }
  issues.throwIfAny();

  if (!(SUPPORTED_VERSIONS as readonly string[]).includes(version)) {
    issues.add("version", `unsupported Compose file version: ${version}`);
    issues.throwIfAny();
  }

  const config = interpolateConfig(raw, lookup, positions);
  for (const issue of validateSchema(config)) issues.add(issue.path, issue.message);
  issues.throwIfAny();

  // the CLI's warnings, from the file as written (before interpolation)
  for (const [name, service] of Object.entries(services)) {
    if (!isMap(service)) continue;
    const at = joinPath("services", name);
    for (const key of UNSUPPORTED_PROPERTIES) {
      if (key in service) warn(`Ignoring unsupported options: ${key}`, joinPath(at, key));
    }
    for (const [key, why] of Object.entries(DEPRECATED_PROPERTIES)) {
      if (key in service) warn(`Ignoring deprecated options: ${key}: ${why}`, joinPath(at, key));
    }
    for (const [key, why] of Object.entries(SILENTLY_IGNORED)) {
      if (key in service) warn(why, joinPath(at, key));
    }
  }

  refuseUnsupported(config, issues);
  issues.throwIfAny();

  const reader = new FileAccess(source.readFile, workingDir, issues);
  const loaded: ComposeConfig = {
    version,
    services: [],
    networks: loadNetworks(config.networks, version, warn),
    volumes: loadVolumes(config.volumes, issues),
    secrets: await loadFileObjects("secret", config.secrets, reader, issues, warn),
    configs: await loadFileObjects("config", config.configs, reader, issues, warn),
  };
  for (const [name, service] of Object.entries(isMap(config.services) ? config.services : {})) {
    const at = joinPath("services", name);
    const loadedService = await loadService(name, service as YamlMap, at, lookup, workingDir, reader, issues, warn);
    if (loadedService) loaded.services.push(loadedService);
  }
  issues.throwIfAny();

  // loader.LoadComposefile: every service needs a valid image reference
  for (const service of loaded.services) {
    const at = joinPath(joinPath("services", service.name), "image");
    if (service.image === "") {
      issues.add(
        joinPath("services", service.name),
        `invalid image reference for service ${service.name}: no image specified`,
      );
    } else if (!parseNormalizedNamed(service.image) && !/^[a-f0-9]{64}$/.test(service.image)) {
      issues.add(at, `invalid image reference for service ${service.name}: invalid reference format`);
    }
  }
  issues.throwIfAny();
  return { config: loaded, warnings };
}

/** What the CLI would carry out but Stevedore does not: refused, never dropped. */
function refuseUnsupported(config: YamlMap, issues: Issues): void {
  const services = isMap(config.services) ? config.services : {};
  for (const [name, service] of Object.entries(services)) {
    if (!isMap(service)) continue;
    const at = joinPath("services", name);
    if ("credential_spec" in service) {
      issues.add(joinPath(at, "credential_spec"), "credential_spec (Windows gMSA) is not supported by Stevedore.");
    }
    const volumes = Array.isArray(service.volumes) ? service.volumes : [];
    volumes.forEach((volume, i) => {
      if (isMap(volume) && typeof volume.type === "string" && !VOLUME_TYPES.has(volume.type)) {
        issues.add(
          joinPath(joinPath(at, "volumes"), i),
          `volume type "${volume.type}" is not supported by Stevedore (volume, bind and tmpfs are).`,
        );
      }
    });
  }
  const secrets = isMap(config.secrets) ? config.secrets : {};
  for (const [name, secret] of Object.entries(secrets)) {
    if (isMap(secret) && ("driver" in secret || "driver_opts" in secret)) {
      issues.add(
        joinPath(joinPath("secrets", name), "driver" in secret ? "driver" : "driver_opts"),
        "secret drivers (secret store plugins) are not supported by Stevedore.",
      );
    }
  }
  const volumes = isMap(config.volumes) ? config.volumes : {};
  for (const [name, volume] of Object.entries(volumes)) {
    if (isMap(volume) && "x-cluster-spec" in volume) {
      issues.add(
        joinPath(joinPath("volumes", name), "x-cluster-spec"),
        "cluster (CSI) volumes are not supported by Stevedore.",
      );
    }
  }
}

// ---- value transforms (the loader's mapstructure hooks) ------------------------------------

/** fmt.Sprint of a YAML scalar */
export function goString(value: YamlValue): string {
  if (value === null) return "<nil>";
  if (typeof value === "number") return goNumber(value);
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

function goNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  // strconv 'g' with the shortest precision: exponent form outside [-4, 21)
  const exp = Math.floor(Math.log10(Math.abs(n)));
  if (exp < -4 || exp >= 21) return n.toExponential().replace(/e([+-])(\d)$/, "e$10$2");
  return String(n);
}

/** Labels / Mapping: "k=v" list or map; a key without value is "". */
function mapping(value: YamlValue | undefined, sep = "="): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  const out: Record<string, string> = {};
  if (Array.isArray(value)) {
    for (const item of value) {
      const text = goString(item);
      const at = text.indexOf(sep);
      if (at < 0) out[text] = "";
      else out[text.slice(0, at)] = text.slice(at + sep.length);
    }
    return out;
  }
  if (isMap(value)) for (const [k, v] of Object.entries(value)) out[k] = v === null ? "" : goString(v);
  return out;
}

/** MappingWithEquals: like mapping, but a key without "=" (or a null value) stays unset. */
function mappingWithEquals(value: YamlValue | undefined): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  if (Array.isArray(value)) {
    for (const item of value) {
      const text = goString(item);
      const at = text.indexOf("=");
      if (at < 0) out[text] = null;
      else out[text.slice(0, at)] = text.slice(at + 1);
    }
  } else if (isMap(value)) {
    for (const [k, v] of Object.entries(value)) out[k] = v === null ? null : goString(v);
  }
  return out;
}

function stringMap(value: YamlValue | undefined): Record<string, string> | undefined {
  if (!isMap(value)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) out[k] = v === null ? "" : goString(v);
  return out;
}

function stringList(value: YamlValue | undefined): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.map((v) => goString(v));
  return undefined;
}

function str(value: YamlValue | undefined): string | undefined {
  return typeof value === "string" ? value : undefined;
}
function num(value: YamlValue | undefined): number | undefined {
  return typeof value === "number" ? value : undefined;
}
function bool(value: YamlValue | undefined): boolean | undefined {
  return typeof value === "boolean" ? value : undefined;
}
function duration(value: YamlValue | undefined): number | undefined {
  return typeof value === "string" ? (parseGoDuration(value) ?? undefined) : undefined;
}

function hostsList(value: YamlValue | undefined): string[] {
  let entries: string[] = [];
  if (isMap(value)) {
    entries = Object.entries(value)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => `${k}:${goString(v)}`)
      .sort();
  } else if (Array.isArray(value)) {
    for (const item of value) {
      const text = goString(item);
      for (const sep of ["=", ":"]) {
        const at = text.indexOf(sep);
        if (at >= 0) {
          entries.push(`${text.slice(0, at)}:${text.slice(at + 1)}`);
          break;
        }
      }
    }
  }
  return entries.map((entry) => {
    const at = entry.indexOf(":");
    const host = entry.slice(0, at);
    let ip = entry.slice(at + 1);
    if (ip.length > 2 && ip.startsWith("[") && ip.endsWith("]")) ip = ip.slice(1, -1);
    return `${host}:${ip}`;
  });
}

function updateConfig(value: YamlValue | undefined): UpdateConfigFile | undefined {
  if (!isMap(value)) return undefined;
  const out: UpdateConfigFile = {};
  if (num(value.parallelism) !== undefined) out.parallelism = num(value.parallelism)!;
  if (duration(value.delay) !== undefined) out.delay = duration(value.delay)!;
  if (str(value.failure_action) !== undefined) out.failureAction = str(value.failure_action)!;
  if (duration(value.monitor) !== undefined) out.monitor = duration(value.monitor)!;
  if (num(value.max_failure_ratio) !== undefined) out.maxFailureRatio = Math.fround(num(value.max_failure_ratio)!);
  if (str(value.order) !== undefined) out.order = str(value.order)!;
  return out;
}

/** loader.ParseVolume: "source:target:mode" */
export function parseVolumeSpec(spec: string): ServiceVolume {
  const volume: ServiceVolume = { type: "" };
  if (spec.length === 0) throw new Error("invalid empty volume spec");
  if (spec.length <= 2) return { type: "volume", target: spec };
  const isDrive = (buffer: string, ch: string) => ch === ":" && buffer.length === 1 && /\p{L}/u.test(buffer);
  let buffer = "";
  const END = "\u0000";
  const populate = (ch: string) => {
    if (buffer.length === 0) throw new Error("empty section between colons");
    if (volume.source === undefined && ch === END) volume.target = buffer;
    else if (volume.source === undefined) volume.source = buffer;
    else if (volume.target === undefined) volume.target = buffer;
    else if (ch === ":") throw new Error("too many colons");
    else {
      for (const option of buffer.split(",")) {
        if (option === "ro") volume.readOnly = true;
        else if (option === "rw") volume.readOnly = false;
        else if (option === "nocopy") volume.volume = { nocopy: true };
        else if (["rprivate", "private", "rshared", "shared", "rslave", "slave"].includes(option)) {
          volume.bind = { propagation: option };
        }
      }
    }
  };
  for (const ch of [...spec, END]) {
    if (isDrive(buffer, ch)) buffer += ch;
    else if (ch === ":" || ch === END) {
      try {
        populate(ch);
      } catch (error) {
        throw new Error(`invalid spec: ${spec}: ${(error as Error).message}`);
      }
      buffer = "";
    } else buffer += ch;
  }
  const source = volume.source ?? "";
  volume.type = source === "" ? "volume" : isFilePath(source) ? "bind" : "volume";
  return volume;
}

function isFilePath(source: string): boolean {
  if (".~/".includes(source[0]!)) return true;
  if ([...source].length === 1) return false;
  if (source.startsWith("\\\\")) return true;
  return /^\p{L}:/u.test(source);
}

// ---- sections ------------------------------------------------------------------------------

class FileAccess {
  constructor(
    private readonly reader: ComposeFileReader | undefined,
    readonly workingDir: string,
    private readonly issues: Issues,
  ) {}
  resolve(file: string): string {
    return path.isAbsolute(file) ? path.normalize(file) : path.join(this.workingDir, file);
  }
  async read(file: string, at: string): Promise<Uint8Array | undefined> {
    const resolved = this.resolve(file);
    if (!this.reader) {
      this.issues.add(at, `open ${resolved}: no files were given with the compose file`);
      return undefined;
    }
    try {
      const data = await this.reader(resolved);
      return typeof data === "string" ? new TextEncoder().encode(data) : data;
    } catch (error) {
      this.issues.add(at, `open ${resolved}: ${(error as Error).message ?? "cannot be read"}`);
      return undefined;
    }
  }
}

function loadNetworks(
  section: YamlValue | undefined,
  version: string,
  warn: (message: string, at?: string) => void,
): Record<string, NetworkConfig> {
  const out: Record<string, NetworkConfig> = {};
  if (!isMap(section)) return out;
  for (const [name, raw] of Object.entries(section)) {
    const at = joinPath("networks", name);
    const value = isMap(raw) ? raw : {};
    const network: NetworkConfig = { external: false };
    if (str(value.name) !== undefined) network.name = str(value.name)!;
    if (str(value.driver) !== undefined) network.driver = str(value.driver)!;
    const driverOpts = stringMap(value.driver_opts);
    if (driverOpts) network.driverOpts = driverOpts;
    if (isMap(value.ipam)) {
      network.ipam = {};
      if (str(value.ipam.driver) !== undefined) network.ipam.driver = str(value.ipam.driver)!;
      if (Array.isArray(value.ipam.config)) {
        network.ipam.config = value.ipam.config.map((c) =>
          isMap(c) && str(c.subnet) ? { subnet: str(c.subnet)! } : {},
        );
      }
    }
    if (bool(value.internal) !== undefined) network.internal = bool(value.internal)!;
    if (bool(value.attachable) !== undefined) network.attachable = bool(value.attachable)!;
    const labels = mapping(value.labels);
    if (labels) network.labels = labels;
    const external = value.external;
    if (external === true || isMap(external)) {
      network.external = true;
      const externalName = isMap(external) ? str(external.name) : undefined;
      if (externalName) {
        if (network.name) {
          throw new StackFileError([
            {
              path: at,
              message: `network ${name}: network.external.name and network.name conflict; only use network.name`,
            },
          ]);
        }
        if (versionAtLeast(version, "3.5")) {
          warn(`network ${name}: network.external.name is deprecated in favor of network.name`, `${at}.external`);
        }
        network.name = externalName;
      } else if (!network.name) network.name = name;
    }
    out[name] = network;
  }
  return out;
}

function loadVolumes(section: YamlValue | undefined, issues: Issues): Record<string, VolumeConfig> {
  const out: Record<string, VolumeConfig> = {};
  if (!isMap(section)) return out;
  for (const [name, raw] of Object.entries(section)) {
    const at = joinPath("volumes", name);
    const value = isMap(raw) ? raw : {};
    const volume: VolumeConfig = { external: false };
    if (str(value.name) !== undefined) volume.name = str(value.name)!;
    if (str(value.driver) !== undefined) volume.driver = str(value.driver)!;
    const driverOpts = stringMap(value.driver_opts);
    if (driverOpts) volume.driverOpts = driverOpts;
    const labels = mapping(value.labels);
    if (labels) volume.labels = labels;
    const external = value.external;
    if (external === true || isMap(external)) {
      volume.external = true;
      const conflict = volume.driver
        ? "driver"
        : driverOpts && Object.keys(driverOpts).length
          ? "driver_opts"
          : labels && Object.keys(labels).length
            ? "labels"
            : undefined;
      if (conflict) {
        issues.add(at, `conflicting parameters "external" and "${conflict}" specified for volume "${name}"`);
        continue;
      }
      const externalName = isMap(external) ? str(external.name) : undefined;
      if (externalName) {
        if (volume.name) {
          issues.add(at, `volume ${name}: volume.external.name and volume.name conflict; only use volume.name`);
          continue;
        }
        volume.name = externalName;
      } else if (!volume.name) volume.name = name;
    }
    out[name] = volume;
  }
  return out;
}

async function loadFileObjects(
  kind: "secret" | "config",
  section: YamlValue | undefined,
  files: FileAccess,
  issues: Issues,
  warn: (message: string, at?: string) => void,
): Promise<Record<string, FileObjectConfig>> {
  const out: Record<string, FileObjectConfig> = {};
  if (!isMap(section)) return out;
  for (const [name, raw] of Object.entries(section)) {
    const at = joinPath(`${kind}s`, name);
    const value = isMap(raw) ? raw : {};
    const object: FileObjectConfig = { external: false };
    if (str(value.name) !== undefined) object.name = str(value.name)!;
    const labels = mapping(value.labels);
    if (labels) object.labels = labels;
    if (str(value.template_driver) !== undefined) object.templateDriver = str(value.template_driver)!;
    const external = value.external;
    if (external === true || isMap(external)) {
      object.external = true;
      const externalName = isMap(external) ? str(external.name) : undefined;
      if (externalName) {
        if (object.name) {
          issues.add(at, `${kind} ${name}: ${kind}.external.name and ${kind}.name conflict; only use ${kind}.name`);
          continue;
        }
        warn(`${kind} ${name}: ${kind}.external.name is deprecated in favor of ${kind}.name`, `${at}.external`);
        object.name = externalName;
      } else if (!object.name) object.name = name;
    } else {
      const file = str(value.file) ?? "";
      object.file = files.resolve(file);
      const data = await files.read(file, joinPath(at, "file"));
      if (data) object.data = data;
    }
    out[name] = object;
  }
  return out;
}

function fileReferences(value: YamlValue | undefined): FileReference[] {
  if (!Array.isArray(value)) return [];
  return value.map((item) => {
    if (typeof item === "string") return { source: item };
    const map = isMap(item) ? item : {};
    const ref: FileReference = { source: str(map.source) ?? "" };
    if (str(map.target) !== undefined) ref.target = str(map.target)!;
    if (str(map.uid) !== undefined) ref.uid = str(map.uid)!;
    if (str(map.gid) !== undefined) ref.gid = str(map.gid)!;
    if (num(map.mode) !== undefined) ref.mode = Math.trunc(num(map.mode)!);
    return ref;
  });
}

/** kvfile.Parse, the env_file reader */
function parseEnvFile(text: string, lookup: Lookup): string[] {
  const lines: string[] = [];
  const rows = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  if (rows[rows.length - 1] === "") rows.pop();
  for (const row of rows) {
    const line = row.replace(/^\s+/, "");
    if (line.length === 0 || line.startsWith("#")) continue;
    const at = line.indexOf("=");
    const key = at < 0 ? line : line.slice(0, at);
    if (key.length === 0) throw new Error(`no variable name on line '${line}'`);
    if (/[ \t]/.test(key)) throw new Error(`variable '${key}' contains whitespaces`);
    if (at >= 0) {
      lines.push(line);
      continue;
    }
    const value = lookup(line);
    if (value !== undefined) lines.push(`${key}=${value}`);
  }
  return lines;
}

async function loadService(
  name: string,
  s: YamlMap,
  at: string,
  lookup: Lookup,
  workingDir: string,
  files: FileAccess,
  issues: Issues,
  warn: (message: string, at?: string) => void,
): Promise<ServiceConfig | undefined> {
  const deploy = isMap(s.deploy) ? s.deploy : {};
  const resources = isMap(deploy.resources) ? deploy.resources : {};
  const placement = isMap(deploy.placement) ? deploy.placement : {};
  const service: ServiceConfig = {
    name,
    image: str(s.image) ?? "",
    configs: fileReferences(s.configs),
    secrets: fileReferences(s.secrets),
    deploy: { resources: {}, placement: {} },
    environment: {},
    extraHosts: hostsList(s.extra_hosts),
    ports: [],
    volumes: [],
  };

  const strings: [keyof ServiceConfig, string][] = [
    ["hostname", "hostname"],
    ["isolation", "isolation"],
    ["restart", "restart"],
    ["stopSignal", "stop_signal"],
    ["user", "user"],
    ["workingDir", "working_dir"],
  ];
  for (const [key, yamlKey] of strings)
    if (str(s[yamlKey]) !== undefined) (service as unknown as Record<string, unknown>)[key] = str(s[yamlKey]);
  for (const [key, yamlKey] of [
    ["init", "init"],
    ["readOnly", "read_only"],
    ["stdinOpen", "stdin_open"],
    ["tty", "tty"],
  ] as const) {
    if (bool(s[yamlKey]) !== undefined) service[key] = bool(s[yamlKey])!;
  }
  if (num(s.oom_score_adj) !== undefined) service.oomScoreAdj = num(s.oom_score_adj)!;
  if (Array.isArray(s.cap_add)) service.capAdd = s.cap_add.map(goString);
  if (Array.isArray(s.cap_drop)) service.capDrop = s.cap_drop.map(goString);
  for (const [key, yamlKey] of [
    ["command", "command"],
    ["entrypoint", "entrypoint"],
  ] as const) {
    const value = s[yamlKey];
    if (typeof value === "string") {
      try {
        service[key] = shlexSplit(value);
      } catch (error) {
        issues.add(joinPath(at, yamlKey), `services.${name}.${yamlKey}: ${(error as Error).message}`);
      }
    } else if (Array.isArray(value)) service[key] = value.map(goString);
  }
  const dns = stringList(s.dns);
  if (dns) service.dns = dns;
  const dnsSearch = stringList(s.dns_search);
  if (dnsSearch) service.dnsSearch = dnsSearch;
  const labels = mapping(s.labels);
  if (labels) service.labels = labels;
  const sysctls = mapping(s.sysctls);
  if (sysctls) service.sysctls = sysctls;
  if (duration(s.stop_grace_period) !== undefined) service.stopGracePeriod = duration(s.stop_grace_period)!;

  if (isMap(s.healthcheck)) {
    const h = s.healthcheck;
    const healthcheck: NonNullable<ServiceConfig["healthcheck"]> = {};
    if (typeof h.test === "string") healthcheck.test = ["CMD-SHELL", h.test];
    else if (Array.isArray(h.test)) healthcheck.test = h.test.map(goString);
    for (const [key, yamlKey] of [
      ["timeout", "timeout"],
      ["interval", "interval"],
      ["startPeriod", "start_period"],
      ["startInterval", "start_interval"],
    ] as const) {
      if (duration(h[yamlKey]) !== undefined) healthcheck[key] = duration(h[yamlKey])!;
    }
    if (num(h.retries) !== undefined) healthcheck.retries = Math.trunc(num(h.retries)!);
    if (bool(h.disable) !== undefined) healthcheck.disable = bool(h.disable)!;
    service.healthcheck = healthcheck;
  }

  if (isMap(s.logging)) {
    service.logging = {};
    if (str(s.logging.driver) !== undefined) service.logging.driver = str(s.logging.driver)!;
    const options = stringMap(s.logging.options);
    if (options) service.logging.options = options;
  }

  if (Array.isArray(s.networks)) {
    service.networks = Object.fromEntries(s.networks.map((n) => [goString(n), null]));
  } else if (isMap(s.networks)) {
    service.networks = {};
    for (const [network, settings] of Object.entries(s.networks)) {
      if (!isMap(settings)) {
        service.networks[network] = null;
        continue;
      }
      const entry: { aliases?: string[]; driverOpts?: Record<string, string> } = {};
      if (Array.isArray(settings.aliases)) entry.aliases = settings.aliases.map(goString);
      const driverOpts = stringMap(settings.driver_opts);
      if (driverOpts) entry.driverOpts = driverOpts;
      for (const key of ["ipv4_address", "ipv6_address"]) {
        if (key in settings) {
          warn(
            `${key} is ignored by docker stack deploy: swarm assigns task addresses.`,
            joinPath(joinPath(joinPath(at, "networks"), network), key),
          );
        }
      }
      service.networks[network] = entry;
    }
  }

  if (isMap(s.ulimits)) {
    service.ulimits = {};
    for (const [key, limit] of Object.entries(s.ulimits)) {
      if (typeof limit === "number") service.ulimits[key] = { single: limit };
      else if (isMap(limit)) service.ulimits[key] = { soft: num(limit.soft) ?? 0, hard: num(limit.hard) ?? 0 };
    }
  }

  if (Array.isArray(s.ports)) {
    s.ports.forEach((port, i) => {
      const portAt = joinPath(joinPath(at, "ports"), i);
      if (typeof port === "number" || typeof port === "string") {
        try {
          service.ports.push(...shortPortToServicePorts(goString(port), (text) => warn(text, portAt)));
        } catch (error) {
          issues.add(portAt, (error as Error).message);
        }
      } else if (isMap(port)) {
        const long: ServiceConfig["ports"][number] = {};
        if (str(port.mode) !== undefined) long.mode = str(port.mode)!;
        if (num(port.target) !== undefined) long.target = num(port.target)!;
        if (num(port.published) !== undefined) long.published = num(port.published)!;
        if (str(port.protocol) !== undefined) long.protocol = str(port.protocol)!;
        service.ports.push(long);
      }
    });
  }

  if (Array.isArray(s.volumes)) {
    s.volumes.forEach((raw, i) => {
      const volumeAt = joinPath(joinPath(at, "volumes"), i);
      let volume: ServiceVolume;
      if (typeof raw === "string") {
        try {
          volume = parseVolumeSpec(raw);
        } catch (error) {
          issues.add(volumeAt, (error as Error).message);
          return;
        }
      } else if (isMap(raw)) {
        volume = { type: str(raw.type) ?? "" };
        if (str(raw.source) !== undefined) volume.source = str(raw.source)!;
        if (str(raw.target) !== undefined) volume.target = str(raw.target)!;
        if (bool(raw.read_only) !== undefined) volume.readOnly = bool(raw.read_only)!;
        if (str(raw.consistency) !== undefined) volume.consistency = str(raw.consistency)!;
        if (isMap(raw.bind)) volume.bind = str(raw.bind.propagation) ? { propagation: str(raw.bind.propagation)! } : {};
        if (isMap(raw.volume)) {
          volume.volume = {};
          if (bool(raw.volume.nocopy) !== undefined) volume.volume.nocopy = bool(raw.volume.nocopy)!;
          if (str(raw.volume.subpath) !== undefined) volume.volume.subpath = str(raw.volume.subpath)!;
        }
        if (isMap(raw.tmpfs)) volume.tmpfs = num(raw.tmpfs.size) !== undefined ? { size: num(raw.tmpfs.size)! } : {};
      } else return;
      // resolveVolumePaths: bind sources become absolute, ~ is $HOME
      if (volume.type === "bind") {
        if (!volume.source) {
          issues.add(volumeAt, 'invalid mount config for type "bind": field Source must not be empty');
          return;
        }
        let source = volume.source;
        if (source.startsWith("~")) {
          const home = lookup("HOME");
          if (home === undefined) warn("cannot expand '~', because the environment lacks HOME", volumeAt);
          else source = source.replace("~", home);
        }
        if (!source.startsWith("/") && !/^[a-zA-Z]:[\\/]/.test(source) && !source.startsWith("\\\\")) {
          source = path.join(workingDir, source);
        }
        volume.source = source;
      }
      service.volumes.push(volume);
    });
  }

  // deploy
  if (str(deploy.mode) !== undefined) service.deploy.mode = str(deploy.mode)!;
  if (num(deploy.replicas) !== undefined) {
    const replicas = num(deploy.replicas)!;
    if (replicas < 0)
      issues.add(joinPath(joinPath(at, "deploy"), "replicas"), `services.${name}.deploy.replicas cannot be negative`);
    service.deploy.replicas = replicas;
  }
  const deployLabels = mapping(deploy.labels);
  if (deployLabels) service.deploy.labels = deployLabels;
  const update = updateConfig(deploy.update_config);
  if (update) service.deploy.updateConfig = update;
  const rollback = updateConfig(deploy.rollback_config);
  if (rollback) service.deploy.rollbackConfig = rollback;
  if (str(deploy.endpoint_mode) !== undefined) service.deploy.endpointMode = str(deploy.endpoint_mode)!;
  const memory = (value: YamlValue | undefined, where: string): number | undefined => {
    if (typeof value === "number") return value;
    if (typeof value !== "string") return undefined;
    const bytes = ramInBytes(value);
    if (bytes === null) issues.add(where, `invalid size: '${value}'`);
    return bytes ?? undefined;
  };
  if (isMap(resources.limits)) {
    const l = resources.limits;
    const limits: NonNullable<ServiceConfig["deploy"]["resources"]["limits"]> = {};
    if (str(l.cpus) !== undefined) limits.cpus = str(l.cpus)!;
    const bytes = memory(l.memory, `${at}.deploy.resources.limits.memory`);
    if (bytes !== undefined) limits.memory = bytes;
    if (num(l.pids) !== undefined) limits.pids = num(l.pids)!;
    service.deploy.resources.limits = limits;
  }
  if (isMap(resources.reservations)) {
    const r = resources.reservations;
    const reservations: NonNullable<ServiceConfig["deploy"]["resources"]["reservations"]> = {};
    if (str(r.cpus) !== undefined) reservations.cpus = str(r.cpus)!;
    const bytes = memory(r.memory, `${at}.deploy.resources.reservations.memory`);
    if (bytes !== undefined) reservations.memory = bytes;
    if (Array.isArray(r.generic_resources)) {
      reservations.genericResources = r.generic_resources.map((g) => {
        const spec = isMap(g) && isMap(g.discrete_resource_spec) ? g.discrete_resource_spec : undefined;
        return spec
          ? { discreteResourceSpec: { kind: str(spec.kind) ?? "", value: Math.trunc(num(spec.value) ?? 0) } }
          : {};
      });
    }
    service.deploy.resources.reservations = reservations;
  }
  if (isMap(deploy.restart_policy)) {
    const r = deploy.restart_policy;
    const policy: NonNullable<ServiceConfig["deploy"]["restartPolicy"]> = {};
    if (str(r.condition) !== undefined) policy.condition = str(r.condition)!;
    if (duration(r.delay) !== undefined) policy.delay = duration(r.delay)!;
    if (num(r.max_attempts) !== undefined) policy.maxAttempts = num(r.max_attempts)!;
    if (duration(r.window) !== undefined) policy.window = duration(r.window)!;
    service.deploy.restartPolicy = policy;
  }
  if (Array.isArray(placement.constraints)) service.deploy.placement.constraints = placement.constraints.map(goString);
  if (Array.isArray(placement.preferences)) {
    service.deploy.placement.preferences = placement.preferences.map((p) =>
      isMap(p) && str(p.spread) !== undefined ? { spread: str(p.spread)! } : {},
    );
  }
  if (num(placement.max_replicas_per_node) !== undefined) {
    service.deploy.placement.maxReplicas = num(placement.max_replicas_per_node)!;
  }

  // resolveEnvironment: env_file first, then environment; an empty or unset value takes the
  // variable of the same name from the environment when there is one
  const environment: Record<string, string | null> = {};
  const update2 = (vars: Record<string, string | null>) => {
    for (const [key, value] of Object.entries(vars)) {
      const fromEnv = lookup(key);
      environment[key] = (value === null || value === "") && fromEnv !== undefined ? fromEnv : value;
    }
  };
  const envFiles = stringList(s.env_file) ?? [];
  if (envFiles.length > 0) {
    const lines: string[] = [];
    for (const [i, file] of envFiles.entries()) {
      const fileAt = Array.isArray(s.env_file) ? joinPath(joinPath(at, "env_file"), i) : joinPath(at, "env_file");
      const data = await files.read(file, fileAt);
      if (!data) continue;
      try {
        lines.push(...parseEnvFile(new TextDecoder("utf-8", { fatal: true }).decode(data), lookup));
      } catch (error) {
        issues.add(fileAt, `invalid env file (${files.resolve(file)}): ${(error as Error).message}`);
      }
    }
    update2(mappingWithEquals(lines));
  }
  update2(mappingWithEquals(s.environment));
  service.environment = environment;
  return service;
}

export function versionAtLeast(version: string, than: string): boolean {
  const a = version.split(".").map(Number);
  const b = than.split(".").map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d > 0;
  }
  return true;
}
