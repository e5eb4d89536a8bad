// How a service rolls out a change (UpdateConfig) and rolls it back (RollbackConfig): how
// many tasks at once, the pause between them, what a failure does, and the order. Service only.
import { z } from "zod";
import { goDurationFlag, sameSpec } from "../cli";
import { defined, isRecord, num, secondsOf, str, type Json } from "../engine-read";
import { seconds } from "../fields";
import { defineSection, NS, type SpecSlice, type SpecSliceInput } from "../section";

const rolloutSpec = z
  .object({
    parallelism: z.number().int().min(0).max(10_000).optional(),
    delaySeconds: seconds.optional(),
    failureAction: z.enum(["pause", "continue", "rollback"]).optional(),
    monitorSeconds: seconds.optional(),
    maxFailureRatio: z.number().min(0).max(1).optional(),
    order: z.enum(["stop-first", "start-first"]).optional(),
  })
  .strict();
type Rollout = z.output<typeof rolloutSpec>;

export const rolloutShape = { updateConfig: rolloutSpec.optional(), rollbackConfig: rolloutSpec.optional() };

type Slice = SpecSlice<typeof rolloutShape>;

/** [spec key, ServiceSpec key, flag prefix] */
const ROLLOUTS = [
  ["updateConfig", "UpdateConfig", "update"],
  ["rollbackConfig", "RollbackConfig", "rollback"],
] as const;

function toEngine(r: Rollout): Json {
  return defined({
    Parallelism: r.parallelism,
    Delay: r.delaySeconds !== undefined ? Math.round(r.delaySeconds * NS) : undefined,
    FailureAction: r.failureAction || undefined,
    Monitor: r.monitorSeconds !== undefined ? Math.round(r.monitorSeconds * NS) : undefined,
    MaxFailureRatio: r.maxFailureRatio,
    Order: r.order || undefined,
  });
}

function fromEngine(v: unknown): z.input<typeof rolloutSpec> | undefined {
  if (!isRecord(v) || !Object.keys(v).length) return undefined;
  return defined({
    parallelism: num(v.Parallelism),
    delaySeconds: secondsOf(v.Delay),
    failureAction: str(v.FailureAction) as Rollout["failureAction"],
    monitorSeconds: secondsOf(v.Monitor),
    maxFailureRatio: num(v.MaxFailureRatio),
    order: str(v.Order) as Rollout["order"],
  });
}

function words(prefix: string, r: Rollout | undefined): string[] {
  if (!r) return [];
  const duration = (s: number) => goDurationFlag(s * NS);
  return [
    ...(r.parallelism !== undefined ? [`--${prefix}-parallelism`, String(r.parallelism)] : []),
    ...(r.delaySeconds !== undefined ? [`--${prefix}-delay`, duration(r.delaySeconds)] : []),
    ...(r.failureAction ? [`--${prefix}-failure-action`, r.failureAction] : []),
    ...(r.monitorSeconds !== undefined ? [`--${prefix}-monitor`, duration(r.monitorSeconds)] : []),
    ...(r.maxFailureRatio !== undefined ? [`--${prefix}-max-failure-ratio`, String(r.maxFailureRatio)] : []),
    ...(r.order ? [`--${prefix}-order`, r.order] : []),
  ];
}

export const rolloutSection = defineSection<never, Slice, unknown, SpecSliceInput<typeof rolloutShape>>({
  name: "rollout",
  serviceFields: { UpdateConfig: "updateConfig", RollbackConfig: "rollbackConfig" },
  serviceModelled: ["UpdateConfig", "RollbackConfig"],

  toService(spec, draft) {
    for (const [key, engineKey] of ROLLOUTS) {
      const r = spec[key];
      if (r) draft.spec[engineKey] = toEngine(r);
    }
  },
  fromService(payload) {
    return defined({
      updateConfig: fromEngine(payload.UpdateConfig),
      rollbackConfig: fromEngine(payload.RollbackConfig),
    });
  },
  serviceWords(spec, out) {
    for (const [key, , prefix] of ROLLOUTS) out.flags.push(...words(prefix, spec[key]));
  },
  serviceUpdateWords(before, after, out) {
    for (const [key, , prefix] of ROLLOUTS)
      if (!sameSpec(before[key], after[key])) out.push(...words(prefix, after[key]));
  },
});
