// A compose project's `depends_on`, as compose v2 records it on each container
// (`com.docker.compose.depends_on`: `db:service_healthy:false,cache:service_started:true`), and
// what `docker compose -p <project> start|restart|stop|down` does with it: start and restart a
// service only once its dependencies are started, healthy or completed as each entry says
// (compose's waitDependencies, pkg/compose/convergence.go), and stop or remove dependants before
// what they depend on (InReverseDependencyOrder). Transport-free: typed domain errors, no tRPC.
import type Docker from "dockerode";
import { setTimeout as sleep } from "node:timers/promises";
import { DomainError } from "../../core/errors";

export const DEPENDS_ON_LABEL = "com.docker.compose.depends_on";
const ONE_OFF_LABEL = "com.docker.compose.oneoff";

/**
 * What a dependant waits for. `running_or_healthy` is what compose assumes for an entry that
 * names no condition (labels written before conditions were recorded): healthy when the
 * dependency has a healthcheck, else running.
 */
export type DependencyCondition =
  "service_started" | "service_healthy" | "service_completed_successfully" | "running_or_healthy";

export interface Dependency {
  service: string;
  /** as the label says; a condition compose does not know is not waited for (compose warns) */
  condition: DependencyCondition | (string & {});
}

/** The entries of a container's depends_on label (compose v1 writes none). */
export function parseDependsOn(labels: Readonly<Record<string, string>>): Dependency[] {
  return (labels[DEPENDS_ON_LABEL] ?? "")
    .split(",")
    .map((entry) => entry.trim().split(":"))
    .filter(([service]) => Boolean(service))
    .map(([service, condition]) => ({ service: service!, condition: condition || "running_or_healthy" }));
}

/** What the ordering and the waiting need of a project's container. */
export interface DependentContainer {
  id: string;
  name: string;
  service: string;
  dependsOn: Dependency[];
  labels: Readonly<Record<string, string>>;
}

/**
 * Services in the order compose starts them, as waves: a service comes once everything it
 * depends on has come (dependencies first; v1 projects, with no label, all in one wave, by name).
 * A cycle cannot be made by compose; if labels say one, the rest follow by name. Stopping and
 * removing go through the waves backwards: dependants first.
 */
export function startOrder<C extends DependentContainer>(containers: C[]): C[][] {
  const byService = new Map<string, C[]>();
  for (const c of containers) byService.set(c.service, [...(byService.get(c.service) ?? []), c]);
  const services = [...byService.keys()].sort();
  const needs = new Map(
    services.map((s) => [s, new Set(byService.get(s)!.flatMap((c) => c.dependsOn.map((d) => d.service)))]),
  );
  const done = new Set<string>();
  const waves: C[][] = [];
  while (done.size < services.length) {
    let wave = services.filter(
      (s) => !done.has(s) && [...needs.get(s)!].every((d) => done.has(d) || !byService.has(d)),
    );
    if (!wave.length) wave = services.filter((s) => !done.has(s));
    for (const s of wave) done.add(s);
    waves.push(wave.flatMap((s) => byService.get(s)!));
  }
  return waves;
}

/** The reverse of startOrder: dependants first, as `docker compose stop` and `down` go. */
export function stopOrder<C extends DependentContainer>(containers: C[]): C[][] {
  return startOrder(containers).reverse();
}

/** A dependency that is not, and will not be, what a dependant needs: nothing more is started. */
export class ComposeDependencyError extends DomainError {
  readonly errorKind = "precondition";
  constructor(
    readonly dependant: string,
    readonly dependency: string,
    message: string,
  ) {
    super(message);
  }
}

const WAITED: ReadonlySet<string> = new Set([
  "service_healthy",
  "service_completed_successfully",
  "running_or_healthy",
]);

const WHAT: Record<string, string> = {
  service_healthy: "healthy",
  service_completed_successfully: "completed successfully",
  running_or_healthy: "running (healthy, if it has a healthcheck)",
};

/**
 * One look at a dependency: met, not yet (and why not), or never (why). Answered, not thrown: the
 * look runs inside an engine call, which would wrap a thrown domain error as an engine failure.
 */
type Look = { met: true } | { met: false; why: string } | { met: false; never: string };

