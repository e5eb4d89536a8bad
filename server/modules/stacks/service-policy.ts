// The workload policy for a stack's services: every ServiceSpec a compose file turns into is
// judged before anything is created, by the one judge every door that runs a service calls
// (server/workloads' judgeServicePayload: the services door calls it too, through
// server/modules/swarm/judge.ts). Here it only names, for each refusal, the permission it needs.
import { judgeServicePayload, type Grants, type WorkloadFacts } from "../../workloads/judge";
import type { StackJudge } from "./deploy";

export type { Grants, WorkloadFacts };

/** The stack engine's judge hook for an actor's grants: each violation names the permission it needs. */
export function stackJudge(grants: Grants, facts: WorkloadFacts = {}): StackJudge {
  return (spec) =>
    judgeServicePayload(spec, grants, facts).violations.map((v) => ({
      field: v.field,
      message: `${v.message} (needs ${v.permission})`,
      permission: v.permission,
    }));
}
