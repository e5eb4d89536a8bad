// Stacks as the API offers them: list and read every stack of a swarm, preview a deploy (the
// file's issues with their lines, warnings, what would change), deploy or redeploy a version
// (kept in the history, its rollout followed until it settles), remove a stack. Transport-free:
// the caller names the manager environment it was allowed on and hands in the actor's judge;
// errors are the module's typed ones (errors.ts) and the swarm module's (which cluster, which
// manager answers: server/modules/swarm, cluster.ts and managers.ts).
import path from "node:path";
import { redactText } from "../../audit/redact";
import type { SecretBox } from "../../crypto/secret-box";
import type { Fleet } from "../../docker/index";
import type { PrismaClient } from "../../generated/prisma/client";
import {
  clusterOfManager,
  COMPOUND_HEDGE_MS,
  readFromManager,
  swarmClusters,
  writeToManager,
  type Cluster as SwarmCluster,
  type ManagerCall,
} from "../swarm/index";
import { adoptStack } from "./adopt";
import { loadCompose, type StackWarning } from "./compose/load";
import type { ComposeConfig } from "./compose/types";
import { planStack, type StackPlan } from "./convert";
import { deployStack, type StackJudge, type StackProgress } from "./deploy";
import { StackConflictError, StackError, StackFileError, StackNotFoundError, type FileIssue } from "./errors";
import {
  finishVersion,
  getVersion,
  latestVersions,
  listVersions,
  recordVersion,
  versionForRedeploy,
  type StackFile,
  type StackFileKind,
  type VersionDetail,
  type VersionSource,
  type VersionSummary,
} from "./history";
import { readStackData, stacksOf, summaryOf, type StackDetail, type StackSummary } from "./inventory";
import { followRollouts, type ServiceRollout } from "./rollout";
import { removeStack } from "./remove";
import { diffPlans, type SpecDiff } from "./spec-diff";

export interface StackDeps {
  prisma: PrismaClient;
  box: SecretBox;
  fleet: Fleet;
}

export interface StackActor {
  userId: string | null;
  username: string;
}

/** What a person gives to deploy: the compose file, its variables, the files it names. */
export interface StackSource {
  composeFile: string;
  environment: Record<string, string>;
  /** paths relative to the compose file */
  files: StackFile[];
}

/** Relative paths in a compose file resolve against this folder; files are looked up, never read from disk. */
const WORKING_DIR = "/stack";
/** How long a deploy's engine calls may take (image digests are looked up one by one). */
const DEPLOY_DEADLINE_MS = 180_000;
/** How long a rollout is followed before its version is called timed out. */
export const ROLLOUT_FOLLOW_MS = 10 * 60_000;

const resolved = (file: string) => path.posix.join(WORKING_DIR, file);

interface Loaded {
  plan: StackPlan;
  config: ComposeConfig;
  warnings: StackWarning[];
  /** resolved path -> how it is kept */
  kinds: Map<string, StackFileKind>;
}

/** The compose file with its files, loaded and converted; a file it names but was not given is an issue with its line. */
async function load(
  stack: string,
  source: StackSource,
  placeholders: ReadonlySet<string> = new Set(),
): Promise<Loaded> {
  const byPath = new Map(source.files.map((f) => [resolved(f.path), f.data]));
  const read = new Set<string>();
  const { config, warnings } = await loadCompose({
    text: source.composeFile,
    environment: source.environment,
    workingDir: WORKING_DIR,
    readFile: (file) => {
      const data = byPath.get(file);
      if (data !== undefined) {
        read.add(file);
        return Promise.resolve(data);
      }
      if (placeholders.has(file)) return Promise.resolve(new Uint8Array());
      return Promise.reject(
        new Error(`not given: add the file ${path.posix.relative(WORKING_DIR, file)} with the compose file`),
      );
    },
  });
  const kinds = new Map<string, StackFileKind>();
  for (const file of read) kinds.set(file, "env");
  for (const object of Object.values(config.configs)) if (object.file) kinds.set(object.file, "config");
  for (const object of Object.values(config.secrets)) if (object.file) kinds.set(object.file, "secret");
  return { plan: planStack(stack, config), config, warnings, kinds };
}

interface Assembled {
  loaded: Loaded;
  /** what is deployed: the given source, completed from the kept version */
  deployed: StackSource;
  /** secret files named again whose data is not at hand (never kept): the secrets as they exist */
  secretPaths: string[];
  keepSecrets: Set<string>;
}

/**
 * The source to deploy. A redeploy takes a kept version whole. An edit takes what it gives, and
 * from the latest version whatever it does not give again: files the compose file names (config
 * and env files as kept; secret files as the secrets that exist, their data was never kept) and
 * variables, so editing a line does not mean uploading every file again.
 */
