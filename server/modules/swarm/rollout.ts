// A rollout as `docker service update --detach=false` shows it: one line per slot (replicated)
// or node (global) with its task's state, until the service converges, pauses or rolls back.
// Unlike the CLI and the peers, a paused or rolled-back update is a failure here, with the
// failing task's error and exit code. Pure: the watcher feeds it what the manager says.
import type { NodeSummary, ServiceSummary, TaskSummary } from "../../docker/index";

export type RolloutPhase =
  /** tasks are being started (a create or a scale), or an update is under way */
  | "converging"
  | "updating"
  | "converged"
  | "paused"
  | "rolling-back"
  | "rolled-back"
  | "rollback-paused"
  /** a job whose tasks all completed */
  | "completed";

export interface RolloutSlot {
  /** "1/3" for a replicated slot, the node's hostname for a global task */
  label: string;
  slot?: number;
  nodeId?: string;
  node?: string;
  taskId?: string;
  state: string;
  desiredState?: string;
  message?: string;
  error?: string;
  exitCode?: number;
  /** the task runs the service's current spec */
  upToDate: boolean;
}

export interface RolloutFailure {
  taskId: string;
  slot?: number;
  node?: string;
  state: string;
  error: string;
  exitCode?: number;
}

export interface RolloutProgress {
  serviceId: string;
  serviceName: string;
  mode: ServiceSummary["mode"];
  phase: RolloutPhase;
  /** nothing more will happen by itself */
  done: boolean;
  /** paused, rolled back (not asked for), or a rollback paused */
  failed: boolean;
  updateStatus?: ServiceSummary["updateStatus"];
  running: number;
  desired: number;
  slots: RolloutSlot[];
  failure?: RolloutFailure;
  /** "overall progress: 2 out of 3 tasks" and the like */
  summary: string;
}

/** Task states in the order a task moves through them (the CLI's numbering). */
const STATE_ORDER = [
  "new",
  "allocated",
  "pending",
  "assigned",
  "accepted",
  "preparing",
  "ready",
  "starting",
  "running",
  "complete",
  "shutdown",
  "failed",
  "rejected",
  "remove",
  "orphaned",
];
const rank = (state: string | undefined) => STATE_ORDER.indexOf(state ?? "");

/** The task that stands for a slot or node: the one meant to run furthest along, then the newest. */
function better(a: TaskSummary, b: TaskSummary): TaskSummary {
  const desired = (t: TaskSummary) => (t.desiredState === "running" || t.desiredState === "complete" ? 1 : 0);
  if (desired(a) !== desired(b)) return desired(a) > desired(b) ? a : b;
  if (a.createdAt !== b.createdAt) return a.createdAt > b.createdAt ? a : b;
  return rank(a.state) >= rank(b.state) ? a : b;
}

const TASK_IN_MESSAGE = /task ([a-z0-9]{25})/;

/** Was this rollback asked for (docker service rollback), rather than the update failing? */
export function isManualRollback(message: string | undefined): boolean {
  return /manually requested rollback/i.test(message ?? "");
}

/** The task that made an update pause or roll back: named in the engine's message, else the newest failure. */
export function failingTask(
  message: string | undefined,
  tasks: readonly TaskSummary[],
  nodes: readonly NodeSummary[],
): RolloutFailure | undefined {
  const named = TASK_IN_MESSAGE.exec(message ?? "")?.[1];
  const task =
    (named ? tasks.find((t) => t.id === named) : undefined) ??
    [...tasks]
      .filter((t) => t.error || ["failed", "rejected"].includes(t.state) || (t.exitCode ?? 0) !== 0)
      .sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : -1))[0];
  if (!task)
    return named ? { taskId: named, state: "unknown", error: "The task is gone from the swarm's history." } : undefined;
  const node = nodes.find((n) => n.id === task.nodeId);
  return {
    taskId: task.id,
    ...(task.slot !== undefined ? { slot: task.slot } : {}),
    ...(node ? { node: node.hostname } : {}),
    state: task.state,
    error: task.error || task.message || task.state,
    ...(task.exitCode !== undefined ? { exitCode: task.exitCode } : {}),
  };
}

function slotOf(
  task: TaskSummary | undefined,
  label: string,
  upToDate: ReadonlySet<string>,
  nodes: Map<string, NodeSummary>,
  extra: Partial<RolloutSlot> = {},
): RolloutSlot {
  if (!task) return { label, state: "pending", upToDate: false, ...extra };
  const node = nodes.get(task.nodeId);
  return {
    label,
    ...(task.slot !== undefined && task.slot > 0 ? { slot: task.slot } : {}),
    ...(task.nodeId ? { nodeId: task.nodeId } : {}),
    ...(node ? { node: node.hostname } : {}),
    taskId: task.id,
    state: task.state,
    desiredState: task.desiredState,
    ...(task.message ? { message: task.message } : {}),
    ...(task.error ? { error: task.error } : {}),
    ...(task.exitCode !== undefined ? { exitCode: task.exitCode } : {}),
    upToDate: upToDate.has(task.id),
    ...extra,
  };
}

