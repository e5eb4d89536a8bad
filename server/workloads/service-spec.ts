// The swarm service spec, composed from the same sections as the container spec (and the
// sections only a service has: its mode, placement, rollout, secrets and configs, stop grace
// period and endpoint mode): a closed schema, its ServiceSpec (POST /services/create, and the
// body of /services/{id}/update: the current spec with every field the spec models replaced),
// the way back from `docker service inspect` .Spec, and the `docker service create | update`
// words.
//
// Pure and shared with the browser's form, like container-spec.ts; the workload policy
// (server-only) judges the ServiceSpec this makes under its service roots. What a service
// cannot say (privileged mode, devices, namespaces, a container's network mode or fixed
// address, a host address for a port) is not in its schema at all. Names of secrets, configs
// and networks are resolved to IDs by the caller (`refs`), as the CLI does.
import { z } from "zod";
import { ServiceWords, shellQuote } from "./cli";
import {
  NAMES_AS_REFS,
  specFieldFor,
  type ServiceDraft,
  type ServiceRead,
  type ServiceSpecJson,
  type SpecRefs,
} from "./section";
import { commandSection, commandShape } from "./sections/command";
import { endpointSection, endpointShape } from "./sections/endpoint";
import { envSection, serviceEnvShape } from "./sections/env";
import { filesSection, filesShape } from "./sections/files";
import { healthcheckSection, healthcheckShape } from "./sections/healthcheck";
import { hostAccessSection, serviceHostAccessFieldsShape } from "./sections/host-access";
import { identitySection, serviceIdentityShape } from "./sections/identity";
import { imageSection, serviceImageShape } from "./sections/image";
import { labelsSection, serviceLabelsShape } from "./sections/labels";
import { mountsSection, serviceMountsHostAccessShape, serviceMountsShape } from "./sections/mounts";
import { networksSection, serviceNetworksShape } from "./sections/networks";
import { placementSection, placementShape } from "./sections/placement";
import { portsSection, servicePortsShape } from "./sections/ports";
import { resourcesSection, serviceResourcesShape } from "./sections/resources";
import { restartSection, serviceRestartShape } from "./sections/restart";
import { rolloutSection, rolloutShape } from "./sections/rollout";
import { serviceModeSection, serviceModeShape } from "./sections/service";
import { stopSection, stopShape } from "./sections/stop";

export type { SpecRefs } from "./section";
export { SERVICE_NAME } from "./sections/image";
export { serviceModeSpec } from "./sections/service";

/** What reaches the host: needs container.create.privileged (and the socket permission for a Docker socket). */
export const serviceHostAccessSpec = z
  .object({ ...serviceMountsHostAccessShape, ...serviceHostAccessFieldsShape })
  .strict();

/** The settings after what runs, where and with what: both command lines write them in this order. */
const SETTINGS = [
  placementSection,
  resourcesSection,
  restartSection,
  rolloutSection,
  healthcheckSection,
  filesSection,
  identitySection,
  stopSection,
  endpointSection,
  hostAccessSection,
] as const;

/** In the order `docker service create` writes their flags (the entrypoint, image and args last). */
const SECTIONS = [
  imageSection,
  serviceModeSection,
  portsSection,
  mountsSection,
  networksSection,
  envSection,
  labelsSection,
  ...SETTINGS,
  commandSection,
] as const;

/** In the order `docker service update` writes what changed (the service named last). */
const UPDATE_ORDER = [
  imageSection,
  serviceModeSection,
  commandSection,
  envSection,
  labelsSection,
  portsSection,
  mountsSection,
  networksSection,
  ...SETTINGS,
] as const;

const FIELDS: Readonly<Record<string, string>> = Object.fromEntries(
  SECTIONS.flatMap((s) => Object.entries(s.serviceFields ?? {})),
);

/** ServiceSpec paths the spec writes, set or not: an update replaces exactly these. */
export const SERVICE_MODELLED_PATHS: readonly string[] = [
  ...new Set(SECTIONS.flatMap((s) => [...Object.keys(s.serviceFields ?? {}), ...(s.serviceModelled ?? [])])),
];

export const serviceSpec = z
  .object({
    ...serviceImageShape,
    ...serviceModeShape,
    ...commandShape,
    ...serviceEnvShape,
    ...serviceLabelsShape,
    ...servicePortsShape,
    ...serviceMountsShape,
    ...serviceNetworksShape,
    ...placementShape,
    ...serviceResourcesShape,
    ...serviceRestartShape,
    ...rolloutShape,
    ...healthcheckShape,
    ...filesShape,
    ...serviceIdentityShape,
    ...stopShape,
    ...endpointShape,
    hostAccess: serviceHostAccessSpec.optional(),
  })
  .strict()
  .superRefine((spec, ctx) => {
    for (const section of SECTIONS) section.checkService?.(spec, ctx);
  });

