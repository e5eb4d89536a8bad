// A service's tasks as `docker service ps` shows them: the current ones (what the service runs or
// is starting now, one per slot or node) apart from its history (tasks an update, a scale-down, a
// drain or a failure replaced). The current ones are what a person looks for after an update;
// the history stays one click away, with each replaced task's error.

/** The desired states of a task the orchestrator has let go of: swarm keeps it as history only. */
const LET_GO = new Set(["shutdown", "remove", "orphaned"]);

interface TaskLike {
  desiredState: string;
  slot?: number;
  updatedAt: string;
}

/** Whether the orchestrator still wants this task (running, ready, or a job's complete). */
export function isCurrentTask(task: TaskLike): boolean {
  return !LET_GO.has(task.desiredState);
}

/** By slot (replicated), then the newest first (global tasks have no slot). */
export function bySlotThenNewest(a: TaskLike, b: TaskLike): number {
  return (a.slot ?? 0) - (b.slot ?? 0) || b.updatedAt.localeCompare(a.updatedAt);
}

export function currentAndEarlier<T extends TaskLike>(tasks: readonly T[]): { current: T[]; earlier: T[] } {
  const current: T[] = [];
  const earlier: T[] = [];
  for (const task of tasks) (isCurrentTask(task) ? current : earlier).push(task);
  return { current: current.sort(bySlotThenNewest), earlier: earlier.sort(bySlotThenNewest) };
}
