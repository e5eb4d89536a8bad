// Raft's arithmetic for a swarm's managers: a change needs a majority (N/2+1) of them, so an
// even count tolerates no more failures than one manager fewer, and a swarm that lost its
// majority can change nothing until enough managers come back.
import type { NodeSummary } from "../../docker/index";

export interface Quorum {
  managers: number;
  /** managers the leader can reach (the leader included) */
  reachable: number;
  /** N/2+1 */
  majority: number;
  /** how many managers may fail with the swarm still working */
  faultTolerance: number;
  leader?: { nodeId: string; hostname: string };
  /** the swarm can elect a leader and accept changes */
  hasMajority: boolean;
  warnings: string[];
}

export function quorumOf(
  nodes: readonly Pick<NodeSummary, "id" | "hostname" | "role" | "reachability" | "leader">[],
): Quorum {
  const managers = nodes.filter((n) => n.role === "manager");
  const reachable = managers.filter((n) => n.leader || n.reachability === "reachable").length;
  const majority = Math.floor(managers.length / 2) + 1;
  const leader = managers.find((n) => n.leader);
  const hasMajority = reachable >= majority;
  const warnings: string[] = [];
  if (managers.length && !hasMajority) {
    warnings.push(
      `The swarm has lost its majority: ${reachable} of ${managers.length} managers are reachable and ${majority} are needed. It can change nothing until enough of them come back.`,
    );
  }
  if (managers.length > 1 && managers.length % 2 === 0) {
    warnings.push(
      `${managers.length} managers is an even number: it survives no more manager failures than ${managers.length - 1} would. Use an odd number.`,
    );
  }
  if (managers.length === 1 && nodes.length > 1) {
    warnings.push(
      "A single manager: if it fails, the swarm can no longer be changed. Three managers survive one failure.",
    );
  }
  return {
    managers: managers.length,
    reachable,
    majority,
    faultTolerance: Math.max(0, Math.floor((managers.length - 1) / 2)),
    ...(leader ? { leader: { nodeId: leader.id, hostname: leader.hostname } } : {}),
    hasMajority,
    warnings,
  };
}

/** The quorum once `nodeId` has become a manager (promote) or stopped being one (demote). */
export function quorumAfter(
  nodes: readonly Pick<NodeSummary, "id" | "hostname" | "role" | "reachability" | "leader" | "state">[],
  nodeId: string,
  role: "manager" | "worker",
): Quorum {
  return quorumOf(
    nodes.map((n) =>
      n.id !== nodeId
        ? n
        : role === "manager"
          ? { ...n, role: "manager", reachability: n.state === "ready" ? "reachable" : "unreachable" }
          : { ...n, role: "worker", leader: false, reachability: undefined },
    ),
  );
}