async function assemble(
  deps: StackDeps,
  cluster: SwarmCluster,
  name: string,
  source: StackSource,
  from?: { version: number },
): Promise<Assembled> {
  const kept = await versionForRedeploy(deps.prisma, deps.box, cluster.id, name, from?.version);
  if (from && !kept) throw new StackNotFoundError(`Stack ${name} has no version ${from.version} here.`);
  let deployed = source;
  let secretPaths: string[] = [];
  if (kept && from) {
    deployed = { composeFile: kept.composeFile, environment: kept.environment, files: kept.files };
    secretPaths = kept.secretFiles;
  } else if (kept) {
    const given = new Set(source.files.map((f) => resolved(f.path)));
    deployed = {
      composeFile: source.composeFile,
      environment: { ...kept.environment, ...source.environment },
      files: [...source.files, ...kept.files.filter((f) => !given.has(resolved(f.path)))],
    };
    secretPaths = kept.secretFiles.filter((p) => !given.has(resolved(p)));
  }
  const placeholders = new Set(secretPaths.map(resolved));
  const loaded = await load(name, deployed, placeholders);
  const keepSecrets = new Set(
    loaded.plan.secrets
      .filter((s) => {
        const file = loaded.config.secrets[s.key]?.file;
        return file !== undefined && placeholders.has(file);
      })
      .map((s) => s.spec.Name),
  );
  return { loaded, deployed, secretPaths, keepSecrets };
}

// ---- reading --------------------------------------------------------------------------------

/**
 * A read of the swarm for stacks, from a manager that answers. Every one is compound (every
 * service, network, secret, config and node, then every task; a rollout's every task twice): it is
 * hedged to another manager only after COMPOUND_HEDGE_MS, so a large swarm's healthy manager is
 * not asked twice and suspected for taking its time (server/modules/swarm/managers.ts).
 */
function readStacksFromManager<T>(fleet: Fleet, cluster: SwarmCluster, name: string, fn: ManagerCall<T>) {
  return readFromManager(fleet, cluster, name, fn, { hedgeMs: COMPOUND_HEDGE_MS });
}

export interface ListedStack extends StackSummary {
  clusterId: string;
  /** the manager environment it was read through (and is managed through) */
  environmentId: string;
  latest: { version: number; deployedBy: string; deployedAt: string; outcome: string } | null;
}

export interface ClusterRead {
  clusterId: string;
  environmentId: string;
  name: string;
}

/**
 * The clusters whose stacks `allowed` environments may see: one entry per swarm, read through
 * its best manager among the allowed ones. `asked`: only the swarms one of these manager
 * environments serves (read through one of them).
 */
export function readableClusters(
  fleet: Fleet,
  allowed: "all" | ReadonlySet<string>,
  asked?: ReadonlySet<string>,
): ClusterRead[] {
  return swarmClusters(fleet).flatMap((cluster) => {
    const readable = cluster.managers.filter((m) => allowed === "all" || allowed.has(m.environmentId));
    const best = asked ? readable.find((m) => asked.has(m.environmentId)) : readable[0];
    return best ? [{ clusterId: cluster.id, environmentId: best.environmentId, name: best.name }] : [];
  });
}

/** Every stack of the swarm `environmentId` manages, whoever deployed it. */
export async function listStacks(deps: StackDeps, environmentId: string): Promise<ListedStack[]> {
  const cluster = await clusterOfManager(deps.fleet, environmentId);
  const { value: data } = await readStacksFromManager(deps.fleet, cluster, "stacks.list", (docker, signal) =>
    readStackData(docker, signal),
  );
  const latest = await latestVersions(deps.prisma, [cluster.id]);
  // A stack deployed through Stevedore and then removed elsewhere has history but nothing live:
  // it is not listed (its history stays, and shows again when it is deployed again).
  return stacksOf(data).map((detail) => ({
    ...summaryOf(detail),
    clusterId: cluster.id,
    environmentId,
    latest: latest.get(`${cluster.id}/${detail.name}`) ?? null,
  }));
}

export interface StackPage {
  clusterId: string;
  environmentId: string;
  name: string;
  /** null: nothing of it runs (never deployed, or removed) */
  live: StackDetail | null;
  versions: VersionSummary[];
  /**
   * The rollout of the latest deploy through this server: as it goes, and once settled (every
   * service converged, paused, rolled back or failing) as it ended, until the next deploy.
   */
  rollout: { version: number; services: ServiceRollout[]; settled: boolean } | null;
}