export interface RolloutInput {
  service: ServiceSummary;
  /** every task of the service the swarm still remembers */
  tasks: readonly TaskSummary[];
  /** ids of the tasks that run the service's current spec (the engine's _up-to-date filter) */
  upToDate: ReadonlySet<string>;
  nodes: readonly NodeSummary[];
  /** The rollback under way (or done) was asked for: its start said so (the end no longer does). */
  rollbackAsked?: boolean;
}

export function rolloutProgress({ service, tasks, upToDate, nodes, rollbackAsked }: RolloutInput): RolloutProgress {
  const nodeById = new Map(nodes.map((n) => [n.id, n]));
  const usable = (nodeId: string) => {
    const node = nodeById.get(nodeId);
    return !node || node.state !== "down";
  };
  const current = tasks.filter((t) => upToDate.has(t.id) && usable(t.nodeId));
  const slots: RolloutSlot[] = [];
  let desired = 0;
  const job = service.mode === "replicated-job" || service.mode === "global-job";
  if (service.mode === "replicated" || service.mode === "replicated-job") {
    desired = service.replicas ?? 0;
    const bySlot = new Map<number, TaskSummary>();
    for (const t of current) {
      if (t.slot === undefined) continue;
      const seen = bySlot.get(t.slot);
      bySlot.set(t.slot, seen ? better(seen, t) : t);
    }
    if (service.mode === "replicated") {
      for (let slot = 1; slot <= desired; slot++)
        slots.push(slotOf(bySlot.get(slot), `${slot}/${desired}`, upToDate, nodeById, { slot }));
    } else {
      const sorted = [...bySlot.values()].sort((a, b) => (a.slot ?? 0) - (b.slot ?? 0));
      sorted.forEach((t, i) => slots.push(slotOf(t, `${i + 1}/${desired}`, upToDate, nodeById)));
    }
  } else if (service.mode === "global" || service.mode === "global-job") {
    const byNode = new Map<string, TaskSummary>();
    for (const t of current) {
      const seen = byNode.get(t.nodeId);
      byNode.set(t.nodeId, seen ? better(seen, t) : t);
    }
    const eligible = nodes.filter((n) => n.state !== "down" && n.availability === "active");
    for (const node of eligible) {
      const task = byNode.get(node.id);
      // A node the service may not run on (constraints) has no task and is no slot of it.
      if (task || !byNode.size)
        slots.push(slotOf(task, node.hostname, upToDate, nodeById, { nodeId: node.id, node: node.hostname }));
    }
    desired = slots.length;
  }
  const running = slots.filter((s) => s.state === "running" && s.upToDate).length;
  const completed = slots.filter((s) => s.state === "complete").length;

  const status = service.updateStatus;
  let phase: RolloutPhase;
  let failed = false;
  switch (status?.state) {
    case "updating":
      phase = "updating";
      break;
    case "paused":
      phase = "paused";
      failed = true;
      break;
    case "rollback_started":
      phase = "rolling-back";
      failed = !(rollbackAsked || isManualRollback(status.message));
      break;
    case "rollback_paused":
      phase = "rollback-paused";
      failed = true;
      break;
    case "rollback_completed":
      phase = running >= desired ? "rolled-back" : "rolling-back";
      failed = !(rollbackAsked || isManualRollback(status.message));
      break;
    default:
      phase = job
        ? completed >= desired && desired > 0
          ? "completed"
          : "converging"
        : running >= desired
          ? "converged"
          : "converging";
  }
  if (phase === "rolled-back" && !failed) phase = "converged";
  const done = ["converged", "completed", "paused", "rolled-back", "rollback-paused"].includes(phase);
  const failure = failed || phase === "paused" ? failingTask(status?.message, tasks, nodes) : undefined;
  const summary = job
    ? `job progress: ${completed} out of ${desired} complete`
    : phase === "rolled-back"
      ? `rolled back: ${running} out of ${desired} tasks run the previous spec`
      : `overall progress: ${running} out of ${desired} tasks`;
  return {
    serviceId: service.id,
    serviceName: service.name,
    mode: service.mode,
    phase,
    done,
    failed,
    ...(status ? { updateStatus: status } : {}),
    running,
    desired,
    slots,
    ...(failure ? { failure } : {}),
    summary,
  };
}

/** One sentence for the record and the page: what became of a rollout and why. */
export function describeOutcome(
  progress: Pick<RolloutProgress, "phase" | "failure" | "serviceName" | "updateStatus">,
): string {
  const f = progress.failure;
  const why = f
    ? ` Task ${f.taskId.slice(0, 12)}${f.slot !== undefined ? ` (slot ${f.slot})` : ""}${f.node ? ` on ${f.node}` : ""} ${f.state}: ${f.error}${f.exitCode !== undefined ? ` (exit code ${f.exitCode})` : ""}.`
    : "";
  switch (progress.phase) {
    case "paused":
      return `The update of ${progress.serviceName} paused.${why}`;
    case "rolled-back":
      return `The update of ${progress.serviceName} was rolled back.${why}`;
    case "rollback-paused":
      return `The rollback of ${progress.serviceName} paused.${why}`;
    case "rolling-back":
      return `The update of ${progress.serviceName} is being rolled back.${why}`;
    default:
      return `${progress.serviceName}: ${progress.phase}.`;
  }
}