async function look(
  docker: Docker,
  dependant: string,
  dependency: Dependency,
  of: DependentContainer[],
): Promise<Look> {
  const refuse = (message: string): Look => ({ met: false, never: message });
  const needs = `${dependant} needs ${dependency.service} ${WHAT[dependency.condition]}`;
  for (const c of of) {
    const inspected = await docker.getContainer(c.id).inspect();
    const state = inspected.State;
    if (dependency.condition === "service_completed_successfully") {
      // compose: the first exited container of the dependency decides.
      if (state.Status !== "exited") continue;
      if (state.ExitCode === 0) return { met: true };
      return refuse(`${needs}, but its container ${c.name} exited with code ${state.ExitCode}.`);
    }
    if (state.Status === "exited" || state.Status === "dead") {
      return refuse(`${needs}, but its container ${c.name} exited (code ${state.ExitCode}).`);
    }
    const hasHealthcheck = Boolean(state.Health);
    if (dependency.condition === "running_or_healthy" && !inspected.Config.Healthcheck) {
      if (state.Status !== "running") return { met: false, why: `${c.name} is ${state.Status}` };
      continue;
    }
    if (!hasHealthcheck) {
      return refuse(
        `${needs} (depends_on condition ${dependency.condition}), but its container ${c.name} has no healthcheck configured.`,
      );
    }
    const health = state.Health!.Status;
    if (health === "unhealthy") return refuse(`${needs}, but its container ${c.name} is unhealthy.`);
    if (health !== "healthy") return { met: false, why: `${c.name} is ${health || "starting"}` };
  }
  if (dependency.condition === "service_completed_successfully") {
    return { met: false, why: `${of.map((c) => c.name).join(", ")} still running` };
  }
  return { met: true };
}

/**
 * One engine call (the fleet's: a call slot and a deadline). The waiting between looks holds
 * none: a long wait must not keep a slot that everyone else's calls on the engine need.
 */
export type CallEngine = <T>(
  name: string,
  fn: (docker: Docker, signal: AbortSignal) => Promise<T>,
  /** `looks`: the call only reads (a look at a dependency), it acts on nothing */
  kind?: "looks",
) => Promise<T>;

export interface WaitBound {
  /** when waiting gives up (Date.now() milliseconds), for the whole action */
  until: number;
  /** the seconds that bound is, for the message */
  seconds: number;
  signal?: AbortSignal;
  /** what the dependant was to be: "started" or "restarted", for the message */
  verb?: string;
  /** between looks; compose looks every 500 ms */
  everyMs?: number;
}

/**
 * Waits until each dependency of `dependant` is as its depends_on entry says, looking at the
 * dependency's containers in `containers` (one-off `compose run` containers aside), as compose
 * does before starting a service. `service_started` is not waited for: the start order is that.
 * A dependency with no container, an exited or unhealthy one, one without a healthcheck that
 * must be healthy, a job that exited non-zero, or the bound passing: a ComposeDependencyError
 * naming both services.
 */
export async function waitForDependencies(
  call: CallEngine,
  dependant: string,
  dependencies: Dependency[],
  containers: DependentContainer[],
  bound: WaitBound,
): Promise<void> {
  const waited = dependencies.filter((d) => WAITED.has(d.condition));
  // The first dependency that fails stops the others' looking: nothing more will be started.
  const stop = new AbortController();
  const signal = bound.signal ? AbortSignal.any([bound.signal, stop.signal]) : stop.signal;
  const waitFor = async (dependency: Dependency) => {
    const of = containers.filter((c) => c.service === dependency.service && c.labels[ONE_OFF_LABEL] !== "True");
    if (!of.length) {
      throw new ComposeDependencyError(
        dependant,
        dependency.service,
        `${dependant} depends on ${dependency.service} (${dependency.condition}), which has no container in this project.`,
      );
    }
    for (;;) {
      const now = await call("compose dependency look", (docker) => look(docker, dependant, dependency, of), "looks");
      if (now.met) return;
      if ("never" in now) throw new ComposeDependencyError(dependant, dependency.service, now.never);
      if (Date.now() >= bound.until) {
        throw new ComposeDependencyError(
          dependant,
          dependency.service,
          `${dependant} was not ${bound.verb ?? "started"}: ${dependency.service} was not ${WHAT[dependency.condition]} ` +
            `within ${bound.seconds} s (${now.why}).`,
        );
      }
      await sleep(Math.min(bound.everyMs ?? 500, Math.max(0, bound.until - Date.now())), undefined, { signal });
    }
  };
  try {
    await Promise.all(waited.map(waitFor));
  } finally {
    stop.abort();
  }
}
