// Reads and writes go to a manager that answers. A read asks the best manager first and, when
// it has not answered within a moment, the next one too (the first answer wins, the others are
// cancelled): a frozen manager costs that moment, not the deadline (a compound read, such as a
// stack's, is given a longer moment: COMPOUND_HEDGE_MS). A write is never sent twice: it goes to
// one manager that has just shown it is alive (it answered a ping, asked the same hedged way), and
// only moves on when the connection was refused, i.e. nothing was sent.
// What the call's own code throws as a module's typed refusal (a stack file error, a name taken)
// is that call's answer, given back as thrown: it is not an engine failure, and no other manager
// is asked.
import type Docker from "dockerode";
import { isClassified } from "../../core/errors";
import {
  DockerEngineError,
  DockerError,
  DockerPausedError,
  DockerTimeoutError,
  DockerUnreachableError,
  UnknownEnvironmentError,
  type Fleet,
} from "../../docker/index";
import type { Cluster, ClusterMember } from "./cluster";
import { NoManagerError } from "./errors";

/** The whole read's deadline, every manager tried included (the fleet's default). */
export const SWARM_DEADLINE_MS = 5_000;
/**
 * A write's deadline. A change that reached a manager goes through raft whatever the client
 * does, and a busy manager can take more than a read's 5 s to commit it: giving up sooner would
 * only tell the user "failed" about a change that then happens. (A container create has 30 s too.)
 */
export const SWARM_WRITE_DEADLINE_MS = 30_000;
/** How long one manager has to answer before the next is asked as well. */
export const HEDGE_MS = 750;
/**
 * The same for a compound read: several rounds of engine calls, every object of a kind and every
 * task (a stack's read: services, networks, secrets, configs and nodes, then the tasks). On a
 * large swarm a healthy manager takes longer than HEDGE_MS over it, and a hedge there would run
 * the whole read twice and mark the slower, healthy manager suspect. Never hedging would leave a
 * frozen first manager costing the whole deadline; this still leaves the next one most of it.
 */
export const COMPOUND_HEDGE_MS = 2_000;
/** A manager that answered this recently is taken to be alive without a ping. */
const ALIVE_FOR_MS = 1_000;
/** A manager that let another one answer first is tried last for this long. */
export const SUSPECT_FOR_MS = 15_000;

export interface ManagerCallOptions {
  deadlineMs?: number;
  signal?: AbortSignal;
  /** A write: sent once, to a manager that just answered. */
  write?: boolean;
  /** Identical reads in flight on one engine share one request. */
  key?: string;
  /** With `key`: share only a read begun at or after this moment (performance.now()). */
  startedAfter?: number;
  /** A read: how long one manager has before the next is asked too (HEDGE_MS; COMPOUND_HEDGE_MS). */
  hedgeMs?: number;
}

export interface Served<T> {
  value: T;
  /** the manager environment that answered */
  via: ClusterMember;
}

export type ManagerCall<T> = (docker: Docker, signal: AbortSignal, manager: ClusterMember) => Promise<T>;

/** What the module remembers of each manager between calls. */
class Liveness {
  private readonly aliveAt = new Map<string, number>();
  private readonly suspectUntil = new Map<string, number>();
  suspectForMs = SUSPECT_FOR_MS;

  alive(environmentId: string): void {
    this.aliveAt.set(environmentId, Date.now());
    this.suspectUntil.delete(environmentId);
  }

  suspect(environmentId: string): void {
    this.suspectUntil.set(environmentId, Date.now() + this.suspectForMs);
    this.aliveAt.delete(environmentId);
  }

  isSuspect(environmentId: string): boolean {
    return (this.suspectUntil.get(environmentId) ?? 0) > Date.now();
  }

  recentlyAlive(environmentId: string): boolean {
    return Date.now() - (this.aliveAt.get(environmentId) ?? 0) < ALIVE_FOR_MS;
  }
}

const liveness = new WeakMap<Fleet, Liveness>();
function livenessOf(fleet: Fleet): Liveness {
  let l = liveness.get(fleet);
  if (!l) liveness.set(fleet, (l = new Liveness()));
  return l;
}

/**
 * How long a suspicion lasts on this fleet. For tests: one held for minutes proves that an
 * answer clears it, whatever the machine's speed, where the 15 s lapse would race the proof.
 */
export function setSuspicionSpan(fleet: Fleet, ms: number): void {
  livenessOf(fleet).suspectForMs = ms;
}

/** The managers to try, best first: paused ones left out, suspected ones last. */
export function candidatesOf(fleet: Fleet, cluster: Cluster): ClusterMember[] {
  const live = livenessOf(fleet);
  const usable = cluster.managers.filter((m) => m.state !== "paused");
  return [
    ...usable.filter((m) => !live.isSuspect(m.environmentId)),
    ...usable.filter((m) => live.isSuspect(m.environmentId)),
  ];
}

