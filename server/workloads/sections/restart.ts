// Restart policy. A container names it (no, always, unless-stopped, on-failure[:n]); a swarm
// task has a condition (none, on-failure, any) and the swarm restarts it somewhere: the same
// choice, spelt differently.
import { z } from "zod";
import { defineSection, type SpecSlice, type SpecSliceInput } from "../section";

export const restartPolicySpec = z
  .object({
    name: z.enum(["no", "always", "unless-stopped", "on-failure"]),
    /** on-failure only */
    maximumRetryCount: z.number().int().min(0).max(1000).optional(),
  })
  .strict();
export type RestartPolicySpec = z.infer<typeof restartPolicySpec>;
export type RestartName = RestartPolicySpec["name"];

export const restartShape = { restartPolicy: restartPolicySpec.default({ name: "no" }) };
/** Absent: the swarm's default (restart on any exit). */
export const serviceRestartShape = { restartPolicy: restartPolicySpec.optional() };
export const restartUpdateShape = { restartPolicy: restartPolicySpec.optional() };

type Container = SpecSlice<typeof restartShape>;
type Service = SpecSlice<typeof serviceRestartShape>;
type Update = SpecSlice<typeof restartUpdateShape>;

export function checkRetries(policy: RestartPolicySpec | undefined, ctx: z.RefinementCtx): void {
  if (policy?.maximumRetryCount && policy.name !== "on-failure") {
    ctx.addIssue({
      code: "custom",
      path: ["restartPolicy", "maximumRetryCount"],
      message: "Only on-failure retries a limited number of times.",
    });
  }
}

export function restartFlag(policy: { name: string; maximumRetryCount?: number }): string {
  return policy.name === "on-failure" && policy.maximumRetryCount
    ? `on-failure:${policy.maximumRetryCount}`
    : policy.name;
}

function enginePolicy(policy: RestartPolicySpec) {
  return {
    Name: policy.name,
    ...(policy.name === "on-failure" ? { MaximumRetryCount: policy.maximumRetryCount ?? 0 } : {}),
  };
}

const CONDITION: Record<RestartName, "none" | "on-failure" | "any"> = {
  no: "none",
  "on-failure": "on-failure",
  always: "any",
  "unless-stopped": "any",
};
const FROM_CONDITION: Record<string, RestartName> = { none: "no", "on-failure": "on-failure", any: "always" };

export const restartSection = defineSection<
  Container,
  Service,
  SpecSliceInput<typeof restartShape>,
  SpecSliceInput<typeof serviceRestartShape>,
  Update
>({
  name: "restart",
  modelled: { HostConfig: ["RestartPolicy"] },
  fields: { "HostConfig.RestartPolicy": "restartPolicy", RestartPolicy: "restartPolicy" },
  serviceFields: {
    "TaskTemplate.RestartPolicy.Condition": "restartPolicy",
    "TaskTemplate.RestartPolicy.MaxAttempts": "restartPolicy.maximumRetryCount",
  },

  check(spec, ctx) {
    checkRetries(spec.restartPolicy, ctx);
  },
  toContainer(spec, draft) {
    draft.host.RestartPolicy = enginePolicy(spec.restartPolicy);
  },
  fromContainer({ host }) {
    const restart = host.RestartPolicy;
    if (!restart?.Name || restart.Name === "no") return {};
    return {
      restartPolicy: {
        name: restart.Name as RestartName,
        ...(restart.Name === "on-failure" && restart.MaximumRetryCount
          ? { maximumRetryCount: restart.MaximumRetryCount }
          : {}),
      },
    };
  },
  notCarried({ host }) {
    return host.AutoRemove ? ["auto-remove"] : [];
  },
  runWords(spec, cli) {
    if (spec.restartPolicy.name !== "no") cli.flag("--restart", restartFlag(spec.restartPolicy));
  },
  toUpdate(update, body) {
    if (update.restartPolicy) body.RestartPolicy = enginePolicy(update.restartPolicy);
  },
  updateWords(update, _body, words) {
    if (update.restartPolicy) words.push("--restart", restartFlag(update.restartPolicy));
  },

  checkService(spec, ctx) {
    checkRetries(spec.restartPolicy, ctx);
  },
  toService(spec, draft) {
    const policy = spec.restartPolicy;
    if (!policy) return;
    draft.task.RestartPolicy = {
      Condition: CONDITION[policy.name],
      ...(policy.name === "on-failure" && policy.maximumRetryCount ? { MaxAttempts: policy.maximumRetryCount } : {}),
    };
  },
  fromService(payload, dropped) {
    const policy = payload.TaskTemplate?.RestartPolicy;
    if (!policy?.Condition) return {};
    const name = FROM_CONDITION[policy.Condition];
    if (!name) {
      dropped.push(`the restart condition ${policy.Condition}`);
      return {};
    }
    return {
      restartPolicy: {
        name,
        ...(name === "on-failure" && policy.MaxAttempts ? { maximumRetryCount: policy.MaxAttempts } : {}),
      },
    };
  },
  serviceWords(spec, cli) {
    const policy = spec.restartPolicy;
    if (!policy) return;
    cli.flag("--restart-condition", CONDITION[policy.name]);
    if (policy.name === "on-failure" && policy.maximumRetryCount) {
      cli.flag("--restart-max-attempts", String(policy.maximumRetryCount));
    }
  },
});
