// Restart policy. A container names it (no, always, unless-stopped, on-failure[:n]); a swarm
// task has a condition (none, on-failure, any), a delay, attempts within a window, and the
// swarm restarts it somewhere.
import { z } from "zod";
import { goDurationFlag, sameSpec } from "../cli";
import { defined, num, rec, secondsOf, str } from "../engine-read";
import { seconds } from "../fields";
import { defineSection, NS, type SpecSlice, type SpecSliceInput } from "../section";

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
export const serviceRestartShape = {
  restartPolicy: z
    .object({
      condition: z.enum(["none", "on-failure", "any"]).default("any"),
      delaySeconds: seconds.optional(),
      maxAttempts: z.number().int().min(0).max(10_000).optional(),
      windowSeconds: seconds.optional(),
    })
    .strict()
    .optional(),
};
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
    "TaskTemplate.RestartPolicy.Condition": "restartPolicy.condition",
    "TaskTemplate.RestartPolicy.MaxAttempts": "restartPolicy.maxAttempts",
  },
  serviceModelled: ["TaskTemplate.RestartPolicy"],

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

  toService(spec, draft) {
    const r = spec.restartPolicy;
    if (!r) return;
    draft.task.RestartPolicy = {
      Condition: r.condition,
      ...(r.delaySeconds !== undefined ? { Delay: Math.round(r.delaySeconds * NS) } : {}),
      ...(r.maxAttempts !== undefined ? { MaxAttempts: r.maxAttempts } : {}),
      ...(r.windowSeconds !== undefined ? { Window: Math.round(r.windowSeconds * NS) } : {}),
    };
  },
  fromService(payload) {
    const restart = rec(rec(payload.TaskTemplate).RestartPolicy);
    if (!Object.keys(restart).length) return {};
    return {
      restartPolicy: defined({
        condition: (str(restart.Condition) ?? "any") as "none" | "on-failure" | "any",
        delaySeconds: secondsOf(restart.Delay),
        maxAttempts: num(restart.MaxAttempts),
        windowSeconds: secondsOf(restart.Window),
      }),
    };
  },
  serviceWords(spec, words) {
    words.flags.push(...restartWords(spec.restartPolicy));
  },
  serviceUpdateWords(before, after, words) {
    if (!sameSpec(before.restartPolicy, after.restartPolicy)) words.push(...restartWords(after.restartPolicy));
  },
});

function restartWords(r: Service["restartPolicy"]): string[] {
  if (!r) return [];
  return [
    "--restart-condition",
    r.condition,
    ...(r.delaySeconds !== undefined ? ["--restart-delay", goDurationFlag(r.delaySeconds * NS)] : []),
    ...(r.maxAttempts !== undefined ? ["--restart-max-attempts", String(r.maxAttempts)] : []),
    ...(r.windowSeconds !== undefined ? ["--restart-window", goDurationFlag(r.windowSeconds * NS)] : []),
  ];
}
