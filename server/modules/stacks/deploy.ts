// Deploy a planned stack to a swarm the way `docker stack deploy` does
// (cli/command/stack/swarm/deploy_composefile.go): prune, networks, secrets, configs, then each
// service created or updated. Before anything is touched: the judge sees every service spec,
// external networks, secrets and configs are checked, the engine must be a swarm manager; so
// a refused or broken stack changes nothing.
import type Docker from "dockerode";
import { imageWithDigest, imageWithTag } from "./compose/go-values";
import { LABEL_IMAGE, LABEL_NAMESPACE, scope, type EngineSpec, type FileObjectSpec, type StackPlan } from "./convert";
import { engineCall, engineMessage, filters } from "./engine-api";
import {
  StackAbortedError,
  StackEngineError,
  StackNotFoundError,
  StackPolicyError,
  type StackViolation,
} from "./errors";

export type ResolveImage = "always" | "changed" | "never";

/** Any policy function: gets each service spec before anything is created, returns what it refuses. */
export type StackJudge = (
  spec: EngineSpec,
  context: { stack: string; service: string },
) =>
  | readonly { field: string; message: string; [extra: string]: unknown }[]
  | Promise<readonly { field: string; message: string; [extra: string]: unknown }[]>;

export type StackObjectKind = "service" | "network" | "secret" | "config";

export interface StackProgress {
  kind: StackObjectKind;
  action: "create" | "update" | "remove";
  /** the engine name ("mystack_web") */
  name: string;
  id?: string;
  /** the engine's warnings, and the digest warning when an image could not be resolved */
  warnings?: string[];
}

export interface DeployOptions {
  signal?: AbortSignal;
  /** --prune: remove services of the stack that the file no longer has */
  prune?: boolean;
  /** --resolve-image, default "always" */
  resolveImage?: ResolveImage;
  /**
   * --with-registry-auth: the X-Registry-Auth value (base64 JSON) for an image, sent with the
   * digest look-up and the service create/update; see encodeRegistryAuth.
   */
  registryAuth?: (image: string) => string | undefined;
  judge?: StackJudge;
  onProgress?: (event: StackProgress) => void;
}

export interface DeployResult {
  stack: string;
  events: StackProgress[];
  /** service name in the file -> service id */
  serviceIds: Record<string, string>;
}

/**
 * The X-Registry-Auth header value the CLI sends: the auth JSON in URL-safe base64 WITH its
 * padding (the engine decodes with Go's base64.URLEncoding, which refuses unpadded text).
 */
export function encodeRegistryAuth(auth: { username: string; password: string; serveraddress: string }): string {
  return Buffer.from(JSON.stringify(auth)).toString("base64").replaceAll("+", "-").replaceAll("/", "_");
}

interface EngineService {
  ID: string;
  Version: { Index: number };
  Spec: EngineSpec & { Name: string; Labels?: Record<string, string>; TaskTemplate: EngineSpec };
}

interface Named {
  ID: string;
  Id?: string;
  Name?: string;
  Spec?: { Name: string };
  Version?: { Index: number };
}

function checkAborted(signal: AbortSignal | undefined, done: string[]): void {
  if (signal?.aborted) throw new StackAbortedError(done);
}

export async function listStackServices(docker: Docker, stack: string, signal?: AbortSignal): Promise<EngineService[]> {
  return engineCall<EngineService[]>(
    docker,
    { method: "GET", path: "/services", query: filters({ label: [`${LABEL_NAMESPACE}=${stack}`] }), signal },
    "list services",
  );
}

export async function assertSwarmManager(docker: Docker, signal?: AbortSignal): Promise<void> {
  const info = await engineCall<{ Swarm?: { ControlAvailable?: boolean } }>(
    docker,
    { method: "GET", path: "/info", signal },
    "engine info",
  );
  if (!info.Swarm?.ControlAvailable) {
    throw new StackEngineError(
      'this node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again',
      undefined,
    );
  }
}

/** The judge's verdict on every service; a refusal throws and nothing is touched. */
export async function judgeStack(plan: StackPlan, judge: StackJudge | undefined): Promise<void> {
  if (!judge) return;
  const violations: StackViolation[] = [];
  for (const service of plan.services) {
    const found = await judge(service.spec, { stack: plan.stack, service: service.name });
    for (const v of found) violations.push({ ...v, service: service.name, field: v.field, message: v.message });
  }
  if (violations.length) throw new StackPolicyError(violations);
}