export async function readStack(deps: StackDeps, environmentId: string, name: string): Promise<StackPage> {
  const cluster = await clusterOfManager(deps.fleet, environmentId);
  const [data, versions] = await Promise.all([
    readStacksFromManager(deps.fleet, cluster, "stacks.get", (docker, signal) =>
      readStackData(docker, signal, name),
    ).then((served) => served.value),
    listVersions(deps.prisma, deps.box, cluster.id, name),
  ]);
  const live = stacksOf(data).find((s) => s.name === name) ?? null;
  if (!live && versions.length === 0) throw new StackNotFoundError(`There is no stack ${name} on this swarm.`);
  const following = followers.get(keyOf(cluster.id, name));
  return {
    clusterId: cluster.id,
    environmentId,
    name,
    live,
    versions,
    rollout:
      following && (live || !following.settled)
        ? { version: following.version, services: following.last, settled: following.settled }
        : null,
  };
}

/**
 * One kept version. `reveal`: the caller may see the file as written (whoever may deploy edits
 * it; whoever may see secrets sees it); otherwise values that look secret in the compose file
 * and config files (by their key, or a credential by its form) are redacted.
 */
export async function readVersion(
  deps: StackDeps,
  environmentId: string,
  name: string,
  version: number | undefined,
  reveal: boolean,
  mayReadConfigData: boolean,
): Promise<VersionDetail> {
  const cluster = await clusterOfManager(deps.fleet, environmentId);
  const found = await getVersion(deps.prisma, deps.box, cluster.id, name, version);
  if (!found)
    throw new StackNotFoundError(
      version === undefined ? `Stack ${name} has no versions here.` : `Stack ${name} has no version ${version} here.`,
    );
  // A config file kept with the version is the config's data (configs.get asks config.data.read).
  const files = mayReadConfigData
    ? found.files
    : found.files.map((f) =>
        f.kind === "config" && (f.text !== undefined || f.binary)
          ? { path: f.path, kind: f.kind, withheld: "config.data.read" as const }
          : f,
      );
  if (reveal) return { ...found, files };
  return {
    ...found,
    composeFile: redactText(found.composeFile),
    files: files.map((f) => (f.text === undefined ? f : { ...f, text: redactText(f.text) })),
  };
}

// ---- preview --------------------------------------------------------------------------------

export type Preview =
  | { ok: false; issues: FileIssue[] }
  | { ok: true; warnings: StackWarning[]; diff: SpecDiff; exists: boolean; note: string | null };

/**
 * What a deploy of `source` would do, without doing it; a file that cannot be deployed lists its
 * issues. `mayReadConfigData`: whether a config that exists is compared with the file's data
 * (without config.data.read it is not: the answer would be an oracle on the data).
 */
export async function previewStack(
  deps: StackDeps,
  environmentId: string,
  name: string,
  source: StackSource,
  options: { prune: boolean; mayReadConfigData: boolean },
): Promise<Preview> {
  const cluster = await clusterOfManager(deps.fleet, environmentId);
  let loaded: Loaded;
  try {
    ({ loaded } = await assemble(deps, cluster, name, source));
  } catch (error) {
    if (error instanceof StackFileError) return { ok: false, issues: [...error.issues] };
    throw error;
  }
  const { current, note } = await livePlan(deps.fleet, cluster, name);
  return {
    ok: true,
    warnings: loaded.warnings,
    diff: diffPlans(current, loaded.plan, { prune: options.prune, compareConfigData: options.mayReadConfigData }),
    exists: current !== null,
    note,
  };
}

/** The live stack as a plan (through adopt), so both sides of a diff are plans. */
async function livePlan(
  fleet: Fleet,
  cluster: SwarmCluster,
  name: string,
): Promise<{ current: StackPlan | null; note: string | null }> {
  const { value: adopted } = await readStacksFromManager(fleet, cluster, "stacks.preview", async (docker, signal) => {
    try {
      return await adoptStack(docker, name, signal);
    } catch (error) {
      if (error instanceof StackNotFoundError) return null;
      throw error;
    }
  });
  if (!adopted) return { current: null, note: null };
  try {
    const files = new Map(Object.entries(adopted.files).map(([p, data]) => [resolved(p), data]));
    const { config } = await loadCompose({
      text: adopted.composeFile,
      workingDir: WORKING_DIR,
      readFile: (file) => Promise.resolve(files.get(file) ?? new Uint8Array()),
    });
    return { current: planStack(name, config), note: null };
  } catch (error) {
    return { current: null, note: `The live specs could not be compared: ${(error as Error).message}` };
  }
}

// ---- deploy ---------------------------------------------------------------------------------

