// Deploy a planned stack to a swarm the way `docker stack deploy` does
// (cli/command/stack/swarm/deploy_composefile.go): prune, networks, secrets, configs, then each
// service created or updated. Before anything is touched: the judge sees every service spec,
// external networks, secrets and configs are checked, the engine must be a swarm manager; so
// a refused or broken stack changes nothing.
import type Docker from "dockerode";
import { imageWithDigest, imageWithTag } from "./compose/go-values";
import {
  LABEL_IMAGE,
  LABEL_NAMESPACE,
  scope,
  type EngineSpec,
  type FileObjectSpec,
  type NetworkCreate,
  type StackPlan,
} from "./convert";
import { engineCall, engineMessage, filters } from "./engine-api";
import {
  StackAbortedError,
  StackConflictError,
  StackEngineError,
  StackNotFoundError,
  StackPolicyError,
  type StackViolation,
} from "./errors";

export type ResolveImage = "always" | "changed" | "never";

/** Networks every engine has, by these names (none can be made with them). */
const PREDEFINED_NETWORKS: readonly string[] = ["default", "bridge", "host", "none"];

type Verdict = readonly { field: string; message: string; [extra: string]: unknown }[];

/**
 * Any policy function: gets each service spec before anything is created, returns what it
 * refuses; with `network`, also each network the stack makes (its driver may link the host).
 */