async function namesThatExist(
  docker: Docker,
  kind: "secrets" | "configs",
  names: string[],
  signal?: AbortSignal,
): Promise<Map<string, Named>> {
  if (names.length === 0) return new Map();
  const found = await engineCall<Named[]>(
    docker,
    { method: "GET", path: `/${kind}`, query: filters({ name: names }), signal },
    `list ${kind}`,
  );
  // the name filter matches prefixes: keep exact names only
  return new Map(found.filter((o) => o.Spec && names.includes(o.Spec.Name)).map((o) => [o.Spec!.Name, o]));
}

async function preflight(docker: Docker, plan: StackPlan, signal?: AbortSignal): Promise<void> {
  for (const name of plan.externalNetworks) {
    if (["default", "bridge", "host", "none"].includes(name) || name.startsWith("container:")) continue;
    let network: { Scope?: string };
    try {
      network = await engineCall(
        docker,
        { method: "GET", path: `/networks/${encodeURIComponent(name)}`, signal },
        `network ${name}`,
      );
    } catch (error) {
      if (error instanceof StackNotFoundError) {
        throw new StackNotFoundError(
          `network "${name}" is declared as external, but could not be found. You need to create a swarm-scoped network before the stack is deployed`,
        );
      }
      throw error;
    }
    if (network.Scope !== "swarm") {
      throw new StackNotFoundError(
        `network "${name}" is declared as external, but it is not in the right scope: "${network.Scope}" instead of "swarm"`,
      );
    }
  }
  for (const [kind, names] of [
    ["secrets", plan.externalSecrets],
    ["configs", plan.externalConfigs],
  ] as const) {
    const used = names.filter((name) =>
      plan.services.some(
        (s) =>
          ((s.spec.TaskTemplate as EngineSpec).ContainerSpec as EngineSpec)[
            kind === "secrets" ? "Secrets" : "Configs"
          ] !== undefined &&
          (
            ((s.spec.TaskTemplate as EngineSpec).ContainerSpec as EngineSpec)[
              kind === "secrets" ? "Secrets" : "Configs"
            ] as EngineSpec[]
          ).some((ref) => ref[kind === "secrets" ? "SecretName" : "ConfigName"] === name),
      ),
    );
    const existing = await namesThatExist(docker, kind, used, signal);
    for (const name of used) {
      if (!existing.has(name))
        throw new StackNotFoundError(`${kind === "secrets" ? "secret" : "config"} not found: ${name}`);
    }
  }
}

async function upsertFileObjects(
  docker: Docker,
  kind: "secrets" | "configs",
  objects: FileObjectSpec[],
  emit: (event: StackProgress) => void,
  signal?: AbortSignal,
): Promise<void> {
  const singular = kind === "secrets" ? "secret" : "config";
  for (const { spec } of objects) {
    let existing: Named | undefined;
    try {
      existing = await engineCall<Named>(
        docker,
        { method: "GET", path: `/${kind}/${encodeURIComponent(spec.Name)}`, signal },
        `${singular} ${spec.Name}`,
      );
    } catch (error) {
      if (!(error instanceof StackNotFoundError)) throw error;
    }
    if (existing) {
      await engineCall(
        docker,
        {
          method: "POST",
          path: `/${kind}/${existing.ID}/update`,
          query: { version: String(existing.Version?.Index ?? 0) },
          body: spec,
          signal,
        },
        `failed to update ${singular} ${spec.Name}`,
      );
      emit({ kind: singular, action: "update", name: spec.Name, id: existing.ID });
    } else {
      const created = await engineCall<{ ID: string }>(
        docker,
        { method: "POST", path: `/${kind}/create`, body: spec, signal },
        `failed to create ${singular} ${spec.Name}`,
      );
      emit({ kind: singular, action: "create", name: spec.Name, id: created.ID });
    }
  }
}

function digestWarning(image: string): string {
  return `image ${image} could not be accessed on a registry to record\nits digest. Each node will access ${image} independently,\npossibly leading to different nodes running different\nversions of the image.\n`;
}