export interface DeployRequest {
  environmentId: string;
  name: string;
  source: StackSource;
  prune: boolean;
  judge: StackJudge;
  /** the caller holds config.data.read: an existing config may be compared with the file's data */
  mayReadConfigData: boolean;
  actor: StackActor;
  /** a redeploy of a kept version */
  from?: { version: number };
}

export interface DeployAnswer {
  clusterId: string;
  version: number;
  warnings: StackWarning[];
  steps: StackProgress[];
}

const keyOf = (clusterId: string, name: string) => `${clusterId}/${name}`;
/** Stacks whose engine calls are under way in this process: one deploy or remove at a time. */
const applying = new Set<string>();
/**
 * The rollout followed for each stack (a newer deploy or a remove stops it and takes its place);
 * a settled one stays, so the page shows how the last deploy ended.
 */
const followers = new Map<
  string,
  { version: number; last: ServiceRollout[]; stop: AbortController; settled: boolean }
>();

function claim(key: string, name: string): () => void {
  if (applying.has(key)) {
    throw new StackConflictError(`A deploy or removal of stack ${name} is under way; wait for it to end.`);
  }
  applying.add(key);
  followers.get(key)?.stop.abort();
  followers.delete(key);
  return () => applying.delete(key);
}

/** Deploys `source` as the next version of the stack; its rollout is followed in the background. */
export async function deployVersion(deps: StackDeps, request: DeployRequest): Promise<DeployAnswer> {
  const cluster = await clusterOfManager(deps.fleet, request.environmentId);
  const { name, source } = request;
  const key = keyOf(cluster.id, name);
  const { loaded, deployed, secretPaths, keepSecrets } = await assemble(deps, cluster, name, source, request.from);

  const release = claim(key, name);
  const since = Date.now();
  const steps: StackProgress[] = [];
  let recorded: VersionSummary | null = null;
  const record = (outcome: "deploying" | "error") =>
    recordVersion(deps.prisma, deps.box, {
      clusterId: cluster.id,
      stack: name,
      composeFile: deployed.composeFile,
      files: [
        ...deployed.files.filter((f) => loaded.kinds.has(resolved(f.path))),
        ...secretPaths.map((p) => ({ path: p, data: new Uint8Array() })),
      ],
      kindOf: (p) => loaded.kinds.get(resolved(p)) ?? "other",
      environment: deployed.environment,
      source: (request.from ? "redeploy" : "deploy") satisfies VersionSource,
      ...(request.from ? { fromVersion: request.from.version } : {}),
      prune: request.prune,
      environmentId: request.environmentId,
      actor: request.actor,
      outcome,
    });
  let result: Awaited<ReturnType<typeof deployStack>>;
  try {
    ({ value: result } = await writeToManager(
      deps.fleet,
      cluster,
      "stacks.deploy",
      (docker, signal) =>
        deployStack(docker, loaded.plan, {
          signal,
          prune: request.prune,
          judge: request.judge,
          keepSecrets,
          compareConfigData: request.mayReadConfigData,
          onProgress: (step) => steps.push(step),
        }),
      { deadlineMs: DEPLOY_DEADLINE_MS },
    ));
  } catch (error) {
    // Something may have been made before the failure: that deploy is on the record too.
    if (steps.length > 0) {
      recorded = await record("error");
      await finishVersion(deps.prisma, recorded.id, "error", (error as Error).message);
    }
    release();
    throw error;
  }
  try {
    recorded = await record("deploying");
  } finally {
    release();
  }
  followRollout(deps, cluster, name, recorded, Object.values(result.serviceIds), since);
  return { clusterId: cluster.id, version: recorded.version, warnings: loaded.warnings, steps };
}

function followRollout(
  deps: StackDeps,
  cluster: SwarmCluster,
  name: string,
  version: VersionSummary,
  serviceIds: string[],
  since: number,
): void {
  const key = keyOf(cluster.id, name);
  const stop = new AbortController();
  const entry = { version: version.version, last: [] as ServiceRollout[], stop, settled: false };
  followers.set(key, entry);
  const signal = AbortSignal.any([stop.signal, AbortSignal.timeout(ROLLOUT_FOLLOW_MS)]);
  const run = async () => {
    for await (const rollouts of followRollouts(serviceIds, {
      since,
      signal,
      intervalMs: 500,
      withManager: (read) =>
        readStacksFromManager(deps.fleet, cluster, "stacks.rollout", read).then((served) => served.value),
    })) {
      entry.last = rollouts;
    }
    if (stop.signal.aborted) return "superseded" as const;
    if (!entry.last.every((r) => r.done)) return "timeout" as const;
    return entry.last.some((r) => r.failed) ? ("failed" as const) : ("converged" as const);
  };
  const finish = async (outcome: "converged" | "failed" | "timeout" | "error", message: string | null) => {
    entry.settled = true;
    await finishVersion(deps.prisma, version.id, outcome, message);
  };
  void run()
    .then((outcome) => {
      if (outcome === "superseded") return finish("error", "superseded by a newer deploy or a removal");
      const failing = entry.last.filter((r) => r.failed).map((r) => `${r.name}: ${r.message}`);
      return finish(outcome, failing.length ? failing.join("\n") : null);
    })
    .catch((error: unknown) =>
      finish("error", `following the rollout failed: ${(error as Error).message}`).catch((e: unknown) =>
        console.error(`stacks: cannot record the outcome of ${name} v${version.version}:`, e),
      ),
    );
}

