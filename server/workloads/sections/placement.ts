// Where a service's tasks may run: constraints on the nodes, spread over a label's values,
// and at most so many on one node. Service only.
import { z } from "zod";
import { listChangeWords } from "../cli";
import { defined, list, num, rec, str, strings } from "../engine-read";
import { defineSection, type SpecSlice, type SpecSliceInput } from "../section";

export const placementShape = {
  placement: z
    .object({
      /** node.role==manager, node.labels.zone==a, node.hostname!=db1 */
      constraints: z
        .array(
          z
            .string()
            .trim()
            .min(3)
            .max(512)
            .regex(/^[^=!]+(==|!=)[^=!]+$/, "A constraint like node.labels.zone==a."),
        )
        .max(64)
        .default([]),
      /** spread over the values of: node.labels.zone */
      preferences: z.array(z.string().trim().min(1).max(512)).max(16).default([]),
      /** tasks of this service on one node at most (0: no limit) */
      maxReplicas: z.number().int().min(0).max(10_000).optional(),
    })
    .strict()
    .optional(),
};

type Slice = SpecSlice<typeof placementShape>;
const same = (c: string) => c;
const spread = (c: string) => `spread=${c}`;

export const placementSection = defineSection<never, Slice, unknown, SpecSliceInput<typeof placementShape>>({
  name: "placement",
  serviceFields: { "TaskTemplate.Placement": "placement" },
  serviceModelled: ["TaskTemplate.Placement"],

  toService(spec, draft) {
    const p = spec.placement;
    if (!p) return;
    draft.task.Placement = {
      ...(p.constraints.length ? { Constraints: p.constraints } : {}),
      ...(p.preferences.length ? { Preferences: p.preferences.map((d) => ({ Spread: { SpreadDescriptor: d } })) } : {}),
      ...(p.maxReplicas ? { MaxReplicas: p.maxReplicas } : {}),
    };
  },
  fromService(payload, read) {
    const placement = rec(rec(payload.TaskTemplate).Placement);
    if (list(placement.Platforms).length) read.kept.push("platforms");
    if (!strings(placement.Constraints).length && !list(placement.Preferences).length && !num(placement.MaxReplicas)) {
      return {};
    }
    return {
      placement: defined({
        constraints: strings(placement.Constraints),
        preferences: list(placement.Preferences)
          .map((p) => str(rec(rec(p).Spread).SpreadDescriptor))
          .filter((d): d is string => Boolean(d)),
        maxReplicas: num(placement.MaxReplicas) || undefined,
      }),
    };
  },
  serviceWords(spec, words) {
    for (const c of spec.placement?.constraints ?? []) words.flag("--constraint", c);
    for (const p of spec.placement?.preferences ?? []) words.flag("--placement-pref", spread(p));
    if (spec.placement?.maxReplicas) words.flag("--replicas-max-per-node", String(spec.placement.maxReplicas));
  },
  serviceUpdateWords(before, after, words) {
    words.push(
      ...listChangeWords(before.placement?.constraints ?? [], after.placement?.constraints ?? [], "constraint", {
        key: same,
        rm: same,
        add: same,
      }),
      ...listChangeWords(before.placement?.preferences ?? [], after.placement?.preferences ?? [], "placement-pref", {
        key: same,
        rm: spread,
        add: spread,
      }),
    );
    if ((before.placement?.maxReplicas ?? 0) !== (after.placement?.maxReplicas ?? 0)) {
      words.push("--replicas-max-per-node", String(after.placement?.maxReplicas ?? 0));
    }
  },
});