/** The Go client's resolveContainerSpecImage: image@digest and the image's platforms. */
async function resolveImageDigest(
  docker: Docker,
  taskTemplate: EngineSpec,
  auth: string | undefined,
  signal?: AbortSignal,
): Promise<string | undefined> {
  const containerSpec = taskTemplate.ContainerSpec as EngineSpec;
  const image = String(containerSpec.Image);
  try {
    const inspect = await engineCall<{
      Descriptor: { digest: string };
      Platforms?: { architecture?: string; os?: string }[];
    }>(
      docker,
      {
        method: "GET",
        path: `/distribution/${image}/json`,
        ...(auth ? { headers: { "X-Registry-Auth": auth } } : {}),
        signal,
      },
      `distribution ${image}`,
    );
    containerSpec.Image = imageWithDigest(image, inspect.Descriptor.digest);
    const platforms = (inspect.Platforms ?? []).map((p) => ({
      Architecture: (p.architecture ?? "").toLowerCase() === "arm" ? "" : (p.architecture ?? ""),
      OS: p.os ?? "",
    }));
    if (platforms.length > 0) {
      const placement = (taskTemplate.Placement as EngineSpec | undefined) ?? {};
      placement.Platforms = platforms.map((p) => Object.fromEntries(Object.entries(p).filter(([, v]) => v !== "")));
      taskTemplate.Placement = placement;
    }
    return undefined;
  } catch (error) {
    if (signal?.aborted) throw error;
    return digestWarning(image);
  }
}

function fillReferenceIds(spec: EngineSpec, kind: "Secrets" | "Configs", ids: Map<string, Named>): void {
  const containerSpec = (spec.TaskTemplate as EngineSpec).ContainerSpec as EngineSpec;
  const refs = containerSpec[kind] as EngineSpec[] | undefined;
  for (const ref of refs ?? []) {
    const nameKey = kind === "Secrets" ? "SecretName" : "ConfigName";
    const found = ids.get(String(ref[nameKey]));
    if (!found)
      throw new StackNotFoundError(`${kind === "Secrets" ? "secret" : "config"} not found: ${String(ref[nameKey])}`);
    ref[kind === "Secrets" ? "SecretID" : "ConfigID"] = found.ID;
  }
}