// ---- adopt ----------------------------------------------------------------------------------

export interface AdoptRequest {
  environmentId: string;
  name: string;
  /** the compose file the stack was deployed from; without it, one is reconstructed from the live specs */
  source?: StackSource;
  /** the caller holds config.data.read: a supplied file's configs are compared with the live ones */
  mayReadConfigData: boolean;
  actor: StackActor;
}

export interface AdoptAnswer {
  clusterId: string;
  version: number;
  /** what the kept file cannot say of the live specs (reconstructed: dropped on the next deploy) */
  lossy: { service: string; field: string; message: string }[];
  warnings: StackWarning[];
  /** a supplied file against the live stack: what deploying it would change (nothing, ideally) */
  diff: SpecDiff | null;
}

/**
 * Takes a stack deployed elsewhere into the history, so it is edited like any other: its compose
 * file, reconstructed from the live specs (secrets external, configs as files) or as supplied,
 * becomes its next version, marked adopted. Nothing on the swarm changes.
 */
export async function adoptVersion(deps: StackDeps, request: AdoptRequest): Promise<AdoptAnswer> {
  const cluster = await clusterOfManager(deps.fleet, request.environmentId);
  const { name } = request;
  const adopted = await readStacksFromManager(deps.fleet, cluster, "stacks.adopt", (docker, signal) =>
    adoptStack(docker, name, signal),
  ).then(
    (served) => served.value,
    (error: unknown) => {
      if (error instanceof StackNotFoundError) {
        throw new StackNotFoundError(`Nothing of stack ${name} runs on this swarm: there is nothing to adopt.`);
      }
      throw error;
    },
  );
  let source: StackSource;
  let kinds: Map<string, StackFileKind>;
  let warnings: StackWarning[] = [];
  let diff: SpecDiff | null = null;
  if (request.source) {
    const loaded = await load(name, request.source);
    source = request.source;
    kinds = loaded.kinds;
    warnings = loaded.warnings;
    const { current } = await livePlan(deps.fleet, cluster, name);
    diff = diffPlans(current, loaded.plan, { prune: false, compareConfigData: request.mayReadConfigData });
  } else {
    source = {
      composeFile: adopted.composeFile,
      environment: {},
      files: Object.entries(adopted.files).map(([p, data]) => ({ path: p, data })),
    };
    kinds = new Map(source.files.map((f) => [resolved(f.path), "config" as const]));
  }
  const release = claim(keyOf(cluster.id, name), name);
  try {
    const recorded = await recordVersion(deps.prisma, deps.box, {
      clusterId: cluster.id,
      stack: name,
      composeFile: source.composeFile,
      files: source.files.filter((f) => kinds.has(resolved(f.path))),
      kindOf: (p) => kinds.get(resolved(p)) ?? "other",
      environment: source.environment,
      source: "adopt",
      prune: false,
      environmentId: request.environmentId,
      actor: request.actor,
      outcome: "adopted",
    });
    return {
      clusterId: cluster.id,
      version: recorded.version,
      lossy: request.source ? [] : adopted.lossy,
      warnings,
      diff,
    };
  } finally {
    release();
  }
}

// ---- remove ---------------------------------------------------------------------------------

/** Removes the stack's services, networks, secrets and configs (what carries its label). */
export async function removeStackFrom(deps: StackDeps, environmentId: string, name: string): Promise<StackProgress[]> {
  const cluster = await clusterOfManager(deps.fleet, environmentId);
  const release = claim(keyOf(cluster.id, name), name);
  try {
    const { value } = await writeToManager(
      deps.fleet,
      cluster,
      "stacks.remove",
      (docker, signal) => removeStack(docker, name, { signal, networkWaitMs: 60_000 }),
      { deadlineMs: DEPLOY_DEADLINE_MS },
    );
    return value;
  } finally {
    release();
  }
}

export { StackError };
