// A cluster at a glance: its managers and quorum (with the warnings raft's arithmetic gives),
// nodes by state and availability, services converged or not, and the tasks that failed
// recently with their error, from the same lists the pages show.
import { dockerLine } from "./cli";
import { environmentOfNode } from "./cluster";
import { nodeRows, type NodeRow } from "./nodes";
import { quorumOf, type Quorum } from "./quorum";
import { serviceRows, taskRows, type ServiceRow, type TaskRow } from "./services";
import type { ClusterView } from "./view";

/** A failed task counts as recent this long. */
export const RECENT_FAILURE_MS = 60 * 60_000;

export interface ClusterOverview {
  id: string;
  /** the manager environments' names, for people */
  label: string;
  source: ClusterView["source"];
  environments: Array<{ id: string; name: string; role: "manager" | "worker"; state: string; nodeId?: string }>;
  managers: Array<
    Pick<
      NodeRow,
      "id" | "hostname" | "leader" | "reachability" | "state" | "availability" | "managerAddr" | "environment"
    >
  >;
  quorum: Quorum;
  nodes: { total: number; ready: number; down: number; other: number; active: number; pause: number; drain: number };
  services: {
    total: number;
    converged: number;
    notConverged: Array<Pick<ServiceRow, "id" | "name" | "running" | "desired" | "updateState" | "mode">>;
  } | null;
  recentFailures: Array<
    Pick<
      TaskRow,
      "id" | "name" | "serviceId" | "serviceName" | "nodeHostname" | "state" | "error" | "exitCode" | "since" | "slot"
    >
  >;
  warnings: string[];
  cli: string;
}

/**
 * A task that failed, as opposed to one stopped on purpose: a task an update or a scale-down
 * replaced ends "shutdown", often with exit code 143 (SIGTERM), and is no failure.
 */
export function isFailure(task: Pick<TaskRow, "state" | "exitCode">): boolean {
  if (task.state === "failed" || task.state === "rejected") return true;
  return task.state !== "shutdown" && (task.exitCode ?? 0) !== 0;
}

export function clusterOverview(view: ClusterView, withServices: boolean, now = Date.now()): ClusterOverview {
  const nodes = nodeRows(view);
  const quorum = quorumOf(nodes);
  const warnings = [...quorum.warnings];
  for (const m of view.cluster.managers) {
    if (m.state === "down")
      warnings.push(`The manager environment ${m.name} does not answer: another manager serves the swarm.`);
  }
  for (const n of nodes.filter((n) => n.state === "down")) {
    warnings.push(`Node ${n.hostname} is down${n.statusMessage ? ` (${n.statusMessage})` : ""}.`);
  }
  const services = withServices ? serviceRows(view) : [];
  const recentFailures = withServices
    ? taskRows(view)
        .filter((t) => isFailure(t) && now - Date.parse(t.since ?? t.updatedAt) < RECENT_FAILURE_MS)
        .sort((a, b) => ((b.since ?? b.updatedAt) > (a.since ?? a.updatedAt) ? 1 : -1))
        .slice(0, 20)
        .map((t) => ({
          id: t.id,
          name: t.name,
          serviceId: t.serviceId,
          serviceName: t.serviceName,
          ...(t.nodeHostname ? { nodeHostname: t.nodeHostname } : {}),
          state: t.state,
          ...(t.error ? { error: t.error } : {}),
          ...(t.exitCode !== undefined ? { exitCode: t.exitCode } : {}),
          ...(t.since ? { since: t.since } : {}),
          ...(t.slot !== undefined ? { slot: t.slot } : {}),
        }))
    : [];
  const environments = [...view.cluster.managers, ...view.cluster.workers].map((m) => ({
    id: m.environmentId,
    name: m.name,
    role: m.role,
    state: m.state,
    ...(m.nodeId ? { nodeId: m.nodeId } : {}),
  }));
  return {
    id: view.cluster.id,
    label: view.cluster.managers.map((m) => m.name).join(", "),
    source: view.source,
    environments,
    managers: nodes
      .filter((n) => n.role === "manager")
      .map((n) => ({
        id: n.id,
        hostname: n.hostname,
        leader: n.leader,
        ...(n.reachability ? { reachability: n.reachability } : {}),
        state: n.state,
        availability: n.availability,
        ...(n.managerAddr ? { managerAddr: n.managerAddr } : {}),
        ...(environmentOfNode(view.cluster, n.id) ? { environment: n.environment } : {}),
      })),
    quorum,
    nodes: {
      total: nodes.length,
      ready: nodes.filter((n) => n.state === "ready").length,
      down: nodes.filter((n) => n.state === "down").length,
      other: nodes.filter((n) => n.state !== "ready" && n.state !== "down").length,
      active: nodes.filter((n) => n.availability === "active").length,
      pause: nodes.filter((n) => n.availability === "pause").length,
      drain: nodes.filter((n) => n.availability === "drain").length,
    },
    services: withServices
      ? {
          total: services.length,
          converged: services.filter((s) => s.converged).length,
          notConverged: services
            .filter((s) => !s.converged)
            .map((s) => ({
              id: s.id,
              name: s.name,
              running: s.running,
              desired: s.desired,
              mode: s.mode,
              ...(s.updateState ? { updateState: s.updateState } : {}),
            })),
        }
      : null,
    recentFailures,
    warnings,
    cli: dockerLine(view.source.name, ["node", "ls"]),
  };
}
