// The container spec, composed from the sections: what a person asks for when they create
// or change a container, as a closed schema (every object strict: an unknown key is an
// error, never ignored), its Engine payload (POST /containers/create), the way back from an
// inspect ("duplicate and edit"), the `docker run` line, and `docker container update`.
//
// Pure: no Node, no engine, no policy (the workload policy, server-only, judges the payload
// this makes). The create form and the Update dialog check with these same schemas.
import type Docker from "dockerode";
import { z } from "zod";
import { CliWords, shellQuote } from "./cli";
import type { ContainerDraft, ContainerSource, CreateBody, ImageConfig, SpecOfNotes } from "./section";
import { specFieldFor } from "./section";
import { commandSection, commandShape } from "./sections/command";
import { envSection, envShape } from "./sections/env";
import { healthcheckSection, healthcheckShape } from "./sections/healthcheck";
import { hostAccessFieldsShape, hostAccessSection } from "./sections/host-access";
import { identitySection, identityShape } from "./sections/identity";
import { imageSection, imageShape } from "./sections/image";
import { labelsSection, labelsShape } from "./sections/labels";
import { mountsHostAccessShape, mountsSection, mountsShape } from "./sections/mounts";
import { networksHostAccessShape, networksSection, networksShape } from "./sections/networks";
import { portsSection, portsShape } from "./sections/ports";
import { canonicalRaw, rawCollisions as collisionsOf, rawHostAccessShape, rawSection } from "./sections/raw";
import { resourcesSection, resourcesShape, resourcesUpdateShape, checkResourcesUpdate } from "./sections/resources";
import { restartSection, restartShape, restartUpdateShape, checkRetries } from "./sections/restart";
import { WORKLOAD_SECTIONS } from "./sections/index";

export type { CreateBody, ImageConfig } from "./section";
export { shellQuote, formatBytesFlag } from "./cli";
export { MIN_MEMORY_BYTES, resourcesSpec } from "./sections/resources";
export { restartPolicySpec, type RestartName } from "./sections/restart";
export { envEntry, envList, envValues, type EnvEntry } from "./sections/env";
export { portSpec } from "./sections/ports";
export { volumeSpec, tmpfsSpec, bindMountSpec } from "./sections/mounts";
export { networkSpec } from "./sections/networks";
export { healthcheckSpec } from "./sections/healthcheck";
export { deviceSpec, deviceRequestSpec } from "./sections/host-access";
export { CONTAINER_NAME, VOLUME_NAME } from "./fields";

/**
 * Everything that escapes the container, from every section that has some. Each is judged by
 * the workload policy on the payload it becomes (most need container.create.privileged; a
 * Docker socket needs container.create.docker-socket as well).
 */
export const hostAccessSpec = z
  .object({
    ...hostAccessFieldsShape,
    ...networksHostAccessShape,
    ...mountsHostAccessShape,
    ...rawHostAccessShape,
  })
  .strict();

const shape = {
  ...imageShape,
  ...commandShape,
  ...envShape,
  ...labelsShape,
  ...restartShape,
  ...portsShape,
  ...mountsShape,
  ...networksShape,
  ...resourcesShape,
  ...identityShape,
  ...healthcheckShape,
  hostAccess: hostAccessSpec.optional(),
};

/** What the sections model themselves; raw Engine fields may not set these. */
const PLAIN_SECTIONS = [imageSection, ...WORKLOAD_SECTIONS];
export const MODELLED_CONFIG_KEYS: readonly string[] = PLAIN_SECTIONS.flatMap((s) => s.modelled?.Config ?? []);
export const MODELLED_HOST_CONFIG_KEYS: readonly string[] = PLAIN_SECTIONS.flatMap((s) => s.modelled?.HostConfig ?? []);
const modelled = { Config: new Set(MODELLED_CONFIG_KEYS), HostConfig: new Set(MODELLED_HOST_CONFIG_KEYS) };

/**
 * The sections, in the order the `docker run` line writes their flags (the command section
 * writes --entrypoint, which must come last before the image). Raw fields go last: they never
 * override a modelled one.
 */
const SECTIONS = [...PLAIN_SECTIONS, rawSection(modelled)] as const;

/** The order "duplicate and edit" reads an inspect back (and says what it drops). */
const READ_BACK = [
  imageSection,
  commandSection,
  envSection,
  labelsSection,
  restartSection,
  portsSection,
  mountsSection,
  networksSection,
  resourcesSection,
  identitySection,
  healthcheckSection,
  hostAccessSection,
];

const FIELDS: Readonly<Record<string, string>> = Object.fromEntries(
  SECTIONS.flatMap((s) => Object.entries(s.fields ?? {})),
);

export const containerSpec = z
  .object(shape)
  .strict()
  .superRefine((spec, ctx) => {
    for (const section of SECTIONS) section.check?.(spec, ctx);
  });

export type ContainerSpec = z.infer<typeof containerSpec>;
export type ContainerSpecInput = z.input<typeof containerSpec>;

// ---- the Engine payload ----------------------------------------------------------------------

export interface CreatePayload {
  /** the ?name= query parameter */
  name?: string;
  body: CreateBody;
  /**
   * Which spec field each engine array entry came from ("HostConfig.Mounts[2]" → "volumes.1"),
   * so that a refusal can point at the form's field.
   */
  origins: Record<string, string>;
}

