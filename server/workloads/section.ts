// What a section of the workload spec kit is. A section (image, command, env, ports, mounts,
// resources, ...) owns a slice of the spec: its schema, its Engine mapping both ways for a
// container (spec -> POST /containers/create, inspect -> spec) and for a swarm service
// (spec -> ServiceSpec, ServiceSpec -> spec), and its docker CLI words. Its policy rules live
// beside it in `<name>.rules.ts`, server-only (the browser gets schemas and CLI words, never
// the judge). container-spec.ts and service-spec.ts compose the sections; nothing else
// knows what a section contains.
//
// Every method works on the section's own slice of the spec, so a section never depends on
// the composed spec (and the composed spec satisfies every slice).
import type Docker from "dockerode";
import type { z } from "zod";
import type { CliWords, ServiceWords } from "./cli";

/** POST /containers/create: the Config fields, HostConfig and NetworkingConfig. */
export type CreateBody = Record<string, unknown> & {
  HostConfig?: Record<string, unknown>;
  NetworkingConfig?: { EndpointsConfig?: Record<string, Record<string, unknown>> };
};

/** A container create payload being written by the sections, in order. */
export interface ContainerDraft {
  /** the ?name= query parameter */
  name?: string;
  /** the Config fields (at the top of the body) */
  body: CreateBody;
  /** HostConfig */
  host: Record<string, unknown>;
  /** Engine path -> spec field ("HostConfig.Mounts[2]" -> "volumes.1"), for refusals */
  origins: Record<string, string>;
  /** the value of a variable kept from the source container (a placeholder in a preview) */
  kept: (name: string) => string;
}

/** The HostConfig fields sections read back from an inspect (dockerode types many as any). */
export interface InspectHostConfig {
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

/** An existing container, as "duplicate and edit" reads it back into a spec. */
export interface ContainerSource {
  inspect: Docker.ContainerInspectInfo;
  config: Docker.ContainerInspectInfo["Config"] & {
    Healthcheck?: { Test?: string[]; Interval?: number; Timeout?: number; Retries?: number; StartPeriod?: number };
    StopSignal?: string;
    StopTimeout?: number;
  };
  host: InspectHostConfig;
  image: ImageConfig;
  /**
   * Whether this variable's value stays on the server for this caller (it looks secret and the
   * caller may not see secrets). Given by the caller: the credential rules are server-only.
   */
  hides: (name: string, value: string) => boolean;
  /** where values kept on the server come from */
  source: { environmentId: string; containerId: string };
}

/** What reading an inspect back collects beside the spec. */
export interface SpecOfNotes {
  /** names of variables whose value stays on the server */
  kept: string[];
  /** what the source has that the copy will not (a person reads these) */
  dropped: string[];
}

/** IDs for the names a service spec refers to; the caller looks them up on the cluster. */
export interface SpecRefs {
  secret(name: string): string;
  config(name: string): string;
  network(name: string): string;
}

/** Names standing for themselves (the engine takes a network's name as its Target). */
export const NAMES_AS_REFS: SpecRefs = { secret: (n) => n, config: (n) => n, network: (n) => n };

/** A swarm ServiceSpec being written by the sections. */
export interface ServiceDraft {
  /** the ServiceSpec (Name, Labels, Mode, TaskTemplate, EndpointSpec, ...) */
  spec: Record<string, unknown>;
  /** TaskTemplate */
  task: Record<string, unknown>;
  /** TaskTemplate.ContainerSpec */
  container: Record<string, unknown>;
  /** Engine path -> spec field, for refusals */
  origins: Record<string, string>;
  refs: SpecRefs;
}

/** A ServiceSpec as `docker service inspect` gives .Spec (read field by field: see engine-read.ts). */
export type ServiceSpecJson = Record<string, unknown>;

/** What reading a ServiceSpec back collects beside the spec, and what it needs. */
export interface ServiceRead {
  /** what the service has that the spec does not say (an update keeps it as it is) */
  kept: string[];
  /** the name of a network the engine names by its ID */
  networkName(id: string): string;
}

/**
 * One section. `C` is its slice of the container spec, `S` its slice of the service spec
 * (parsed, defaults applied); `CI` / `SI` the same slices as input (what reading back gives);
 * `U` its part of a `docker container update`.
 * Methods, not function properties: the composed spec is handed to every section.
 */
export interface Section<C = never, S = never, CI = unknown, SI = unknown, U = never> {
  name: string;
  /** cross-field checks over the section's slice (duplicates, pairs that do not go together) */
  check?(spec: C, ctx: z.RefinementCtx): void;
  /** spec -> create payload */
  toContainer?(spec: C, draft: ContainerDraft): void;
  /** inspect -> spec */
  fromContainer?(source: ContainerSource, notes: SpecOfNotes): CI;
  /** what the section cannot carry over from this container (said after everything else) */
  notCarried?(source: ContainerSource): string[];
  /** `docker run` words */
  runWords?(spec: C, cli: CliWords): void;
  /** Engine keys the section sets itself; a raw field may not set them too */
  modelled?: { Config?: readonly string[]; HostConfig?: readonly string[] };
  /** fixed Engine paths and the spec field they come from ("HostConfig.Memory" -> "resources.memoryBytes") */
  fields?: Readonly<Record<string, string>>;

  /** `docker container update`: the update fields of this section -> the update body */
  toUpdate?(update: U, body: Record<string, unknown>): void;
  /** `docker container update` words */
  updateWords?(update: U, body: Readonly<Record<string, unknown>>, words: string[]): void;

  /** service spec check */
  checkService?(spec: S, ctx: z.RefinementCtx): void;
  /** spec -> ServiceSpec */
  toService?(spec: S, draft: ServiceDraft): void;
  /** ServiceSpec -> spec */
  fromService?(payload: ServiceSpecJson, read: ServiceRead): SI;
  /** `docker service create` words */
  serviceWords?(spec: S, words: ServiceWords): void;
  /**
   * `docker service update` words that turn `before` into `after`; `current`: the service's
   * ServiceSpec as the engine holds it (what the form does not model is kept from it)
   */
  serviceUpdateWords?(before: S, after: S, words: string[], current?: ServiceSpecJson): void;
  /** fixed ServiceSpec paths and the spec field they come from */
  serviceFields?: Readonly<Record<string, string>>;
  /** ServiceSpec paths the section writes (all of them, set or not): an update replaces these */
  serviceModelled?: readonly string[];
}

/** A section, typed by its slices (no runtime effect; keeps each section file honest). */
export function defineSection<C = never, S = never, CI = unknown, SI = unknown, U = never>(
  section: Section<C, S, CI, SI, U>,
): Section<C, S, CI, SI, U> {
  return section;
}

/** The longest origin that prefixes an Engine path, else the fixed fields, else the path itself. */
export function specFieldFor(
  enginePath: string,
  origins: Readonly<Record<string, string>>,
  fixed: Readonly<Record<string, string>>,
): string {
  const under = (prefix: string) =>
    enginePath === prefix || enginePath.startsWith(`${prefix}.`) || enginePath.startsWith(`${prefix}[`);
  let best: string | undefined;
  for (const key of Object.keys(origins)) if (under(key) && (!best || key.length > best.length)) best = key;
  if (best) return origins[best]!;
  for (const [prefix, field] of Object.entries(fixed)) if (under(prefix)) return field;
  return enginePath;
}

export const NS = 1_000_000_000;

export type SpecSlice<T extends z.ZodRawShape> = z.output<z.ZodObject<T>>;
export type SpecSliceInput<T extends z.ZodRawShape> = z.input<z.ZodObject<T>>;
