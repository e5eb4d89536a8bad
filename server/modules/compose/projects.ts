// Compose projects on standalone engines: the containers `docker compose` made, grouped by their
// `com.docker.compose.project` label, and what `docker compose -p <project> start|stop|restart|down`
// does to them, through the Engine API (the compose file lives on someone's disk, not here: the
// labels are all a project is to the engine). Transport-free: typed domain errors, no tRPC.
import type Docker from "dockerode";
import { maskLabelValues } from "../../audit/mask";
import { NotFoundError } from "../../core/errors";
import type { ContainerSummary } from "../../docker/index";
import { dockerLine } from "../shared/cli";
import {
  ComposeDependencyError,
  parseDependsOn,
  startOrder,
  stopOrder,
  waitForDependencies,
  type CallEngine,
  type Dependency,
  type WaitBound,
} from "./dependencies";

export const PROJECT_LABEL = "com.docker.compose.project";
const SERVICE_LABEL = "com.docker.compose.service";
const WORKING_DIR_LABEL = "com.docker.compose.project.working_dir";
const CONFIG_FILES_LABEL = "com.docker.compose.project.config_files";

/** What compose accepts as a project name (lower-case letters, digits, `-` and `_`, first a letter or digit). */
export const PROJECT_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export type ProjectState = "running" | "partial" | "stopped";

export interface ComposeProject {
  environmentId: string;
  name: string;
  services: string[];
  running: number;
  total: number;
  state: ProjectState;
  /** where it was brought up from, as its labels say (on the engine's host) */
  workingDir: string | null;
  configFiles: string[];
}

const isRunning = (c: { state: string }) => c.state === "running" || c.state === "restarting";

function stateOf(running: number, total: number): ProjectState {
  if (running === 0) return "stopped";
  return running === total ? "running" : "partial";
}

/**
 * Containers of one project summed up (the containers of one environment, one project): each
 * with its service (as the engine has it) and labels as a list shows them, credentials masked
 * (the working folder and files are read from those: a masked value stays masked).
 */
export function summarizeProject(
  environmentId: string,
  name: string,
  containers: { state: string; service: string; shownLabels: Readonly<Record<string, string>> }[],
): ComposeProject {
  const first = containers[0]?.shownLabels ?? {};
  const running = containers.filter(isRunning).length;
  return {
    environmentId,
    name,
    services: [...new Set(containers.map((c) => c.service))].filter(Boolean).sort(),
    running,
    total: containers.length,
    state: stateOf(running, containers.length),
    workingDir: first[WORKING_DIR_LABEL] || null,
    configFiles: (first[CONFIG_FILES_LABEL] ?? "").split(",").filter(Boolean),
  };
}

/**
 * The projects among a fleet list of containers, one per environment and project. The project
 * and service are the picture's own reading of the labels (`compose`), not the listed labels:
 * those are masked, and a project whose name looks like a credential would be grouped under the
 * mask. Swarm task containers are a stack's (stacks.*), never a compose project's, whatever
 * their labels say.
 */
export function groupProjects(containers: (ContainerSummary & { environmentId: string })[]): ComposeProject[] {
  const groups = new Map<
    string,
    { environmentId: string; name: string; containers: Parameters<typeof summarizeProject>[2] }
  >();
  for (const c of containers) {
    const name = c.compose?.project;
    if (!name || c.stack) continue;
    const key = `${c.environmentId}\u0000${name}`;
    const group = groups.get(key) ?? { environmentId: c.environmentId, name, containers: [] };
    group.containers.push({ state: c.state, service: c.compose?.service ?? "", shownLabels: c.labels });
    groups.set(key, group);
  }
  return [...groups.values()]
    .map((g) => summarizeProject(g.environmentId, g.name, g.containers))
    .sort((a, b) => a.name.localeCompare(b.name) || a.environmentId.localeCompare(b.environmentId));
}

/** The project's containers, as summarizeProject reads them: labels masked as a list shows them. */
export function shownMembers(containers: ProjectContainer[]): Parameters<typeof summarizeProject>[2] {
  return containers.map((c) => ({ state: c.state, service: c.service, shownLabels: maskLabelValues(c.labels) }));
}

