// The workload policy for services: the seam through which every service spec that is about to
// be created or updated (a rollback's previous spec included) is judged. The policy itself is the
// one every door that runs a service calls, server/workloads' judgeServicePayload (stacks deploy
// through it too: server/modules/stacks/service-policy.ts), so a payload refused at one door is
// refused at every other (server/modules/stacks/one-policy.test.ts).
import { canonicalEngineKeys } from "../../workloads/engine-fields";
import { judgeServicePayload, type Grants, type Violation, type WorkloadFacts } from "../../workloads/judge";

export type { Grants, Violation, WorkloadFacts };

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** THE check for services: the violations of `body` that `grants` do not cover (empty: allowed). */
export function judgeServiceSpec(body: Json, grants: Grants, facts: WorkloadFacts = {}): Violation[] {
  return judgeServicePayload(body, grants, facts).violations;
}

/** `body` as the engine reads its keys (`taskTemplate` is TaskTemplate), as the policy judges it. */
const canonical = (body: Json): Json => canonicalEngineKeys(body) as Json;

/** The named volumes a ServiceSpec mounts, for the caller to look up as facts. */
export function volumesOf(raw: Json): string[] {
  const body = canonical(raw);
  const mounts = (((body.TaskTemplate as Json | undefined)?.ContainerSpec as Json | undefined)?.Mounts ??
    []) as unknown[];
  const names = new Set<string>();
  for (const m of Array.isArray(mounts) ? mounts : []) {
    if (
      isRecord(m) &&
      m.Type === "volume" &&
      typeof m.Source === "string" &&
      /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,254}$/.test(m.Source)
    ) {
      names.add(m.Source);
    }
  }
  return [...names];
}

/** The networks a ServiceSpec attaches to, as written (a name, an id or an id prefix). */
export function networkTargetsOf(raw: Json): string[] {
  const body = canonical(raw);
  const task = isRecord(body.TaskTemplate) ? body.TaskTemplate : {};
  const targets = new Set<string>();
  for (const list of [task.Networks, body.Networks]) {
    for (const entry of Array.isArray(list) ? (list as unknown[]) : []) {
      if (isRecord(entry) && typeof entry.Target === "string") targets.add(entry.Target);
    }
  }
  return [...targets];
}
