// The test bed's swarm as `scripts/testbed` declares it: a leader, three ready nodes with
// distinct hostnames, swarm-mgr the only manager. Integration files run one after another on one
// swarm, so a file that leaves it otherwise (the failover test promotes both workers and freezes
// the leader; raft can fail a join on a loaded machine and lose its majority for good) would fail
// every swarm file after it. Each file checks first and has the test bed heal it when needed.
import { spawnSync } from "node:child_process";
import path from "node:path";
import Docker from "dockerode";
import { need, type TestbedEnv } from "./testbed-env";
import { waitUntil } from "./wait-until";

const script = path.resolve(import.meta.dirname, "../../scripts/testbed");

interface RawNode {
  Description?: { Hostname?: string };
  Status?: { State?: string };
  ManagerStatus?: { Leader?: boolean; Reachability?: string };
}

/** What is not whole about the swarm, or undefined when it is. */
export async function swarmProblem(testbed: TestbedEnv): Promise<string | undefined> {
  let nodes: RawNode[];
  try {
    const manager = new Docker({
      socketPath: need(testbed, "TESTBED_SWARM_MANAGER_SOCKET"),
      version: "v1.41",
      timeout: 10_000,
    });
    nodes = (await manager.listNodes()) as RawNode[];
  } catch (error) {
    return `swarm-mgr does not list its nodes: ${(error as Error).message}`;
  }
  const hosts = nodes.map((n) => n.Description?.Hostname ?? "?");
  const managers = nodes.filter((n) => n.ManagerStatus).map((n) => n.Description?.Hostname);
  const notReady = nodes.filter((n) => n.Status?.State !== "ready").map((n) => n.Description?.Hostname);
  if (nodes.length !== 3 || new Set(hosts).size !== 3) return `nodes ${hosts.join(", ")}`;
  if (notReady.length) return `not ready: ${notReady.join(", ")}`;
  if (managers.length !== 1 || managers[0] !== "swarm-mgr") return `managers ${managers.join(", ")}`;
  return undefined;
}

/**
 * Makes the swarm whole again if it is not: waits a little for it to settle by itself (a node
 * resumed a moment ago is ready within seconds), then runs `scripts/testbed up`, which heals it.
 * Returns what was wrong, or undefined when nothing was.
 */
export async function ensureSwarmWhole(testbed: TestbedEnv, settleMs = 20_000): Promise<string | undefined> {
  let problem: string | undefined;
  const settled = await waitUntil(async () => !(problem = await swarmProblem(testbed)), {
    ms: settleMs,
    everyMs: 500,
  }).catch(() => false);
  if (settled || !problem) return undefined;
  console.warn(`the test bed's swarm is not whole (${problem}): healing it with scripts/testbed up`);
  const up = spawnSync("bash", [script, "up"], { stdio: "inherit", timeout: 600_000 });
  const after = await swarmProblem(testbed);
  if (up.status !== 0 || after) {
    throw new Error(`scripts/testbed up could not make the swarm whole again (${after ?? `exit ${up.status}`})`);
  }
  return problem;
}
