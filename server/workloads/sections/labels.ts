// Labels: bounded in count and size, since they travel with every list and inspect of the
// workload. A service has its own labels and its containers' (`--label`, `--container-label`).
import { z } from "zod";
import { formatSize, SPEC_LIMITS, utf8Bytes } from "../fields";
import { mapChangeWords } from "../cli";
import { rec } from "../engine-read";
import { defineSection, type SpecSlice, type SpecSliceInput } from "../section";

const labelKey = z
  .string()
  .trim()
  .min(1, "A label needs a key.")
  .max(SPEC_LIMITS.labelKeyChars, `A label key has at most ${SPEC_LIMITS.labelKeyChars} characters.`);
const labelValue = z
  .string()
  .max(SPEC_LIMITS.labelValueChars, `A label value has at most ${SPEC_LIMITS.labelValueChars} characters.`);

export const labelMap = z.record(labelKey, labelValue).superRefine((labels, ctx) => {
  const entries = Object.entries(labels);
  if (entries.length > SPEC_LIMITS.labels) {
    ctx.addIssue({ code: "custom", message: `${entries.length} labels; at most ${SPEC_LIMITS.labels}.` });
  }
  const bytes = entries.reduce((sum, [k, v]) => sum + utf8Bytes(k) + utf8Bytes(v), 0);
  if (bytes > SPEC_LIMITS.labelBytes) {
    ctx.addIssue({
      code: "custom",
      message: `The labels come to ${formatSize(bytes)}; at most ${formatSize(SPEC_LIMITS.labelBytes)} together.`,
    });
  }
});

export const labelsShape = { labels: labelMap.default({}) };
export const serviceLabelsShape = {
  /** the service's own labels (docker service create --label) */
  labels: labelMap.default({}),
  /** its containers' labels (--container-label) */
  containerLabels: labelMap.default({}),
};

type Container = SpecSlice<typeof labelsShape>;
type Service = SpecSlice<typeof serviceLabelsShape>;

const ORCHESTRATOR_LABEL = /^com\.docker\.(compose|stack|swarm)\./;

export const labelsSection = defineSection<
  Container,
  Service,
  SpecSliceInput<typeof labelsShape>,
  SpecSliceInput<typeof serviceLabelsShape>
>({
  name: "labels",
  modelled: { Config: ["Labels"] },
  fields: { Labels: "labels" },
  serviceFields: { Labels: "labels", "TaskTemplate.ContainerSpec.Labels": "containerLabels" },

  toContainer(spec, draft) {
    if (Object.keys(spec.labels).length) draft.body.Labels = spec.labels;
  },
  fromContainer({ config, image }, notes) {
    const labels: Record<string, string> = {};
    const orchestrator: string[] = [];
    for (const [key, value] of Object.entries(config.Labels ?? {})) {
      if (image?.Labels?.[key] === value) continue;
      if (ORCHESTRATOR_LABEL.test(key)) orchestrator.push(key);
      else labels[key] = value;
    }
    if (orchestrator.length) {
      notes.dropped.push(`labels of the compose project, stack or service (${orchestrator.join(", ")})`);
    }
    return Object.keys(labels).length ? { labels } : {};
  },
  runWords(spec, cli) {
    for (const [k, v] of Object.entries(spec.labels)) cli.flag("-l", `${k}=${v}`);
  },

  toService(spec, draft) {
    if (Object.keys(spec.labels).length) draft.spec.Labels = spec.labels;
    if (Object.keys(spec.containerLabels).length) draft.container.Labels = spec.containerLabels;
  },
  // A service's labels come back as they are, the stack's included: an update writes them
  // back, and a service that lost com.docker.stack.namespace would leave its stack.
  fromService(payload) {
    return {
      labels: { ...(rec(payload.Labels) as Record<string, string>) },
      containerLabels: { ...(rec(rec(rec(payload.TaskTemplate).ContainerSpec).Labels) as Record<string, string>) },
    };
  },
  serviceWords(spec, words) {
    for (const [k, v] of Object.entries(spec.labels)) words.flag("--label", `${k}=${v}`);
    for (const [k, v] of Object.entries(spec.containerLabels)) words.flag("--container-label", `${k}=${v}`);
  },
  serviceUpdateWords(before, after, words) {
    words.push(
      ...mapChangeWords(before.labels, after.labels, "label"),
      ...mapChangeWords(before.containerLabels, after.containerLabels, "container-label"),
    );
  },
});
