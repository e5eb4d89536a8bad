// Swarm tasks change without events of their own (a task failing on a worker says nothing to
// the managers' event streams), so the fleet's watchers re-read them every few seconds. While
// someone has a swarm page open (or a rollout is followed), its cluster's tasks are read twice
// a second instead, from one manager, and what changed lands in that manager's live picture:
// open pages hear a task change within a second, and nobody pays for it when nobody looks.
import type { Fleet, PictureChange, TaskSummary } from "../../docker/index";
import { fetchResources } from "../../docker/resources";
import { clusterById } from "./cluster";
import { readFromManager } from "./managers";
import { pictureSource } from "./view";

export const PULSE_MS = 500;

export class TaskPulse {
  private readonly interest = new Map<string, number>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Set<string>();

  constructor(
    private readonly fleet: Fleet,
    private readonly intervalMs = PULSE_MS,
  ) {}

  /** Reads `clusterId`'s tasks often until the returned function is called (counted). */
  watch(clusterId: string): () => void {
    this.interest.set(clusterId, (this.interest.get(clusterId) ?? 0) + 1);
    if (!this.timers.has(clusterId)) {
      const timer = setInterval(() => void this.tick(clusterId), this.intervalMs);
      timer.unref();
      this.timers.set(clusterId, timer);
      void this.tick(clusterId);
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.interest.get(clusterId) ?? 1) - 1;
      if (left > 0) return void this.interest.set(clusterId, left);
      this.interest.delete(clusterId);
      clearInterval(this.timers.get(clusterId));
      this.timers.delete(clusterId);
    };
  }

  stop(): void {
    for (const timer of this.timers.values()) clearInterval(timer);
    this.timers.clear();
    this.interest.clear();
  }

  private async tick(clusterId: string): Promise<void> {
    if (this.running.has(clusterId)) return;
    this.running.add(clusterId);
    try {
      const cluster = clusterById(this.fleet, clusterId);
      if (!cluster?.managers.some((m) => this.fleet.picture.isWarm(m.environmentId))) return;
      // Where the tasks stood when this read began: its answer is a picture of that moment (it
      // joins no read begun earlier), and may remove only what nothing newer has touched since.
      const sourceBefore = pictureSource(this.fleet, cluster);
      const versionBefore = sourceBefore ? this.fleet.picture.version(sourceBefore.environmentId, "tasks") : -1;
      const readFrom = performance.now();
      // Read even when every manager is suspected (one let a read time out): the answer clears
      // the suspicion of the manager that gave it. Skipping the read instead left a cluster whose
      // only manager answered too slowly once with no picture source, so no task change reached
      // an open page, until the suspicion lapsed 15 s later (a 3 s SIGSTOP of the manager shows it).
      const served = await readFromManager(
        this.fleet,
        cluster,
        "tasks pulse",
        (docker) => fetchResources(docker, "tasks"),
        {
          deadlineMs: 2_000,
          key: "tasks:all",
          startedAfter: readFrom,
        },
      );
      const picture = this.fleet.picture;
      // The picture that serves the cluster now (it may have gone cold, or moved, while we read).
      const source = pictureSource(this.fleet, cluster);
      if (!source || !picture.isWarm(source.environmentId)) return;
      const held = new Map((picture.list(source.environmentId, "tasks") ?? []).map((t) => [t.id, t]));
      const changed: TaskSummary[] = [];
      const ids: string[] = [];
      for (const task of served.value) {
        const old = held.get(task.id);
        held.delete(task.id);
        // Never put an older answer over a newer one (the watcher reads too).
        if (old && (old.updatedAt > task.updatedAt || JSON.stringify(old) === JSON.stringify(task))) continue;
        changed.push(task);
        ids.push(task.id);
      }
      // A task the answer lacks is gone, unless the picture took newer news while this read was
      // out (the watcher reads after each event): a task made meanwhile is missing from this
      // older answer, not gone. The next tick, or the task's own events, settle those.
      const newerMeanwhile =
        source.environmentId !== sourceBefore?.environmentId ||
        picture.version(source.environmentId, "tasks") !== versionBefore;
      if (!newerMeanwhile) ids.push(...held.keys());
      if (!ids.length) return;
      const changes: PictureChange[] = picture.apply(source.environmentId, "tasks", ids, changed);
      picture.emit(changes);
    } catch {
      // No manager answered this time; the next tick asks again, and the watchers carry on.
    } finally {
      this.running.delete(clusterId);
    }
  }
}
