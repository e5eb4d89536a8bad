// Every rollout's outcome goes on the record, whoever started it: Stevedore, a CLI, another
// tool. The tracker watches the live picture's services; when a service's update status
// reaches an end (completed, paused, rolled back, rollback paused) after it was seen under
// way or newly started, it records one `services.rollout` event for that rollout (however many
// managers' pictures report it), a failure for a pause or an unasked-for rollback, with the
// failing task's error and exit code. A rollout Stevedore started carries its actor. Every
// replica of Stevedore watches the same engines and hears the same rollout end: the event is
// recorded once (the first replica to write it wins, checked under the audit chain's lock).
//
// Which rollout Stevedore started is decided by the engine's own clock, not ours: just before
// Stevedore sends a change, it notes the start of the service's latest rollout as the engine
// reported it in the very read the change is sent for; the first rollout seen to start after
// that one is the requester's, and is bound to them when it is first seen (not when it ends: a
// later action on the same service must not take over a rollout still under way).
import type { AuditCompletion, AuditEntry, RecordOnce } from "../../audit/writer";
import type { Fleet, PictureEvent, ServiceSummary, TaskSummary } from "../../docker/index";
import { fetchResources } from "../../docker/resources";
import { clusterById } from "./cluster";
import { readFromManager } from "./managers";
import { describeOutcome, failingTask, isManualRollback, type RolloutFailure, type RolloutPhase } from "./rollout";

export interface AuditSink {
  recordOnce(entry: AuditEntry, completion: AuditCompletion, once: RecordOnce): Promise<unknown>;
}

/** How far apart two replicas may record the same rollout's end. */
const SAME_ROLLOUT_WITHIN_MS = 60 * 60_000;
/** How long a rollout this replica did not start waits before it is recorded. */
const DEFER_UNASKED_MS = 1_500;

/** Who asked for a rollout through Stevedore, for its event. */
export type Requester = Pick<AuditEntry, "actorUserId" | "actorUsername" | "actorTokenId" | "ip" | "userAgent"> & {
  /** the procedure that started it */
  action: string;
};

const TERMINAL = new Set(["completed", "paused", "rollback_completed", "rollback_paused"]);
const EXPECT_FOR_MS = 10 * 60_000;

interface Expected {
  requester: Requester;
  /** when the engine said the service's latest rollout before this change started (none: never rolled out) */
  after: string | undefined;
  at: number;
}

/** An engine timestamp (RFC 3339, up to nanoseconds) as nanoseconds, for exact ordering. */
export function engineInstant(time: string): bigint | undefined {
  const match = /^(.+?)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(time);
  if (!match) return undefined;
  const seconds = Date.parse(`${match[1]}${match[3]}`);
  if (!Number.isFinite(seconds)) return undefined;
  return BigInt(seconds) * 1_000_000n + BigInt((match[2] ?? "").padEnd(9, "0"));
}

/** Did the rollout that started at `startedAt` start after the one that started at `after`? */
function startedAfter(startedAt: string, after: string | undefined): boolean {
  if (after === undefined) return true;
  if (startedAt === after) return false;
  const [a, b] = [engineInstant(startedAt), engineInstant(after)];
  return a === undefined || b === undefined ? true : a > b;
}

interface Seen {
  startedAt: string;
  state: string;
  /** the message of the rollback's start: says whether it was asked for */
  rollbackMessage?: string;
  /** the task named when the update paused or rolled back */
  failureMessage?: string;
  recorded: boolean;
  /** who started it through Stevedore (absent: someone else) */
  requester?: Requester;
}

export class RolloutTracker {
  private readonly seen = new Map<string, Seen>();
  private readonly expected = new Map<string, Expected>();
  private off: (() => void) | undefined;
  private pending = new Set<Promise<unknown>>();

  constructor(
    private readonly fleet: Fleet,
    private readonly audit: AuditSink,
  ) {}

  start(): void {
    if (this.off) return;
    // What the picture holds now is history: only what happens from here on is recorded.
    for (const status of this.fleet.statuses()) {
      const clusterId = status.swarm?.role === "manager" ? status.swarm.clusterId : undefined;
      if (!clusterId) continue;
      for (const service of this.fleet.picture.list(status.environmentId, "services") ?? []) {
        this.note(clusterId, service, true);
      }
    }
    this.off = this.fleet.subscribe((events) => this.onEvents(events));
  }

  stop(): void {
    this.off?.();
    this.off = undefined;
  }

