// The Update dialog's values (the same restart and limit fields as the create form) as a
// `docker container update`: only what was changed, checked with the server's own schema
// (updateSpec), each problem on the field it belongs to.
import { updateSpec, type UpdateSpec } from "@/server/workloads/container-spec";
import { MB, megabytes, numberOf, type LimitValues } from "@/components/workload-form/limits";
import type { Converted } from "@/components/workload-form/resolver";

/** What the dialog starts from: the container's restart policy and limits as it has them. */
export function limitValuesOf(current: {
  restartPolicy: { name: string; maximumRetryCount?: number | null };
  resources: { memory?: number | null; nanoCpus?: number | null; pidsLimit?: number | null };
}): LimitValues {
  const name = current.restartPolicy.name;
  return {
    restartPolicy: {
      name: name === "always" || name === "unless-stopped" || name === "on-failure" ? name : "no",
      maximumRetryCount: current.restartPolicy.maximumRetryCount ? String(current.restartPolicy.maximumRetryCount) : "",
    },
    resources: {
      memoryMb: megabytes(current.resources.memory ?? undefined),
      cpus: current.resources.nanoCpus ? String(current.resources.nanoCpus / 1e9) : "",
      pidsLimit:
        current.resources.pidsLimit && current.resources.pidsLimit > 0 ? String(current.resources.pidsLimit) : "",
    },
  };
}

/** Where an update spec's field is in the dialog. */
const FIELD: Record<string, string> = {
  memoryBytes: "resources.memoryMb",
  memorySwapBytes: "resources.memoryMb",
  cpus: "resources.cpus",
  pidsLimit: "resources.pidsLimit",
  "restartPolicy.name": "restartPolicy.name",
  "restartPolicy.maximumRetryCount": "restartPolicy.maximumRetryCount",
  restartPolicy: "restartPolicy.name",
  "": "root",
};

export function toUpdate(values: LimitValues, current: LimitValues): Converted<UpdateSpec> {
  const issues: { path: string; message: string }[] = [];
  const changes: Record<string, unknown> = {};
  const { restartPolicy: policy, resources } = values;
  if (
    policy.name !== current.restartPolicy.name ||
    policy.maximumRetryCount !== current.restartPolicy.maximumRetryCount
  ) {
    const retries =
      policy.name === "on-failure"
        ? numberOf(policy.maximumRetryCount, "restartPolicy.maximumRetryCount", issues)
        : undefined;
    changes.restartPolicy = { name: policy.name, ...(retries !== undefined ? { maximumRetryCount: retries } : {}) };
  }
  if (resources.memoryMb !== current.resources.memoryMb) {
    const memory = numberOf(resources.memoryMb, "resources.memoryMb", issues, false);
    if (!resources.memoryMb.trim()) {
      issues.push({
        path: "resources.memoryMb",
        message: "Docker cannot take a memory limit away once set; give a value.",
      });
    } else if (memory !== undefined) changes.memoryBytes = Math.round(memory * MB);
  }
  if (resources.cpus !== current.resources.cpus) {
    const cpus = numberOf(resources.cpus, "resources.cpus", issues, false);
    if (!resources.cpus.trim()) {
      issues.push({ path: "resources.cpus", message: "Give a number of CPUs (the engine keeps a limit once set)." });
    } else if (cpus !== undefined) changes.cpus = cpus;
  }
  if (resources.pidsLimit !== current.resources.pidsLimit) {
    changes.pidsLimit = numberOf(resources.pidsLimit, "resources.pidsLimit", issues) ?? 0;
  }
  if (issues.length) return { issues };
  const parsed = updateSpec.safeParse(changes);
  if (parsed.success) return { spec: parsed.data, issues };
  return {
    issues: parsed.error.issues.map((i) => ({
      path: FIELD[i.path.map(String).join(".")] ?? "root",
      message: i.message,
    })),
  };
}
