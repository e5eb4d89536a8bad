// The swarm service spec, composed from the same sections as the container spec: a closed
// schema, its ServiceSpec (POST /services/create, and the body of /services/{id}/update), the
// way back from `docker service inspect` .Spec, and the `docker service create` line.
//
// Pure, like container-spec.ts; the workload policy (server-only) judges the ServiceSpec this
// makes under its service roots (judgeServiceSpec in judge.ts). What a service cannot say
// (privileged mode, devices, namespaces, a container's network mode or fixed address, a host
// address for a port) is not in its schema at all.
import { z } from "zod";
import { CliWords } from "./cli";
import { specFieldFor, type ServiceDraft, type ServiceSpecView } from "./section";
import { commandShape } from "./sections/command";
import { serviceEnvShape } from "./sections/env";
import { healthcheckShape } from "./sections/healthcheck";
import { serviceHostAccessFieldsShape } from "./sections/host-access";
import { identityShape } from "./sections/identity";
import { imageSection, serviceImageShape } from "./sections/image";
import { serviceLabelsShape } from "./sections/labels";
import { mountsShape, serviceMountsHostAccessShape } from "./sections/mounts";
import { serviceNetworksShape } from "./sections/networks";
import { servicePortsShape } from "./sections/ports";
import { resourcesShape } from "./sections/resources";
import { serviceRestartShape } from "./sections/restart";
import { serviceModeSection, serviceModeShape } from "./sections/service";
import { WORKLOAD_SECTIONS } from "./sections/index";

export const serviceHostAccessSpec = z
  .object({ ...serviceHostAccessFieldsShape, ...serviceMountsHostAccessShape })
  .strict();

/** In the order `docker service create` writes their flags (the image and its args last). */
const SECTIONS = [imageSection, serviceModeSection, ...WORKLOAD_SECTIONS] as const;

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
    ...serviceRestartShape,
    ...servicePortsShape,
    ...mountsShape,
    ...serviceNetworksShape,
    ...resourcesShape,
    ...identityShape,
    ...healthcheckShape,
    hostAccess: serviceHostAccessSpec.optional(),
  })
  .strict()
  .superRefine((spec, ctx) => {
    for (const section of SECTIONS) section.checkService?.(spec, ctx);
  });

export type ServiceSpec = z.infer<typeof serviceSpec>;
export type ServiceSpecInput = z.input<typeof serviceSpec>;

export interface ServicePayload {
  /** the ServiceSpec: POST /services/create */
  body: Record<string, unknown>;
  /** ServiceSpec path -> spec field, so that a refusal can point at the form's field */
  origins: Record<string, string>;
}

/** The ServiceSpec for a spec. */
export function toServiceSpec(spec: ServiceSpec): ServicePayload {
  const container: Record<string, unknown> = {};
  const task: Record<string, unknown> = { ContainerSpec: container };
  const draft: ServiceDraft = { spec: {}, task, container, origins: {} };
  for (const section of SECTIONS) section.toService?.(spec, draft);
  draft.spec.TaskTemplate = task;
  return { body: draft.spec, origins: draft.origins };
}

/** Which spec field a ServiceSpec path (from a policy violation) belongs to. */
export function serviceSpecFieldOf(enginePath: string, origins: Record<string, string>): string {
  return specFieldFor(enginePath, origins, FIELDS);
}

const clone = <T>(value: T): T => structuredClone(value);

function deletePath(target: Record<string, unknown>, path: string) {
  const keys = path.split(".");
  let at: unknown = target;
  for (const key of keys.slice(0, -1)) {
    if (typeof at !== "object" || at === null) return;
    at = (at as Record<string, unknown>)[key];
  }
  if (typeof at === "object" && at !== null) delete (at as Record<string, unknown>)[keys.at(-1)!];
}

function mergeInto(target: Record<string, unknown>, source: Record<string, unknown>) {
  for (const [key, value] of Object.entries(source)) {
    const current = target[key];
    if (
      typeof value === "object" &&
      value !== null &&
      !Array.isArray(value) &&
      typeof current === "object" &&
      current !== null &&
      !Array.isArray(current)
    ) {
      mergeInto(current as Record<string, unknown>, value as Record<string, unknown>);
    } else target[key] = clone(value);
  }
}

/**
 * The body of POST /services/{id}/update: the service's current spec with every field the
 * spec models replaced by the spec's (set or cleared), and everything else (placement,
 * rollout settings, secrets, ...) kept as it is.
 */
export function toServiceUpdate(current: ServiceSpecView, spec: ServiceSpec): ServicePayload {
  const body = clone(current) as Record<string, unknown>;
  for (const path of SERVICE_MODELLED_PATHS) deletePath(body, path);
  const next = toServiceSpec(spec);
  mergeInto(body, next.body);
  return { body, origins: next.origins };
}

export interface ServiceSpecOf {
  spec: ServiceSpecInput;
  /** what the ServiceSpec has that the spec cannot say (an update keeps it; a copy loses it) */
  dropped: string[];
}

/** `docker service inspect` .Spec back into the spec. */
export function serviceSpecOf(payload: ServiceSpecView): ServiceSpecOf {
  const dropped: string[] = [];
  const spec: Record<string, unknown> = {};
  const hostAccess: Record<string, unknown> = {};
  for (const section of SECTIONS) {
    const part = (section.fromService?.(payload, dropped) ?? {}) as Record<string, unknown>;
    const { hostAccess: access, ...rest } = part;
    Object.assign(spec, rest);
    if (access) Object.assign(hostAccess, access);
  }
  if (Object.keys(hostAccess).length) spec.hostAccess = hostAccess;
  return { spec: spec as ServiceSpecInput, dropped };
}

/** `docker service create …` that makes the same service. */
export function serviceCreateCli(spec: ServiceSpec): string {
  const cli = new CliWords();
  for (const section of SECTIONS) section.serviceWords?.(spec, cli);
  return cli.line(["docker", "service", "create"]);
}