export type StackJudge = ((
  spec: EngineSpec,
  context: { stack: string; service: string },
) => Verdict | Promise<Verdict>) & {
  network?: (network: NetworkCreate) => Verdict;
};

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
  /**
   * Engine names of the file's secrets whose data the caller does not have (a redeploy of a
   * kept version: secret data is never stored). One that exists is left as it is; one that
   * does not is an error before anything is created.
   */
  keepSecrets?: ReadonlySet<string>;
  /**
   * false: the caller may not read configs' data, so a config of the file that exists is
   * refused without comparing its data with the file's (either answer would tell a right guess
   * of the data from a wrong one). Default true.
   */
  compareConfigData?: boolean;
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
  Spec?: { Name: string; Labels?: Record<string, string> };
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
  // Each service judged at once (the judge may ask the engines about volumes and networks); the
  // violations listed in the file's order.
  const verdicts = await Promise.all(
    plan.services.map(async (service) => ({
      service: service.name,
      found: await judge(service.spec, { stack: plan.stack, service: service.name }),
    })),
  );
  const violations: StackViolation[] = [];
  for (const { service, found } of verdicts) {
    for (const v of found) violations.push({ ...v, service, field: v.field, message: v.message });
  }
  for (const network of plan.networks) {
    for (const v of judge.network?.(network) ?? [])
      violations.push({ ...v, service: network.name, network: true, field: v.field, message: v.message });
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

async function preflight(
  docker: Docker,
  plan: StackPlan,
  signal?: AbortSignal,
  keepSecrets?: ReadonlySet<string>,
  compareConfigData = true,
): Promise<Map<string, string>> {
  // A secret or config the file makes (not `external`) whose name is taken by one this stack
  // did not make is refused, whoever deploys: updating it would relabel it as the stack's (its
  // removal would then delete it) and its answer would tell a right guess of its data from a
  // wrong one. The CLI, run on a manager by its owner, does update it; here the deployer may
  // hold no secret.write. To use such an object, the file declares it external.
  const kept = [...(keepSecrets ?? [])];
  const [existingConfigs, existingSecrets] = await Promise.all([
    namesThatExist(
      docker,
      "configs",
      plan.configs.map((c) => c.spec.Name),
      signal,
    ),
    // The secrets kept from the deployed version among them: one read answers both checks.
    namesThatExist(docker, "secrets", [...new Set([...plan.secrets.map((c) => c.spec.Name), ...kept])], signal),
  ]);
  for (const [singular, existing] of [
    ["secret", existingSecrets],
    ["config", existingConfigs],
  ] as const) {
    for (const [name, object] of existing) {
      const owner = object.Spec?.Labels?.[LABEL_NAMESPACE];
      if (owner !== plan.stack) {
        throw new StackConflictError(
          `${singular} ${name} exists and was not made by stack ${plan.stack}${owner ? ` (it belongs to stack ${owner})` : ""}: declare it external in the file to use it, or give the stack's own ${singular} another name`,
        );
      }
    }
  }
  // A config's data cannot change (the engine allows label updates only): say so before
  // anything is touched, where the CLI fails half-way.
  for (const config of plan.configs) {
    const existing = existingConfigs.get(config.spec.Name);
    if (!existing) continue;
    if (!compareConfigData) {
      throw new StackConflictError(
        `config ${config.spec.Name} exists, and comparing its data with the file's needs config.data.read: deploy without it, give the config a new name in the file (configs.${config.key}.name), or ask someone who holds config.data.read`,
      );
    }
    const current = await engineCall<{ Spec?: { Data?: string } }>(
      docker,
      { method: "GET", path: `/configs/${existing.ID}`, signal },
      `config ${config.spec.Name}`,
    );
    if ((current.Spec?.Data ?? "") !== config.spec.Data) {
      throw new StackConflictError(
        `config ${config.spec.Name} exists with other data, and a config's data cannot change (only updates to Labels are allowed): give the changed config a new name in the file (configs.${config.key}.name) or remove the stack first`,
      );
    }
  }
  for (const name of kept) {
    if (!existingSecrets.has(name)) {
      throw new StackNotFoundError(
        `secret ${name} does not exist and its file is not at hand (secret data is never kept): give the file again`,
      );
    }
  }
  // The external networks' ids, as they are now: services are sent these ids, never the names.
  const externalIds = new Map<string, string>();
  for (const name of plan.externalNetworks) {
    if (PREDEFINED_NETWORKS.includes(name) || name.startsWith("container:")) continue;
    let network: { Id?: string; Name?: string; Scope?: string };
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
    // The engine finds a network by its id, its name, then a prefix of its id. The judge took
    // this reference for the network named so (the swarm's facts, read a moment ago); one found
    // only by a prefix now is another network (the one so named is gone): refused, and the
    // services get the id found here, so nothing resolves the name again later.
    if (!network.Id || (network.Name !== name && network.Id !== name)) {
      throw new StackNotFoundError(
        `network "${name}" is declared as external, but no network has that name or id (name it in full, not by an id prefix)`,
      );
    }
    externalIds.set(name, network.Id);
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
  return externalIds;
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

/** What the registry says of an image: its digest and platforms, or the CLI's warning when it cannot be asked. */
type ImageResolution = { digest: string; platforms: { Architecture: string; OS: string }[] } | { warning: string };

/** The Go client's resolveContainerSpecImage, its look-up half: the distribution inspect of `image`. */
async function lookUpImage(
  docker: Docker,
  image: string,
  auth: string | undefined,
  signal?: AbortSignal,
): Promise<ImageResolution> {
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
    return {
      digest: inspect.Descriptor.digest,
      platforms: (inspect.Platforms ?? []).map((p) => ({
        Architecture: (p.architecture ?? "").toLowerCase() === "arm" ? "" : (p.architecture ?? ""),
        OS: p.os ?? "",
      })),
    };
  } catch (error) {
    if (signal?.aborted) throw error;
    return { warning: digestWarning(image) };
  }
}

/** Its other half: image@digest and the image's platforms into the task template; the warning, if any. */
function applyResolution(taskTemplate: EngineSpec, resolution: ImageResolution): string | undefined {
  if ("warning" in resolution) return resolution.warning;
  const containerSpec = taskTemplate.ContainerSpec as EngineSpec;
  containerSpec.Image = imageWithDigest(String(containerSpec.Image), resolution.digest);
  if (resolution.platforms.length > 0) {
    const placement = (taskTemplate.Placement as EngineSpec | undefined) ?? {};
    placement.Platforms = resolution.platforms.map((p) =>
      Object.fromEntries(Object.entries(p).filter(([, v]) => v !== "")),
    );
    taskTemplate.Placement = placement;
  }
  return undefined;
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

interface PreparedService {
  planned: StackPlan["services"][number];
  spec: EngineSpec;
  existing: EngineService | undefined;
  /** the image to look up on its registry (as the CLI would), or none */
  lookUp: string | undefined;
  auth: string | undefined;
}

/**
 * The service specs as they are sent, but for the ids of secrets, configs and networks: the image
 * with its tag, the digest an unchanged image had, ForceUpdate kept; and what to look up.
 */
function prepareServices(
  plan: StackPlan,
  existingServices: EngineService[],
  options: Pick<DeployOptions, "resolveImage" | "registryAuth">,
): PreparedService[] {
  const resolveImage = options.resolveImage ?? "always";
  const byName = new Map(existingServices.map((s) => [s.Spec.Name, s]));
  return plan.services.map((planned) => {
    const spec = structuredClone(planned.spec);
    const taskTemplate = spec.TaskTemplate as EngineSpec;
    const containerSpec = taskTemplate.ContainerSpec as EngineSpec;
    const image = String(containerSpec.Image);
    const auth = options.registryAuth?.(image);
    const existing = byName.get(String(spec.Name));
    let query = resolveImage !== "never";
    if (existing) {
      query = false;
      if (resolveImage === "always") query = true;
      else if (resolveImage === "changed" && image !== existing.Spec.Labels?.[LABEL_IMAGE]) query = true;
      else if (image === existing.Spec.Labels?.[LABEL_IMAGE]) {
        // unchanged image: keep the digest the last deploy recorded, or the update restarts tasks
        containerSpec.Image = (existing.Spec.TaskTemplate.ContainerSpec as EngineSpec).Image;
      }
      // no --force in stack deploy: keep ForceUpdate so tasks are not redeployed for it
      const force = existing.Spec.TaskTemplate.ForceUpdate;
      if (force !== undefined) taskTemplate.ForceUpdate = force;
    }
    containerSpec.Image = imageWithTag(String(containerSpec.Image));
    return { planned, spec, existing, lookUp: query ? String(containerSpec.Image) : undefined, auth };
  });
}

/**
 * Each distinct image (with its credentials) looked up once, all at once: the CLI asks the
 * registry once per service, one after the other, for the same answer.
 */
function lookUpImages(
  docker: Docker,
  services: PreparedService[],
  signal?: AbortSignal,
): Map<PreparedService, Promise<ImageResolution>> {
  const asked = new Map<string, Promise<ImageResolution>>();
  const answers = new Map<PreparedService, Promise<ImageResolution>>();
  for (const service of services) {
    if (service.lookUp === undefined) continue;
    const key = `${service.lookUp}\u0000${service.auth ?? ""}`;
    let answer = asked.get(key);
    if (!answer) {
      answer = lookUpImage(docker, service.lookUp, service.auth, signal);
      // read when its service is sent; a failure before then must not go unhandled
      answer.catch(() => undefined);
      asked.set(key, answer);
    }
    answers.set(service, answer);
  }
  return answers;
}

/**
 * docker stack deploy, with the checks first. The same calls as the CLI makes, with the same
 * result, but what does not depend on another goes at once: the checks and reads together, the
 * registry look-ups while networks, secrets and configs are made, the services all at once.
 */
export async function deployStack(docker: Docker, plan: StackPlan, options: DeployOptions = {}): Promise<DeployResult> {
  const { signal } = options;
  const done: string[] = [];
  const events: StackProgress[] = [];
  const emit = (event: StackProgress) => {
    events.push(event);
    done.push(`${event.action} ${event.kind} ${event.name}`);
    options.onProgress?.(event);
  };

  // The judge, the engine's role, the preflight checks and what the stack has now: all reads.
  const reads = Promise.all([
    listStackServices(docker, plan.stack, signal),
    engineCall<Named[]>(
      docker,
      { method: "GET", path: "/networks", query: filters({ label: [`${LABEL_NAMESPACE}=${plan.stack}`] }), signal },
      "list networks",
    ),
  ]);
  reads.catch(() => undefined);
  const checks = await Promise.allSettled([
    judgeStack(plan, options.judge),
    assertSwarmManager(docker, signal),
    preflight(docker, plan, signal, options.keepSecrets, options.compareConfigData),
  ]);
  // The answer is what it was when they ran one after the other: the judge's refusal, then a
  // stop on request, then the engine's checks in order.
  const [judged, ...engineChecks] = checks;
  if (judged.status === "rejected") throw judged.reason;
  checkAborted(signal, done);
  for (const check of engineChecks) if (check.status === "rejected") throw check.reason;
  const externalIds = checks[2].status === "fulfilled" ? checks[2].value : new Map<string, string>();

  try {
    const [existingServices, existingNetworks] = await reads;
    const services = prepareServices(plan, existingServices, options);
    const lookUps = lookUpImages(docker, services, signal);

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

    // Services name their networks by id: a network created a moment ago may not be found by
    // name yet on every engine (seen on 20.10); the engine stores the id either way.
    const networkIds = new Map<string, string>();
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
      networkIds.set(network.name, created.Id);
      emit({ kind: "network", action: "create", name: network.name, id: created.Id });
    }

    checkAborted(signal, done);
    await upsertFileObjects(
      docker,
      "secrets",
      plan.secrets.filter((s) => !options.keepSecrets?.has(s.spec.Name)),
      emit,
      signal,
    );
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
    const [secretIds, configIds, swarmNetworks] = await Promise.all([
      namesThatExist(docker, "secrets", [...secretNames], signal),
      namesThatExist(docker, "configs", [...configNames], signal),
      engineCall<Named[]>(docker, { method: "GET", path: "/networks", signal }, "list networks"),
    ]);
    for (const n of swarmNetworks) {
      if ((n as { Scope?: string }).Scope === "swarm" && !networkIds.has(n.Name ?? "")) {
        networkIds.set(n.Name ?? "", n.Id ?? n.ID);
      }
    }
    // The stack's own networks that exist, whatever their scope, by their exact name.
    for (const n of existingNetworks) if (n.Name && !networkIds.has(n.Name)) networkIds.set(n.Name, n.Id ?? n.ID);
    // External networks by the ids the checks found (the judge's reading of the reference).
    for (const [name, id] of externalIds) networkIds.set(name, id);

    checkAborted(signal, done);
    const sent = await Promise.allSettled(
      services.map(async (service) => {
        const { spec, existing } = service;
        fillReferenceIds(spec, "Secrets", secretIds);
        fillReferenceIds(spec, "Configs", configIds);
        const taskTemplate = spec.TaskTemplate as EngineSpec;
        // Every attachment by an id found here: a name left for the engine would be resolved
        // again at create time, perhaps as a prefix of another network's id (the host's).
        for (const attachment of (taskTemplate.Networks as EngineSpec[] | undefined) ?? []) {
          const target = String(attachment.Target);
          const id = networkIds.get(target);
          if (id) attachment.Target = id;
          // the predefined ones (the judge reads these names as what they are) stay by name
          else if (!PREDEFINED_NETWORKS.includes(target)) throw new StackNotFoundError(`network ${target} not found`);
        }
        const name = String(spec.Name);
        const headers = service.auth ? { "X-Registry-Auth": service.auth } : undefined;
        const warnings: string[] = [];
        const lookUp = lookUps.get(service);
        if (lookUp) {
          const warning = applyResolution(taskTemplate, await lookUp);
          if (warning) warnings.push(warning);
        }
        if (existing) {
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
          return { action: "update" as const, name, id: existing.ID, warnings };
        }
        const answer = await engineCall<{ ID: string; Warnings?: string[] | null }>(
          docker,
          { method: "POST", path: "/services/create", body: spec, ...(headers ? { headers } : {}), signal },
          `failed to create service ${name}`,
        );
        warnings.push(...(answer.Warnings ?? []));
        return { action: "create" as const, name, id: answer.ID, warnings };
      }),
    );
    // What was done is on the record, in the file's order, whatever failed beside it.
    const serviceIds: Record<string, string> = {};
    sent.forEach((outcome, i) => {
      if (outcome.status !== "fulfilled") return;
      const { action, name, id, warnings } = outcome.value;
      serviceIds[services[i]!.planned.name] = id;
      emit({ kind: "service", action, name, id, ...(warnings.length ? { warnings } : {}) });
    });
    const failed = sent.find((outcome) => outcome.status === "rejected");
    if (failed) throw failed.reason;
    return { stack: plan.stack, events, serviceIds };
  } catch (error) {
    if (signal?.aborted) throw new StackAbortedError(done);
    throw error;
  }
}

export { engineMessage };