/** docker stack deploy, with the checks first. */
export async function deployStack(docker: Docker, plan: StackPlan, options: DeployOptions = {}): Promise<DeployResult> {
  const { signal } = options;
  const resolveImage = options.resolveImage ?? "always";
  const done: string[] = [];
  const events: StackProgress[] = [];
  const emit = (event: StackProgress) => {
    events.push(event);
    done.push(`${event.action} ${event.kind} ${event.name}`);
    options.onProgress?.(event);
  };

  await judgeStack(plan, options.judge);
  checkAborted(signal, done);
  await assertSwarmManager(docker, signal);
  await preflight(docker, plan, signal);
  checkAborted(signal, done);

  try {
    const existingServices = await listStackServices(docker, plan.stack, signal);
    if (options.prune) {
      const keep = new Set(plan.services.map((s) => scope(plan.stack, s.name)));
      const stale = existingServices
        .filter((s) => !keep.has(s.Spec.Name))
        .sort((a, b) => (a.Spec.Name < b.Spec.Name ? -1 : 1));
      for (const service of stale) {
        checkAborted(signal, done);
        await engineCall(
          docker,
          { method: "DELETE", path: `/services/${service.ID}`, signal },
          `failed to remove service ${service.Spec.Name}`,
        );
        emit({ kind: "service", action: "remove", name: service.Spec.Name, id: service.ID });
      }
    }

    const existingNetworks = await engineCall<Named[]>(
      docker,
      { method: "GET", path: "/networks", query: filters({ label: [`${LABEL_NAMESPACE}=${plan.stack}`] }), signal },
      "list networks",
    );
    const networkNames = new Set(existingNetworks.map((n) => n.Name));
    for (const network of plan.networks) {
      if (networkNames.has(network.name)) continue;
      checkAborted(signal, done);
      const created = await engineCall<{ Id: string }>(
        docker,
        {
          method: "POST",
          path: "/networks/create",
          body: { ...network.body, Name: network.name, CheckDuplicate: true },
          signal,
        },
        `failed to create network ${network.name}`,
      );
      emit({ kind: "network", action: "create", name: network.name, id: created.Id });
    }

    checkAborted(signal, done);
    await upsertFileObjects(docker, "secrets", plan.secrets, emit, signal);
    checkAborted(signal, done);
    await upsertFileObjects(docker, "configs", plan.configs, emit, signal);

    // convertServiceSecrets / ParseSecrets: ids by name
    const secretNames = new Set<string>();
    const configNames = new Set<string>();
    for (const service of plan.services) {
      const containerSpec = (service.spec.TaskTemplate as EngineSpec).ContainerSpec as EngineSpec;
      for (const ref of (containerSpec.Secrets as EngineSpec[] | undefined) ?? [])
        secretNames.add(String(ref.SecretName));
      for (const ref of (containerSpec.Configs as EngineSpec[] | undefined) ?? [])
        configNames.add(String(ref.ConfigName));
    }
    const secretIds = await namesThatExist(docker, "secrets", [...secretNames], signal);
    const configIds = await namesThatExist(docker, "configs", [...configNames], signal);

    // Services name their networks by id: a network created a moment ago may not be found by
    // name yet on every engine (seen on 20.10); the engine stores the id either way.
    const swarmNetworks = await engineCall<Named[]>(
      docker,
      { method: "GET", path: "/networks", signal },
      "list networks",
    );
    const networkIds = new Map(
      swarmNetworks.filter((n) => (n as { Scope?: string }).Scope === "swarm").map((n) => [n.Name ?? "", n.Id ?? n.ID]),
    );

    const byName = new Map(existingServices.map((s) => [s.Spec.Name, s]));
    const serviceIds: Record<string, string> = {};
    for (const planned of plan.services) {
      checkAborted(signal, done);
      const spec = structuredClone(planned.spec);
      fillReferenceIds(spec, "Secrets", secretIds);
      fillReferenceIds(spec, "Configs", configIds);
      const taskTemplate = spec.TaskTemplate as EngineSpec;
      for (const attachment of (taskTemplate.Networks as EngineSpec[] | undefined) ?? []) {
        const id = networkIds.get(String(attachment.Target));
        if (id) attachment.Target = id;
      }
      const containerSpec = taskTemplate.ContainerSpec as EngineSpec;
      const image = String(containerSpec.Image);
      const name = String(spec.Name);
      const auth = options.registryAuth?.(image);
      const headers = auth ? { "X-Registry-Auth": auth } : undefined;
      const existing = byName.get(name);
      const warnings: string[] = [];
      if (existing) {
        let query = false;
        if (resolveImage === "always") query = true;
        else if (resolveImage === "changed" && image !== existing.Spec.Labels?.[LABEL_IMAGE]) query = true;
        else if (image === existing.Spec.Labels?.[LABEL_IMAGE]) {
          // unchanged image: keep the digest the last deploy recorded, or the update restarts tasks
          containerSpec.Image = (existing.Spec.TaskTemplate.ContainerSpec as EngineSpec).Image;
        }
        containerSpec.Image = imageWithTag(String(containerSpec.Image));
        if (query) {
          const warning = await resolveImageDigest(docker, taskTemplate, auth, signal);
          if (warning) warnings.push(warning);
        }
        // no --force in stack deploy: keep ForceUpdate so tasks are not redeployed for it
        const force = existing.Spec.TaskTemplate.ForceUpdate;
        if (force !== undefined) taskTemplate.ForceUpdate = force;
        const answer = await engineCall<{ Warnings?: string[] | null }>(
          docker,
          {
            method: "POST",
            path: `/services/${existing.ID}/update`,
            query: { version: String(existing.Version.Index) },
            body: spec,
            ...(headers ? { headers } : {}),
            signal,
          },
          `failed to update service ${name}`,
        );
        warnings.push(...(answer?.Warnings ?? []));
        serviceIds[planned.name] = existing.ID;
        emit({ kind: "service", action: "update", name, id: existing.ID, ...(warnings.length ? { warnings } : {}) });
      } else {
        containerSpec.Image = imageWithTag(image);
        if (resolveImage !== "never") {
          const warning = await resolveImageDigest(docker, taskTemplate, auth, signal);
          if (warning) warnings.push(warning);
        }
        const answer = await engineCall<{ ID: string; Warnings?: string[] | null }>(
          docker,
          { method: "POST", path: "/services/create", body: spec, ...(headers ? { headers } : {}), signal },
          `failed to create service ${name}`,
        );
        warnings.push(...(answer.Warnings ?? []));
        serviceIds[planned.name] = answer.ID;
        emit({ kind: "service", action: "create", name, id: answer.ID, ...(warnings.length ? { warnings } : {}) });
      }
    }
    return { stack: plan.stack, events, serviceIds };
  } catch (error) {
    if (signal?.aborted) throw new StackAbortedError(done);
    throw error;
  }
}

export { engineMessage };
