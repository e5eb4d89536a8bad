// What state a stack's service is in, from what a manager says of it and its tasks: converged,
// updating (an update or rollback under way, or tasks still starting), or failing (an update
// paused or rolled back by itself, or tasks that keep failing), with the failing task's error.
// Pure: inventory.ts and rollout.ts feed it.

export type ServiceState = "converged" | "updating" | "failing";
export type StackState = ServiceState | "empty";

/** The trimmed task this module works with (never the engine's payload: its spec holds the env). */
export interface StackTask {
  id: string;
  serviceId: string;
  slot?: number;
  nodeId: string;
  /** the node's hostname, when known */
  node?: string;
  desiredState: string;
  state: string;
  message: string;
  error?: string;
  exitCode?: number;
  image: string;
  createdAt: string;
  updatedAt: string;
}

export interface UpdateStatus {
  state: string;
  message: string;
  startedAt?: string;
  completedAt?: string;
}

export interface FailingTask {
  taskId: string;
  slot?: number;
  node?: string;
  state: string;
  error: string;
  exitCode?: number;
  at: string;
}

export interface ServiceHealth {
  state: ServiceState;
  running: number;
  desired: number;
  /** what is going on, in a few words ("2/3 running", "update paused: …") */
  summary: string;
  failure?: FailingTask;
}

const FAILED = new Set(["failed", "rejected"]);
/** a task that failed this recently (and nothing took its place) keeps its service failing */
export const RECENT_FAILURE_MS = 60_000;

export function isManualRollback(message: string | undefined): boolean {
  return /manually requested rollback/i.test(message ?? "");
}

function failed(task: StackTask): boolean {
  return FAILED.has(task.state) || (task.state === "shutdown" && Boolean(task.error)) || (task.exitCode ?? 0) > 0;
}

export function failingTaskOf(task: StackTask): FailingTask {
  return {
    taskId: task.id,
    ...(task.slot !== undefined ? { slot: task.slot } : {}),
    ...(task.node ? { node: task.node } : {}),
    state: task.state,
    error: task.error || task.message || task.state,
    ...(task.exitCode ? { exitCode: task.exitCode } : {}),
    at: task.updatedAt,
  };
}

/** The task named in an update's message ("task abc… has failed"), else the newest failed one. */
export function failureOf(tasks: readonly StackTask[], message?: string): FailingTask | undefined {
  const named = /task ([a-z0-9]{25})/.exec(message ?? "")?.[1];
  const task =
    (named ? tasks.find((t) => t.id === named) : undefined) ??
    [...tasks].filter(failed).sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : -1))[0];
  return task ? failingTaskOf(task) : undefined;
}

/**
 * A service's state. `desired` is what the engine counts (ServiceStatus.DesiredTasks); `running`
 * counts tasks meant to run that run.
 */
export function serviceHealth(input: {
  desired: number;
  tasks: readonly StackTask[];
  update?: UpdateStatus | undefined;
  job?: boolean;
  now?: number;
}): ServiceHealth {
  const { tasks, update } = input;
  const now = input.now ?? Date.now();
  const running = tasks.filter((t) => t.desiredState === "running" && t.state === "running").length;
  const completed = tasks.filter((t) => t.state === "complete").length;
  const desired = input.desired;
  const count = input.job ? `${completed}/${desired} completed` : `${running}/${desired} running`;
  if (update && ["paused", "rollback_paused"].includes(update.state)) {
    const failure = failureOf(tasks, update.message);
    return {
      state: "failing",
      running,
      desired,
      summary: `${update.state === "paused" ? "update paused" : "rollback paused"}: ${update.message}`,
      ...(failure ? { failure } : {}),
    };
  }
  if (update && ["updating", "rollback_started"].includes(update.state)) {
    return {
      state: "updating",
      running,
      desired,
      summary: `${update.state === "updating" ? "updating" : "rolling back"}, ${count}`,
    };
  }
  const reached = input.job ? completed >= desired : running >= desired;
  // The newest task of each slot (or node, for a global service) says how that place is doing.
  const newest = new Map<string, StackTask>();
  for (const task of tasks) {
    const key = task.slot !== undefined ? `slot ${task.slot}` : `node ${task.nodeId}`;
    const seen = newest.get(key);
    if (!seen || seen.createdAt < task.createdAt) newest.set(key, task);
  }
  const failingNow = [...newest.values()].filter(failed);
  const recent = tasks.filter((t) => failed(t) && now - Date.parse(t.updatedAt) < RECENT_FAILURE_MS);
  if (!reached && (failingNow.length > 0 || recent.length > 0)) {
    const failure = failureOf(failingNow.length ? failingNow : recent);
    return {
      state: "failing",
      running,
      desired,
      summary: `${count}; ${failure ? `task failing: ${failure.error}` : "tasks failing"}`,
      ...(failure ? { failure } : {}),
    };
  }
  if (update?.state === "rollback_completed" && !isManualRollback(update.message)) {
    const failure = failureOf(tasks, update.message);
    return {
      state: "failing",
      running,
      desired,
      summary: `rolled back: ${update.message}`,
      ...(failure ? { failure } : {}),
    };
  }
  if (!reached) return { state: "updating", running, desired, summary: count };
  return { state: "converged", running, desired, summary: count };
}

/** A stack is as bad as its worst service. */
export function stackState(services: readonly { health: ServiceHealth }[]): StackState {
  if (services.length === 0) return "empty";
  if (services.some((s) => s.health.state === "failing")) return "failing";
  if (services.some((s) => s.health.state === "updating")) return "updating";
  return "converged";
}