/**
 * The create payload for a spec. `kept` gives the values of variables kept from the source
 * container (the server reads them at create time; a preview passes a placeholder).
 */
export function toCreatePayload(spec: ContainerSpec, kept: (name: string) => string = () => ""): CreatePayload {
  const draft: ContainerDraft = { body: {}, host: {}, origins: {}, kept };
  for (const section of SECTIONS) section.toContainer?.(spec, draft);
  draft.body.HostConfig = draft.host;
  return { ...(draft.name ? { name: draft.name } : {}), body: draft.body, origins: draft.origins };
}

/** Raw keys that collide with modelled ones: refused by the procedure with the field to use instead. */
export function rawCollisions(spec: ContainerSpec): string[] {
  return collisionsOf(spec, modelled);
}

/** The raw fields of a spec as the engine will read them. */
export { canonicalRaw };

/** Which spec field an engine path (from a policy violation) belongs to, for the form. */
export function specFieldOf(enginePath: string, origins: Record<string, string>): string {
  return specFieldFor(enginePath, origins, FIELDS);
}

// ---- the docker command line -----------------------------------------------------------------

/**
 * `docker run -d …` (or `docker create …` when not started) that makes the same container.
 * Values kept from the source container are written as "$NAME": the command line never
 * carries a value the browser may not see.
 */
export function runCli(spec: ContainerSpec, environmentName?: string | null): string {
  const cli = new CliWords();
  for (const section of SECTIONS) section.runWords?.(spec, cli);
  return cli.line([...dockerOn(environmentName), ...(spec.start ? ["run", "-d"] : ["create"])]);
}

/** `docker --context <environment>`: which environment a line is for, a Docker context named like it. */
function dockerOn(environmentName: string | null | undefined): string[] {
  return environmentName ? ["docker", "--context", shellQuote(environmentName)] : ["docker"];
}

// ---- duplicate and edit ----------------------------------------------------------------------

export interface SpecOf {
  spec: ContainerSpecInput;
  /** names of variables whose value stays on the server (kept from the source at create) */
  kept: string[];
  /** what the source has that the copy will not (a person reads these) */
  dropped: string[];
}

/**
 * An existing container's inspect mapped back to the create spec. What came from the image
 * (its command, variables, labels, working dir, healthcheck) is left out so the copy follows
 * the image; what the spec cannot say is listed, never silently lost. Values of
 * secret-looking variables become "keep the source container's value" unless the caller may
 * see them: the browser gets the name, never the value.
 */
export function specOf(
  raw: Docker.ContainerInspectInfo,
  image: ImageConfig,
  options: { hides: (name: string, value: string) => boolean; source: { environmentId: string; containerId: string } },
): SpecOf {
  const source: ContainerSource = {
    inspect: raw,
    config: raw.Config,
    host: raw.HostConfig,
    image,
    hides: options.hides,
    source: options.source,
  };
  const notes: SpecOfNotes = { kept: [], dropped: [] };
  const spec: Record<string, unknown> = {};
  const hostAccess: Record<string, unknown> = {};
  for (const section of READ_BACK) {
    const part = (section.fromContainer?.(source, notes) ?? {}) as Record<string, unknown>;
    const { hostAccess: access, ...rest } = part;
    Object.assign(spec, rest);
    if (access) Object.assign(hostAccess, access);
  }
  if (Object.keys(hostAccess).length) spec.hostAccess = hostAccess;
  for (const section of READ_BACK) notes.dropped.push(...(section.notCarried?.(source) ?? []));
  return { spec: spec as ContainerSpecInput, kept: notes.kept, dropped: notes.dropped };
}

// ---- docker container update -----------------------------------------------------------------

/** What `docker container update` can change here: restart policy and resources. */
export const updateFields = z.object({ ...restartUpdateShape, ...resourcesUpdateShape }).strict();
type UpdateFields = z.infer<typeof updateFields>;
const UPDATE_KEYS = Object.keys(updateFields.shape) as (keyof UpdateFields)[];

/** An update must change something, and swap cannot be below memory. */
export function checkUpdate(u: UpdateFields, ctx: z.RefinementCtx): void {
  // The router extends these fields with the container's ref: only the update fields count.
  if (UPDATE_KEYS.every((key) => u[key] === undefined)) {
    ctx.addIssue({ code: "custom", message: "Change at least one thing." });
  }
  checkResourcesUpdate(u, ctx);
  checkRetries(u.restartPolicy, ctx);
}

export const updateSpec = updateFields.superRefine(checkUpdate);
export type UpdateSpec = z.infer<typeof updateSpec>;

const UPDATE_SECTIONS = [restartSection, resourcesSection];

/** The engine's update body (POST /containers/{id}/update). */
export function toUpdateBody(update: UpdateSpec): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const section of UPDATE_SECTIONS) section.toUpdate?.(update, body);
  return body;
}

/** `docker container update …` for an update. */
export function updateCli(container: string, update: UpdateSpec, environmentName?: string | null): string {
  const words = [...dockerOn(environmentName), "container", "update"];
  const body = toUpdateBody(update);
  for (const section of UPDATE_SECTIONS) section.updateWords?.(update, body, words);
  words.push(shellQuote(container));
  return words.join(" ");
}