export type ServiceSpec = z.output<typeof serviceSpec>;
export type ServiceSpecInput = z.input<typeof serviceSpec>;
export type ServiceMode = ServiceSpec["mode"];

type Json = Record<string, unknown>;

export interface ServicePayload {
  /** the ServiceSpec: POST /services/create */
  body: Json;
  /** ServiceSpec path -> spec field, so that a refusal can point at the form's field */
  origins: Record<string, string>;
}

/** The ServiceSpec for a spec, with where each of its entries came from. */
export function toServicePayload(spec: ServiceSpec, refs: SpecRefs = NAMES_AS_REFS): ServicePayload {
  const container: Json = {};
  const task: Json = { ContainerSpec: container };
  const draft: ServiceDraft = { spec: {}, task, container, origins: {}, refs };
  for (const section of SECTIONS) section.toService?.(spec, draft);
  draft.spec.TaskTemplate = task;
  return { body: draft.spec, origins: draft.origins };
}

/** The Engine ServiceSpec of a spec (POST /services/create). */
export function toServiceSpec(spec: ServiceSpec, refs: SpecRefs = NAMES_AS_REFS): Json {
  return toServicePayload(spec, refs).body;
}

/** Which spec field a ServiceSpec path (from a policy violation) belongs to. */
export function serviceSpecFieldOf(enginePath: string, origins: Record<string, string>): string {
  return specFieldFor(enginePath, origins, FIELDS);
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

const isRecord = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

function mergeInto(target: Json, source: Json) {
  for (const [key, value] of Object.entries(source)) {
    const current = target[key];
    if (isRecord(value) && isRecord(current)) mergeInto(current, value);
    else target[key] = structuredClone(value);
  }
}

/**
 * The body of POST /services/{id}/update: the service's current spec with every field the
 * spec models replaced by the spec's (set or cleared); whatever else the service has (a log
 * driver, privileges, ulimits, ...) is kept as it is.
 */
export function toServiceUpdate(current: ServiceSpecJson, spec: ServiceSpec, refs: SpecRefs = NAMES_AS_REFS): Json {
  const body = structuredClone(current);
  for (const path of SERVICE_MODELLED_PATHS) deletePath(body, path);
  mergeInto(body, toServiceSpec(spec, refs));
  return body;
}

export interface ServiceSpecOf {
  spec: ServiceSpecInput;
  /** what the service has that the spec does not say (an update keeps it as it is) */
  kept: string[];
}

/**
 * `docker service inspect` .Spec as a spec. `networkName` turns the IDs the engine stores back
 * into names.
 */
export function serviceSpecOf(
  payload: ServiceSpecJson,
  networkName: (id: string) => string = (id) => id,
): ServiceSpecOf {
  const read: ServiceRead = { kept: [], networkName };
  const spec: Json = {};
  const hostAccess: Json = {};
  for (const section of SECTIONS) {
    const part = (section.fromService?.(payload, read) ?? {}) as Json;
    const { hostAccess: access, ...rest } = part;
    Object.assign(spec, rest);
    if (isRecord(access)) Object.assign(hostAccess, access);
  }
  if (Object.keys(hostAccess).length) spec.hostAccess = hostAccess;
  return { spec: spec as ServiceSpecInput, kept: read.kept };
}

// ---- the command line --------------------------------------------------------------------

/** The words after `docker` that make this service (`service create …`), unquoted. */
export function createWords(spec: ServiceSpec): string[] {
  const words = new ServiceWords();
  for (const section of SECTIONS) section.serviceWords?.(spec, words);
  return words.list(["service", "create"]);
}

/** `docker service create …` that makes the same service, quoted for a shell. */
export function serviceCreateCli(spec: ServiceSpec): string {
  return ["docker", ...createWords(spec)].map(shellQuote).join(" ");
}

/**
 * The words after `docker` that turn `before` into `after` (`service update … <service>`).
 * Where the CLI has no flag to clear a setting, the line says as much as it can. `current`:
 * the service's ServiceSpec as the engine holds it (what the CLI's flags act on besides).
 */
export function updateWords(
  before: ServiceSpec,
  after: ServiceSpec,
  serviceWord: string,
  current?: ServiceSpecJson,
): string[] {
  const words = ["service", "update"];
  for (const section of UPDATE_ORDER) section.serviceUpdateWords?.(before, after, words, current);
  words.push(serviceWord);
  return words;
}