export interface ProjectContainer {
  id: string;
  name: string;
  service: string;
  image: string;
  state: string;
  status: string;
  dependsOn: Dependency[];
  /** as the engine has them, unmasked: never sent on (labels may hold secrets; see shownMembers) */
  labels: Record<string, string>;
}

/** The project's containers as the engine has them now (not the picture: an action needs the truth). */
export async function readProjectContainers(docker: Docker, project: string): Promise<ProjectContainer[]> {
  const raw = await docker.listContainers({ all: true, filters: { label: [`${PROJECT_LABEL}=${project}`] } });
  return raw
    .filter((c) => !c.Labels["com.docker.stack.namespace"])
    .map((c) => ({
      id: c.Id,
      name: (c.Names[0] ?? c.Id.slice(0, 12)).replace(/^\//, ""),
      service: c.Labels[SERVICE_LABEL] ?? "",
      image: c.Image,
      state: c.State,
      status: c.Status,
      dependsOn: parseDependsOn(c.Labels),
      labels: c.Labels,
    }))
    .sort((a, b) => a.service.localeCompare(b.service) || a.name.localeCompare(b.name));
}

/** The containers, or a NotFoundError (thrown outside the fleet's call, which reads engine errors). */
export function requireFound(containers: ProjectContainer[], project: string): ProjectContainer[] {
  if (!containers.length) throw new NotFoundError(`No compose project named ${project} runs on this engine.`);
  return containers;
}

export type ProjectAction = "start" | "stop" | "restart" | "remove";

/** What a `remove` did to the networks compose made for the project. */
export interface ProjectOutcome {
  containers: number;
  networksRemoved: string[];
  /** networks left in place, and why (another container still uses one) */
  networksKept: { name: string; reason: string }[];
}

/** The networks compose made for the project (labelled with it). */
export async function projectNetworks(docker: Docker, project: string): Promise<{ id: string; name: string }[]> {
  const raw = await docker.listNetworks({ filters: { label: [`${PROJECT_LABEL}=${project}`] } });
  return raw.map((n) => ({ id: n.Id, name: n.Name })).sort((a, b) => a.name.localeCompare(b.name));
}

const statusOf = (error: unknown) => (error as { statusCode?: number }).statusCode;
/** 304: already in the asked state; 404: gone meanwhile. Neither stops a whole-project action. */
const settled = (error: unknown) => statusOf(error) === 304 || statusOf(error) === 404;

interface Failure {
  name: string;
  error: unknown;
  /** its message names what failed already (a dependency's refusal, a service's containers) */
  named?: boolean;
}

/** The action on each container, all of them tried even when one fails; the failures, named. */
async function each(
  containers: ProjectContainer[],
  act: (c: Docker.Container) => Promise<unknown>,
  docker: Docker,
): Promise<Failure[]> {
  const results = await Promise.allSettled(containers.map((c) => act(docker.getContainer(c.id))));
  return results.flatMap((r, i) =>
    r.status === "rejected" && !settled(r.reason) ? [{ name: containers[i]!.name, error: r.reason as unknown }] : [],
  );
}

/** The first failure is the answer, its message naming every container or service that failed. */
function throwFailures(failures: Failure[]): void {
  if (!failures.length) return;
  const first = failures[0]!.error;
  if (first instanceof Error) {
    // A dependency's refusal names its services already.
    if (!(first instanceof ComposeDependencyError) && !failures[0]!.named)
      first.message = `${failures[0]!.name}: ${first.message}`;
    if (failures.length > 1)
      first.message += ` (also failed: ${failures
        .slice(1)
        .map((f) => f.name)
        .join(", ")})`;
  }
  throw first;
}

/**
 * One wave of services (see startOrder): each service, in parallel, first waits for its
 * dependencies when `bound` is given (compose's waitDependencies), then its containers that
 * `pick` keeps are acted on, in one engine call per service. Everything of the wave is tried
 * before its failures are thrown; a failed wave ends the action there (what depends on it is
 * left as it was).
 */
async function runWave(
  call: CallEngine,
  verb: string,
  wave: ProjectContainer[],
  all: ProjectContainer[],
  pick: (c: ProjectContainer) => boolean,
  act: (c: Docker.Container) => Promise<unknown>,
  bound?: WaitBound,
): Promise<void> {
  const services = new Map<string, ProjectContainer[]>();
  for (const c of wave) services.set(c.service, [...(services.get(c.service) ?? []), c]);
  const failures: Failure[] = [];
  await Promise.all(
    [...services].map(async ([service, members]) => {
      try {
        if (bound) {
          const dependencies = [...new Map(members.flatMap((c) => c.dependsOn).map((d) => [d.service, d])).values()];
          await waitForDependencies(call, service, dependencies, all, bound);
        }
        const acted = members.filter(pick);
        // Thrown inside the call: the engine's error is read (classified) with the container named.
        if (acted.length)
          await call(`compose project ${verb}`, async (docker) => throwFailures(await each(acted, act, docker)));
      } catch (error) {
        failures.push({ name: service, error, named: true });
      }
    }),
  );
  throwFailures(failures);
}

/** How long a start or restart waits, in all, for dependencies to be healthy or complete. */
export const DEFAULT_WAIT_SECONDS = 120;

export interface ProjectActionOptions {
  timeoutSeconds?: number;
  networks?: boolean;
  /** the bound on waiting for depends_on conditions (start, restart) */
  waitTimeoutSeconds?: number;
  /** the caller's (a client that leaves): ends a wait between engine calls */
  signal?: AbortSignal;
}

/**
 * The action on every container of the project, as compose does it: start and restart in
 * dependency order, each service once its dependencies are started, healthy or completed as its
 * depends_on says; stop and remove (`down`: stop, remove the containers, then the project's
 * networks; a network another container still uses is kept and named) in the reverse order,
 * dependants first. Each step is its own engine call through `call`; waiting for dependencies
 * happens between calls, holding no call slot.
 */
export async function runProjectAction(
  call: CallEngine,
  containers: ProjectContainer[],
  project: string,
  action: ProjectAction,
  options: ProjectActionOptions = {},
): Promise<ProjectOutcome> {
  const t = options.timeoutSeconds === undefined ? {} : { t: options.timeoutSeconds };
  const outcome: ProjectOutcome = { containers: containers.length, networksRemoved: [], networksKept: [] };
  const seconds = options.waitTimeoutSeconds ?? DEFAULT_WAIT_SECONDS;
  const bound = (verb: string): WaitBound => ({
    until: Date.now() + seconds * 1000,
    seconds,
    verb,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const all = () => true;
  switch (action) {
    case "start": {
      const waits = bound("started");
      for (const wave of startOrder(containers))
        await runWave(
          call,
          "start",
          wave,
          containers,
          (c) => !isRunning(c),
          (c) => c.start(),
          waits,
        );
      return outcome;
    }
    case "restart": {
      const waits = bound("restarted");
      for (const wave of startOrder(containers))
        await runWave(call, "restart", wave, containers, all, (c) => c.restart(t), waits);
      return outcome;
    }
    case "stop":
      for (const wave of stopOrder(containers))
        await runWave(call, "stop", wave, containers, isRunning, (c) => c.stop(t));
      return outcome;
    case "remove": {
      for (const wave of stopOrder(containers)) {
        await runWave(call, "stop", wave, containers, isRunning, (c) => c.stop(t));
        await runWave(call, "remove", wave, containers, all, (c) => c.remove({ force: true }));
      }
      if (!options.networks) return outcome;
      await call("compose project networks remove", async (docker) => {
        for (const network of await projectNetworks(docker, project)) {
          try {
            await docker.getNetwork(network.id).remove();
            outcome.networksRemoved.push(network.name);
          } catch (error) {
            if (statusOf(error) === 404) continue;
            if (statusOf(error) !== 403 && statusOf(error) !== 409) throw error;
            outcome.networksKept.push({ name: network.name, reason: (error as Error).message });
          }
        }
      });
      return outcome;
    }
  }
}

/** `docker --context <env> compose -p <project> <verb>`: what a person types for the same action. */
export function composeLine(
  environmentName: string,
  project: string,
  action: ProjectAction,
  options: { timeoutSeconds?: number; networks?: boolean } = {},
): string {
  const timeout = options.timeoutSeconds === undefined ? [] : ["-t", String(options.timeoutSeconds)];
  const words =
    action === "remove"
      ? options.networks
        ? ["down", ...timeout]
        : ["rm", "--stop", "--force"]
      : action === "start"
        ? ["start"]
        : [action, ...timeout];
  return dockerLine(environmentName, ["compose", "-p", project, ...words]);
}
