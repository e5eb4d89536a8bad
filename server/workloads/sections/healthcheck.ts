// Healthcheck: a command the engine runs to tell healthy from not. Containers and services
// both call the field Healthcheck (the Engine API's reference spells the service's
// HealthCheck, and the engine takes that too, but `docker service inspect` answers with
// Healthcheck, so both spellings are read back and replaced by an update); the shape inside
// is the same (durations in nanoseconds).
import { z } from "zod";
import { durationFlag, goDurationFlag, sameSpec, shellQuote, type CliWords } from "../cli";
import { defined, num, rec, secondsOf, strings } from "../engine-read";
import { seconds } from "../fields";
import { defineSection, NS, type SpecSlice, type SpecSliceInput } from "../section";

export const healthcheckSpec = z
  .object({
    /** ["CMD", "curl", "-f", "http://localhost"], ["CMD-SHELL", "curl -f localhost || exit 1"] or ["NONE"] */
    test: z
      .array(z.string().max(16_384))
      .min(1)
      .max(256)
      .refine((t) => ["CMD", "CMD-SHELL", "NONE"].includes(t[0] ?? ""), {
        message: 'Start with "CMD", "CMD-SHELL" or "NONE".',
      })
      .refine((t) => t[0] === "NONE" || t.length > 1, { message: "Give the command to run." }),
    intervalSeconds: seconds.optional(),
    timeoutSeconds: seconds.optional(),
    retries: z.number().int().min(0).max(1000).optional(),
    startPeriodSeconds: seconds.optional(),
  })
  .strict();
export type HealthcheckSpec = z.infer<typeof healthcheckSpec>;

export const healthcheckShape = { healthcheck: healthcheckSpec.optional() };

type Slice = SpecSlice<typeof healthcheckShape>;
type SliceInput = SpecSliceInput<typeof healthcheckShape>;
type EngineHealthcheck = {
  Test?: string[];
  Interval?: number;
  Timeout?: number;
  Retries?: number;
  StartPeriod?: number;
};

function toEngine(h: HealthcheckSpec): EngineHealthcheck {
  return {
    Test: h.test,
    ...(h.intervalSeconds !== undefined ? { Interval: Math.round(h.intervalSeconds * NS) } : {}),
    ...(h.timeoutSeconds !== undefined ? { Timeout: Math.round(h.timeoutSeconds * NS) } : {}),
    ...(h.retries !== undefined ? { Retries: h.retries } : {}),
    ...(h.startPeriodSeconds !== undefined ? { StartPeriod: Math.round(h.startPeriodSeconds * NS) } : {}),
  };
}

function fromEngine(health: EngineHealthcheck | undefined): SliceInput {
  if (!health?.Test?.length) return {};
  return {
    healthcheck: {
      test: health.Test,
      ...(health.Interval ? { intervalSeconds: health.Interval / NS } : {}),
      ...(health.Timeout ? { timeoutSeconds: health.Timeout / NS } : {}),
      ...(health.Retries ? { retries: health.Retries } : {}),
      ...(health.StartPeriod ? { startPeriodSeconds: health.StartPeriod / NS } : {}),
    },
  };
}

/** The same flags for docker run and docker service create (which write durations their own way). */
function words(h: HealthcheckSpec | undefined, cli: Pick<CliWords, "flag">, duration: (seconds: number) => string) {
  if (!h) return;
  if (h.test[0] === "NONE") return cli.flag("--no-healthcheck");
  // --health-cmd is always a shell command (CMD-SHELL).
  const command = h.test[0] === "CMD-SHELL" ? (h.test[1] ?? "") : h.test.slice(1).map(shellQuote).join(" ");
  cli.flag("--health-cmd", command);
  if (h.intervalSeconds !== undefined) cli.flag("--health-interval", duration(h.intervalSeconds));
  if (h.timeoutSeconds !== undefined) cli.flag("--health-timeout", duration(h.timeoutSeconds));
  if (h.retries !== undefined) cli.flag("--health-retries", String(h.retries));
  if (h.startPeriodSeconds !== undefined) cli.flag("--health-start-period", duration(h.startPeriodSeconds));
}

const serviceDuration = (seconds: number) => goDurationFlag(seconds * NS);

export const healthcheckSection = defineSection<Slice, Slice, SliceInput, SliceInput>({
  name: "healthcheck",
  modelled: { Config: ["Healthcheck"] },
  fields: { Healthcheck: "healthcheck" },
  serviceFields: { "TaskTemplate.ContainerSpec.Healthcheck": "healthcheck" },
  serviceModelled: ["TaskTemplate.ContainerSpec.HealthCheck"],

  toContainer(spec, draft) {
    if (spec.healthcheck) draft.body.Healthcheck = toEngine(spec.healthcheck);
  },
  fromContainer({ config, image }) {
    // What the image says is left to the image.
    return sameSpec(config.Healthcheck, image?.Healthcheck) ? {} : fromEngine(config.Healthcheck);
  },
  runWords(spec, cli) {
    words(spec.healthcheck, cli, durationFlag);
  },

  toService(spec, draft) {
    if (spec.healthcheck) draft.container.Healthcheck = toEngine(spec.healthcheck);
  },
  fromService(payload) {
    const c = rec(rec(payload.TaskTemplate).ContainerSpec);
    const health = rec(c.Healthcheck ?? c.HealthCheck);
    if (!strings(health.Test).length) return {};
    return {
      healthcheck: defined({
        test: strings(health.Test),
        intervalSeconds: secondsOf(health.Interval),
        timeoutSeconds: secondsOf(health.Timeout),
        retries: num(health.Retries),
        startPeriodSeconds: secondsOf(health.StartPeriod),
      }),
    };
  },
  serviceWords(spec, cli) {
    words(spec.healthcheck, cli, serviceDuration);
  },
  serviceUpdateWords(before, after, list) {
    if (sameSpec(before.healthcheck, after.healthcheck)) return;
    if (!after.healthcheck) list.push("--no-healthcheck");
    else
      words(
        after.healthcheck,
        { flag: (name, value) => list.push(name, ...(value === undefined ? [] : [value])) },
        serviceDuration,
      );
  },
});
