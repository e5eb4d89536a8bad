// What an open page hears from the fleet (fleet.changes), and the per-page queue that carries it.
// Transport-free: the router turns the fleet's status and picture callbacks into these messages
// and drains the queue into server-sent events.
//
//   status   an environment's status changed: state, engine, swarm role, errors, degraded
//            reasons, picture warmth or name. Not sent when only its counts moved.
//   counts   an environment's counts (containers, running, images, ...) moved; only to pages that
//            ask for them (Home's cards), never to lists, which hold the objects themselves.
//   picture  objects changed in the live picture: apply them in place.
//   start    first, and only to a page that holds a list (it names the kind), asks for counts
//            (Home's cards) or asks for the statuses alone (the Environments page): where the
//            picture of that kind stood per environment when the feed began hearing it, and
//            each environment's status then. The page's list read carries the same stamps;
//            where the read's is older, a change fell between the two and that environment is
//            read again. The statuses, with the status and counts messages after them, are the
//            environments' status from then on, whenever the page's read of the environments
//            answers. So neither read need wait for the feed.
//   resync   what the page holds for these environments (or all) may have missed changes: the
//            server dropped queued messages for a page that fell behind, or an environment's
//            picture was rebuilt (the watcher resynchronised after reconnecting, or the
//            environment was dropped): read them again.
import type { EnvironmentCounts, EnvironmentStatus, PictureEvent, PictureStamp } from "../../docker/index";

export type FleetChange =
  | { type: "start"; stamps: Record<string, PictureStamp>; statuses: EnvironmentStatus[] }
  | { type: "status"; status: EnvironmentStatus }
  | { type: "counts"; environmentId: string; counts: EnvironmentCounts | undefined }
  | { type: "picture"; events: PictureEvent[] }
  | { type: "resync"; environmentIds: string[] | "all" };

/** What moved between two statuses of one environment: the status proper, its counts, or both. */
export function statusDifference(
  status: EnvironmentStatus,
  previous: EnvironmentStatus | undefined,
): { status: boolean; counts: boolean } {
  if (!previous) return { status: true, counts: status.counts !== undefined };
  return {
    status: significant(status) !== significant(previous),
    counts: JSON.stringify(status.counts ?? null) !== JSON.stringify(previous.counts ?? null),
  };
}

/**
 * The status as a page shows it, without counts and the timestamps of routine probes. heardAt
 * moves with every event from a live engine; pages show it only while the engine is failing,
 * when it no longer moves, so it rides along with the next significant change.
 */
function significant(status: EnvironmentStatus): string {
  const { checkedAt: _c, latencyMs: _l, nextRetryAt: _n, heardAt: _h, counts: _counts, lastError, ...rest } = status;
  return JSON.stringify({ ...rest, lastError: lastError && { ...lastError, at: undefined } });
}

/** Picture events after which a page must read the environment again rather than patch it. */
export function resyncFor(events: readonly PictureEvent[]): string[] {
  const ids = new Set<string>();
  for (const event of events) if (event.type === "warm" || event.type === "dropped") ids.add(event.environmentId);
  return [...ids];
}

export interface ChangeQueueLimits {
  /** Messages held for a page that does not read. */
  messages: number;
  /** Picture events held across those messages. */
  events: number;
}

/**
 * The messages waiting for one page. A page that stops reading must not grow the server's
 * memory without bound, and must not silently miss changes either: past the limits, the queued
 * picture changes are dropped and replaced by one resync naming the environments they were
 * for; the latest status and counts of each environment are kept (each replaces the last).
 */
export class ChangeQueue {
  private queue: FleetChange[] = [];
  private events = 0;
  /** How many times the queue was collapsed into a resync. */
  overflows = 0;

  constructor(private readonly limits: ChangeQueueLimits = { messages: 2_000, events: 20_000 }) {}

  get length(): number {
    return this.queue.length;
  }

  push(change: FleetChange): void {
    this.queue.push(change);
    if (change.type === "picture") this.events += change.events.length;
    if (this.queue.length > this.limits.messages || this.events > this.limits.events) this.collapse();
  }

  shift(): FleetChange | undefined {
    const change = this.queue.shift();
    if (change?.type === "picture") this.events -= change.events.length;
    return change;
  }

  private collapse(): void {
    this.overflows++;
    const start: FleetChange[] = [];
    const statuses = new Map<string, FleetChange>();
    const counts = new Map<string, FleetChange>();
    const resync = new Set<string>();
    let all = false;
    for (const change of this.queue) {
      switch (change.type) {
        case "start":
          start.push(change);
          break;
        case "status":
          statuses.delete(change.status.environmentId);
          statuses.set(change.status.environmentId, change);
          break;
        case "counts":
          counts.delete(change.environmentId);
          counts.set(change.environmentId, change);
          break;
        case "picture":
          for (const event of change.events) resync.add(event.environmentId);
          break;
        case "resync":
          if (change.environmentIds === "all") all = true;
          else for (const id of change.environmentIds) resync.add(id);
          break;
      }
    }
    const kept = [...start, ...statuses.values(), ...counts.values()];
    const reread: FleetChange[] =
      all || resync.size ? [{ type: "resync", environmentIds: all ? "all" : [...resync] }] : [];
    // So many environments changed that even one message each is too many: read everything again.
    this.queue =
      kept.length < this.limits.messages ? [...kept, ...reread] : [...start, { type: "resync", environmentIds: "all" }];
    this.events = 0;
  }
}