/** Is a manager that served a list just now believed to be answering? (For lists from pictures.) */
export function isSuspect(fleet: Fleet, environmentId: string): boolean {
  return livenessOf(fleet).isSuspect(environmentId);
}

/** The calls' own typed errors, as they were thrown (the fleet hands them back wrapped as the engine's). */
const ownErrors = new WeakSet<object>();

/**
 * What `fn` threw, for the fleet: a failure of the engine, the network or the code is the
 * fleet's to classify (and another manager's to try); a module's typed error is marked as the
 * call's own. A typed error that only wraps a failure to get an HTTP answer at all (the stack
 * engine wraps even a refused connection) hands the fleet that failure.
 */
function forTheFleet(error: unknown): unknown {
  if (!isClassified(error) || error instanceof DockerError) return error;
  const { statusCode, cause } = error as { statusCode?: unknown; cause?: unknown };
  if (statusCode === undefined && cause instanceof Error && !isClassified(cause)) {
    if ((cause as { statusCode?: unknown }).statusCode === undefined) return cause;
  }
  ownErrors.add(error);
  return error;
}

/** fleet.call of `fn` on `member`: the call's own typed errors come back as thrown (see forTheFleet). */
function callOn<T>(
  fleet: Fleet,
  member: ClusterMember,
  name: string,
  fn: ManagerCall<T>,
  options: Parameters<Fleet["call"]>[3],
): Promise<T> {
  return fleet
    .call(
      member.environmentId,
      name,
      async (docker, signal) => {
        try {
          return await fn(docker, signal, member);
        } catch (error) {
          throw forTheFleet(error);
        }
      },
      options,
    )
    .catch((error: unknown) => {
      const cause = error instanceof DockerError ? error.cause : undefined;
      throw typeof cause === "object" && cause !== null && ownErrors.has(cause) ? cause : error;
    });
}

/** Failures after which another manager may well answer. Anything else is the cluster's answer. */
function worthAnotherManager(error: unknown): boolean {
  if (error instanceof DockerUnreachableError || error instanceof DockerTimeoutError) return true;
  if (error instanceof DockerPausedError || error instanceof UnknownEnvironmentError) return true;
  // 503 "This node is not a swarm manager": demoted since its last probe.
  return error instanceof DockerEngineError && error.statusCode === 503;
}

/** The system error code under a classified error ("ECONNREFUSED"), if any. */
function causeCode(error: Error): string {
  const cause = error.cause as { code?: unknown } | undefined;
  return typeof cause?.code === "string" ? cause.code : "";
}

function problemOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs `attempt` on the candidates, hedged: the next candidate starts when the previous one has
 * not answered within `hedgeMs` or failed in a way another manager might not. The first answer
 * wins and the others are aborted; an answer that is an engine refusal is final.
 */
function hedged<T>(
  fleet: Fleet,
  candidates: ClusterMember[],
  attempt: (member: ClusterMember, deadlineMs: number, signal: AbortSignal) => Promise<T>,
  deadlineMs: number,
  parent: AbortSignal | undefined,
  hedgeMs = HEDGE_MS,
): Promise<Served<T>> {
  const live = livenessOf(fleet);
  const started = performance.now();
  return new Promise<Served<T>>((resolve, reject) => {
    if (!candidates.length) {
      reject(new NoManagerError("No manager of this swarm is an environment that Stevedore may ask."));
      return;
    }
    const controllers: AbortController[] = [];
    const attempts: { environmentId: string; name: string; problem: string }[] = [];
    let next = 0;
    let running = 0;
    let settled = false;
    let timedOut = false;
    let hedgeTimer: NodeJS.Timeout | undefined;
    const deadline = setTimeout(() => fail(true), deadlineMs);
    const onAbort = () => finish(() => reject(parent?.reason instanceof Error ? parent.reason : new Error("Aborted.")));
    parent?.addEventListener("abort", onAbort, { once: true });

    function finish(action: () => void) {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      clearTimeout(hedgeTimer);
      parent?.removeEventListener("abort", onAbort);
      for (const c of controllers) c.abort();
      action();
    }
    function fail(byDeadline: boolean) {
      timedOut ||= byDeadline;
      finish(() =>
        reject(
          new NoManagerError(
            timedOut
              ? `No manager of this swarm answered within ${Math.round(deadlineMs / 100) / 10} s.`
              : "No manager of this swarm answered.",
            [
              ...attempts,
              ...candidates
                .slice(0, next)
                .filter((m) => !attempts.some((a) => a.environmentId === m.environmentId))
                .map((m) => ({ environmentId: m.environmentId, name: m.name, problem: "no answer in time" })),
            ],
            timedOut,
          ),
        ),
      );
    }
    function launch() {
      clearTimeout(hedgeTimer);
      if (settled) return;
      if (next >= candidates.length) {
        if (!running) fail(false);
        return;
      }
      const member = candidates[next++]!;
      const index = next - 1;
      const controller = new AbortController();
      controllers.push(controller);
      running++;
      const remaining = Math.max(1, deadlineMs - (performance.now() - started));
      attempt(member, remaining, controller.signal).then(
        (value) => {
          running--;
          live.alive(member.environmentId);
          // Whoever was asked before and is still silent is not to be asked first for a while.
          for (const earlier of candidates.slice(0, index)) {
            if (!attempts.some((a) => a.environmentId === earlier.environmentId)) live.suspect(earlier.environmentId);
          }
          finish(() => resolve({ value, via: member }));
        },
        (error: unknown) => {
          running--;
          if (settled) return;
          if (!worthAnotherManager(error))
            return finish(() => reject(error instanceof Error ? error : new Error(String(error))));
          if (error instanceof DockerTimeoutError || error instanceof DockerUnreachableError) {
            live.suspect(member.environmentId);
          }
          if (error instanceof DockerEngineError) void fleet.probe(member.environmentId).catch(() => undefined);
          attempts.push({ environmentId: member.environmentId, name: member.name, problem: problemOf(error) });
          launch();
        },
      );
      if (next < candidates.length) hedgeTimer = setTimeout(launch, hedgeMs);
    }
    launch();
  });
}

