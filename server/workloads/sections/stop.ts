// How long a task has to stop before it is killed. Service only (a container's stop timeout
// is not in the spec yet).
import { goDurationFlag } from "../cli";
import { rec, secondsOf } from "../engine-read";
import { seconds } from "../fields";
import { defineSection, NS, type SpecSlice, type SpecSliceInput } from "../section";

export const stopShape = { stopGracePeriodSeconds: seconds.optional() };

type Slice = SpecSlice<typeof stopShape>;

/** The engine's grace period when none is given. */
const DEFAULT_GRACE_SECONDS = 10;

export const stopSection = defineSection<never, Slice, unknown, SpecSliceInput<typeof stopShape>>({
  name: "stop",
  serviceFields: { "TaskTemplate.ContainerSpec.StopGracePeriod": "stopGracePeriodSeconds" },

  toService(spec, draft) {
    if (spec.stopGracePeriodSeconds !== undefined) {
      draft.container.StopGracePeriod = Math.round(spec.stopGracePeriodSeconds * NS);
    }
  },
  fromService(payload) {
    const grace = secondsOf(rec(rec(payload.TaskTemplate).ContainerSpec).StopGracePeriod);
    return grace !== undefined ? { stopGracePeriodSeconds: grace } : {};
  },
  serviceWords(spec, words) {
    if (spec.stopGracePeriodSeconds !== undefined) {
      words.flag("--stop-grace-period", goDurationFlag(spec.stopGracePeriodSeconds * NS));
    }
  },
  serviceUpdateWords(before, after, words) {
    if (before.stopGracePeriodSeconds !== after.stopGracePeriodSeconds) {
      words.push("--stop-grace-period", goDurationFlag((after.stopGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS) * NS));
    }
  },
});