  /** Resolves when every event being written now is written (tests). */
  async settled(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  /** Was the rollback of `serviceId` that started at `startedAt` asked for (its start said so)? */
  rollbackAsked(serviceId: string, startedAt: string): boolean {
    for (const [key, seen] of this.seen) {
      if (key.endsWith(`/${serviceId}`) && seen.startedAt === startedAt) return isManualRollback(seen.rollbackMessage);
    }
    return false;
  }

  /**
   * A rollout Stevedore is about to start (update, rollback, redeploy): called with the service's
   * update status as the engine answered the read the change is sent for, just before sending
   * it. The next rollout to start after that one names the requester.
   */
  expect(clusterId: string, serviceId: string, requester: Requester, latestStartedAt: string | undefined): void {
    this.expected.set(`${clusterId}/${serviceId}`, { requester, after: latestStartedAt, at: Date.now() });
  }

  /** The change was not made after all (refused, failed): its requester starts nothing. */
  withdraw(clusterId: string, serviceId: string, requester: Requester): void {
    const key = `${clusterId}/${serviceId}`;
    if (this.expected.get(key)?.requester === requester) this.expected.delete(key);
  }

  /** The requester of the rollout of `key` that started at `startedAt`, if Stevedore started it; taken once. */
  private claim(key: string, startedAt: string): Requester | undefined {
    const expected = this.expected.get(key);
    if (!expected) return undefined;
    if (Date.now() - expected.at > EXPECT_FOR_MS) {
      this.expected.delete(key);
      return undefined;
    }
    if (!startedAfter(startedAt, expected.after)) return undefined;
    this.expected.delete(key);
    return expected.requester;
  }

  private onEvents(events: PictureEvent[]): void {
    for (const event of events) {
      if (!("kind" in event) || event.kind !== "services" || event.type !== "upsert") continue;
      const status = this.fleet.status(event.environmentId);
      const clusterId = status?.swarm?.role === "manager" ? status.swarm.clusterId : undefined;
      if (clusterId) this.note(clusterId, event.item, false, event.environmentId);
    }
  }

  private note(clusterId: string, service: ServiceSummary, history: boolean, environmentId?: string): void {
    const update = service.updateStatus;
    if (!update?.startedAt) return;
    const key = `${clusterId}/${service.id}`;
    const before = this.seen.get(key);
    const same = before && before.startedAt === update.startedAt;
    if (same && before.state === update.state) return;
    // A rollout seen for the first time is bound to whoever started it through Stevedore.
    const requester = same ? before.requester : history ? undefined : this.claim(key, update.startedAt);
    const next: Seen = {
      startedAt: update.startedAt,
      state: update.state,
      ...(same && before.rollbackMessage ? { rollbackMessage: before.rollbackMessage } : {}),
      ...(same && before.failureMessage ? { failureMessage: before.failureMessage } : {}),
      recorded: same ? before.recorded : false,
      ...(requester ? { requester } : {}),
    };
    if (update.state === "rollback_started") next.rollbackMessage = update.message;
    if (/task [a-z0-9]{25}/.test(update.message)) next.failureMessage = update.message;
    if (TERMINAL.has(update.state)) {
      // The first sight of a service whose rollout has ended is history (a picture warming
      // up, Stevedore starting), unless Stevedore itself started that rollout.
      const firstSight = !before && !next.requester;
      if (history || firstSight || next.recorded) next.recorded = true;
      else if (environmentId) {
        next.recorded = true;
        this.track(this.record(clusterId, environmentId, service, next));
      }
    }
    this.seen.set(key, next);
  }

  private track(promise: Promise<unknown>): void {
    const p = promise.catch((error: unknown) => console.error("swarm: cannot record a rollout's outcome:", error));
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  private async record(clusterId: string, environmentId: string, service: ServiceSummary, seen: Seen): Promise<void> {
    const update = service.updateStatus!;
    const manual = isManualRollback(seen.rollbackMessage);
    const phase: RolloutPhase =
      update.state === "completed"
        ? "converged"
        : update.state === "paused"
          ? "paused"
          : update.state === "rollback_paused"
            ? "rollback-paused"
            : "rolled-back";
    const failed = phase === "paused" || phase === "rollback-paused" || (phase === "rolled-back" && !manual);
    let failure: RolloutFailure | undefined;
    if (failed) failure = await this.failureOf(clusterId, environmentId, service, seen).catch(() => undefined);
    const ours = seen.requester;
    // Another replica may have started it and knows who asked: let it record first.
    if (!ours) await new Promise((resolve) => setTimeout(resolve, DEFER_UNASKED_MS));
    const message = failed
      ? describeOutcome({ phase, failure, serviceName: service.name, updateStatus: update })
      : null;
    const started = Date.parse(seen.startedAt);
    const completed = Date.parse(update.completedAt ?? "") || Date.now();
    await this.audit.recordOnce(
      {
        ...(ours ?? {}),
        action: "services.rollout",
        permission: "service.update",
        environmentId,
        targetKind: "service",
        targetId: service.id,
        targetName: service.name,
        params: {
          startedBy: ours ? `Stevedore (${ours.action})` : "outside Stevedore (a CLI or another tool)",
          state: update.state,
          message: update.message,
          ...(seen.rollbackMessage && seen.rollbackMessage !== update.message
            ? { rollbackMessage: seen.rollbackMessage }
            : {}),
          startedAt: seen.startedAt,
          ...(update.completedAt ? { completedAt: update.completedAt } : {}),
          ...(failure ? { failedTask: failure } : {}),
        },
      },
      {
        outcome: failed ? "error" : "ok",
        error: message,
        durationMs: Number.isFinite(started) ? Math.max(0, completed - started) : null,
      },
      // A rollout is its service and start; its end is the state it reached.
      { params: { startedAt: seen.startedAt, state: update.state }, withinMs: SAME_ROLLOUT_WITHIN_MS },
    );
  }

  private async failureOf(
    clusterId: string,
    environmentId: string,
    service: ServiceSummary,
    seen: Seen,
  ): Promise<RolloutFailure | undefined> {
    const fromPicture = (this.fleet.picture.list(environmentId, "tasks") ?? []).filter(
      (t) => t.serviceId === service.id,
    );
    const nodes = this.fleet.picture.list(environmentId, "nodes") ?? [];
    let tasks: readonly TaskSummary[] = fromPicture;
    const named = /task ([a-z0-9]{25})/.exec(seen.failureMessage ?? "")?.[1];
    const cluster = clusterById(this.fleet, clusterId);
    if (cluster && (!named || !fromPicture.some((t) => t.id === named))) {
      // The picture's tasks may lag the service's status by a poll: ask a manager.
      const served = await readFromManager(this.fleet, cluster, "tasks of a rollout", (docker) =>
        fetchResources(docker, "tasks"),
      );
      tasks = served.value.filter((t) => t.serviceId === service.id);
    }
    return failingTask(seen.failureMessage, tasks, nodes);
  }
}