/** A read from a manager of `cluster` that answers; see the file's header. */
export async function readFromManager<T>(
  fleet: Fleet,
  cluster: Cluster,
  name: string,
  fn: ManagerCall<T>,
  options: Omit<ManagerCallOptions, "write"> = {},
): Promise<Served<T>> {
  const deadlineMs = options.deadlineMs ?? SWARM_DEADLINE_MS;
  return hedged(
    fleet,
    candidatesOf(fleet, cluster),
    (member, remaining, signal) =>
      callOn(fleet, member, name, fn, {
        deadlineMs: remaining,
        signal,
        ...(options.key ? { key: options.key } : {}),
        ...(options.startedAfter !== undefined ? { startedAfter: options.startedAfter } : {}),
      }),
    deadlineMs,
    options.signal,
    options.hedgeMs,
  );
}

/** A write to one manager of `cluster` that just answered; see the file's header. */
export async function writeToManager<T>(
  fleet: Fleet,
  cluster: Cluster,
  name: string,
  fn: ManagerCall<T>,
  options: Omit<ManagerCallOptions, "write" | "key"> = {},
): Promise<Served<T>> {
  const deadlineMs = options.deadlineMs ?? SWARM_WRITE_DEADLINE_MS;
  const started = performance.now();
  const live = livenessOf(fleet);
  let candidates = candidatesOf(fleet, cluster);
  const refused: { environmentId: string; name: string; problem: string }[] = [];
  for (;;) {
    const remaining = () => Math.max(1, deadlineMs - (performance.now() - started));
    const picked =
      candidates[0] && live.recentlyAlive(candidates[0].environmentId)
        ? { value: undefined, via: candidates[0] }
        : await hedged(
            fleet,
            candidates,
            (member, ms, signal) =>
              fleet.call(member.environmentId, "a ping", (docker) => docker.ping() as Promise<unknown>, {
                deadlineMs: Math.min(ms, 2_000),
                signal,
              }),
            remaining(),
            options.signal,
          ).catch((error: unknown) => {
            if (error instanceof NoManagerError && refused.length) {
              throw new NoManagerError(error.message, [...refused, ...error.attempts], error.timedOut);
            }
            throw error;
          });
    const member = picked.via;
    try {
      const value = await callOn(fleet, member, name, fn, {
        deadlineMs: remaining(),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      live.alive(member.environmentId);
      return { value, via: member };
    } catch (error) {
      // Refused: the request never reached that engine, so another manager may take it.
      const neverSent =
        (error instanceof DockerUnreachableError && ["ECONNREFUSED", "ENOENT"].includes(causeCode(error))) ||
        (error instanceof DockerEngineError && error.statusCode === 503);
      if (!neverSent || !(error instanceof DockerError)) throw error;
      live.suspect(member.environmentId);
      refused.push({ environmentId: member.environmentId, name: member.name, problem: error.message });
      candidates = candidates.filter((c) => c.environmentId !== member.environmentId);
      if (!candidates.length) throw new NoManagerError("No manager of this swarm took the change.", refused);
    }
  }
}
