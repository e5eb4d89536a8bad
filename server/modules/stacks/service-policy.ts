// The workload policy for a stack's services: every ServiceSpec a compose file turns into is
// judged before anything is created, by the one judge every door that runs a service calls
// (server/workloads' judgeServicePayload: the services door calls it too, through
// server/modules/swarm/judge.ts). Here it only names, for each refusal, the permission it needs.
import { judgeServicePayload, type Grants, type WorkloadFacts } from "../../workloads/judge";
import { PRIVILEGED } from "../../containers/policy";
import type { NetworkCreate } from "./convert";
import type { StackJudge } from "./deploy";

export type { Grants, WorkloadFacts };

/** The stack engine's judge hook for an actor's grants: each violation names the permission it needs. */
export function stackJudge(grants: Grants, facts: WorkloadFacts = {}): StackJudge {
  const judge = (spec: Parameters<StackJudge>[0]) =>
    judgeServicePayload(spec, grants, facts).violations.map((v) => ({
      field: v.field,
      message: `${v.message} (needs ${v.permission})`,
      permission: v.permission,
    }));
  return Object.assign(judge, { network: (network: NetworkCreate) => judgeStackNetwork(network, grants) });
}

/** Drivers a network may have without host access: the swarm's overlay, and a plain bridge. */
const PLAIN_DRIVERS = new Set(["overlay", "bridge"]);

/**
 * A network the stack makes, judged as networks.create judges one: macvlan and ipvlan put
 * containers on the host's own link (driver_opts.parent names it), and another driver or IPAM
 * driver (a plugin) is code on the host; either needs the privileged permission.
 */
export function judgeStackNetwork(
  network: NetworkCreate,
  grants: Grants,
): { field: string; message: string; permission: string }[] {
  if (grants.privileged) return [];
  const driver = typeof network.body.Driver === "string" && network.body.Driver ? network.body.Driver : "overlay";
  const ipam = network.body.IPAM as { Driver?: unknown } | undefined;
  const ipamDriver = typeof ipam?.Driver === "string" ? ipam.Driver : "";
  const found: { field: string; message: string; permission: string }[] = [];
  if (!PLAIN_DRIVERS.has(driver))
    found.push({
      field: "Driver",
      message: `a ${driver} network reaches the host's own network or runs a plugin on it (needs ${PRIVILEGED})`,
      permission: PRIVILEGED,
    });
  if (ipamDriver && ipamDriver !== "default")
    found.push({
      field: "IPAM.Driver",
      message: `the ${ipamDriver} IPAM driver is a plugin on the host (needs ${PRIVILEGED})`,
      permission: PRIVILEGED,
    });
  return found;
}
