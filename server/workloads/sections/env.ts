// Environment variables. A duplicated container's secret-looking values can stay on the
// server ("keep the source container's value"): the browser gets the name, never the value,
// and the create reads it from `source` at that moment.
import { z } from "zod";
import { CONTAINER_NAME, formatSize, SPEC_LIMITS, utf8Bytes } from "../fields";
import { listChangeWords } from "../cli";
import { rec, strings } from "../engine-read";
import { defineSection, type SpecSlice, type SpecSliceInput } from "../section";

const envName = z
  .string()
  .trim()
  .min(1, "A variable needs a name.")
  .max(SPEC_LIMITS.envNameChars)
  .regex(/^[^=\s]+$/, "A variable name has no spaces and no '='.");
const envValue = z
  .string()
  .max(SPEC_LIMITS.envValueChars, `A value has at most ${SPEC_LIMITS.envValueChars.toLocaleString("en")} characters.`);

/** One environment variable: a value, or "keep the value the source container has" (duplicate and edit). */
export const envEntry = z
  .object({
    name: envName,
    value: envValue.optional(),
    /** Take the value from `spec.source` at create time; the browser never sees it. */
    fromSource: z.literal(true).optional(),
  })
  .strict()
  .refine((e) => (e.value === undefined) !== (e.fromSource === undefined), {
    message: "Give a value, or keep the source container's value.",
    path: ["value"],
  });
export type EnvEntry = z.infer<typeof envEntry>;

/** At most so many variables and bytes together, and each name once. */
function checkEnv(env: { name: string; value?: string }[], ctx: z.RefinementCtx) {
  const bytes = env.reduce((sum, e) => sum + utf8Bytes(e.name) + 1 + utf8Bytes(e.value ?? ""), 0);
  if (bytes > SPEC_LIMITS.envBytes) {
    ctx.addIssue({
      code: "custom",
      message: `The variables come to ${formatSize(bytes)}; at most ${formatSize(SPEC_LIMITS.envBytes)} together.`,
    });
  }
  const names = new Set<string>();
  env.forEach((e, i) => {
    if (names.has(e.name)) ctx.addIssue({ code: "custom", path: [i, "name"], message: `${e.name} is set twice.` });
    names.add(e.name);
  });
}

const tooMany = `At most ${SPEC_LIMITS.env} variables.`;
const envEntries = z.array(envEntry).max(SPEC_LIMITS.env, tooMany).superRefine(checkEnv);

export const envShape = {
  env: envEntries.default([]),
  /** The container this one was duplicated from: where `fromSource` values are read. */
  source: z
    .object({
      environmentId: z.string().min(1).max(64),
      containerId: z.string().regex(CONTAINER_NAME, "Not a container id or name."),
    })
    .strict()
    .optional(),
};
/** A service's variables always carry their values. */
export const serviceEnvShape = {
  env: z
    .array(z.object({ name: envName, value: envValue }).strict())
    .max(SPEC_LIMITS.env, tooMany)
    .superRefine(checkEnv)
    .default([]),
};

type Container = SpecSlice<typeof envShape>;
type Service = SpecSlice<typeof serviceEnvShape>;

/** `KEY=VALUE` for every variable; kept values come from `kept` (or a placeholder for a preview). */
export function envList(env: EnvEntry[], kept: (name: string) => string): string[] {
  return env.map((e) => `${e.name}=${e.fromSource ? kept(e.name) : (e.value ?? "")}`);
}

function splitEntry(entry: string): { name: string; value: string } {
  const eq = entry.indexOf("=");
  return eq < 0 ? { name: entry, value: "" } : { name: entry.slice(0, eq), value: entry.slice(eq + 1) };
}

/**
 * A container's variables (its Config.Env) by name, read as the create form reads them: a
 * bare `NAME` is NAME with an empty value, and the later of two entries of one name wins, as
 * in the process's environment. The values a recreate or a copy keeps come from here.
 */
export function envValues(entries: readonly string[] | null | undefined): Map<string, string> {
  const values = new Map<string, string>();
  for (const entry of entries ?? []) {
    const { name, value } = splitEntry(entry);
    if (name) values.set(name, value);
  }
  return values;
}

export const envSection = defineSection<
  Container,
  Service,
  SpecSliceInput<typeof envShape>,
  SpecSliceInput<typeof serviceEnvShape>
>({
  name: "env",
  modelled: { Config: ["Env"] },
  fields: { Env: "env" },
  serviceFields: { "TaskTemplate.ContainerSpec.Env": "env" },

  check(spec, ctx) {
    if (spec.env.some((e) => e.fromSource) && !spec.source) {
      ctx.addIssue({
        code: "custom",
        path: ["source"],
        message: "Values kept from a source container need the source.",
      });
    }
  },
  toContainer(spec, draft) {
    if (spec.env.length) draft.body.Env = envList(spec.env, draft.kept);
  },
  fromContainer({ config, image, hides, source }, notes) {
    const imageEnv = new Set(image?.Env ?? []);
    const env = (config.Env ?? [])
      .filter((entry) => !imageEnv.has(entry))
      .map((entry) => {
        const { name, value } = splitEntry(entry);
        if (hides(name, value)) {
          notes.kept.push(name);
          return { name, fromSource: true as const };
        }
        return { name, value };
      });
    return { env, ...(notes.kept.length ? { source } : {}) };
  },
  runWords(spec, cli) {
    for (const e of spec.env) {
      // A kept value is never written out: the line refers to it.
      if (e.fromSource) cli.words("-e", `${e.name}="$${e.name}"`);
      else cli.flag("-e", `${e.name}=${e.value ?? ""}`);
    }
  },

  toService(spec, draft) {
    if (spec.env.length) draft.container.Env = envList(spec.env, () => "");
  },
  fromService(payload) {
    return { env: strings(rec(rec(payload.TaskTemplate).ContainerSpec).Env).map(splitEntry) };
  },
  serviceWords(spec, words) {
    for (const e of spec.env) words.flag("--env", `${e.name}=${e.value}`);
  },
  serviceUpdateWords(before, after, words) {
    words.push(
      ...listChangeWords(before.env, after.env, "env", {
        key: (e) => e.name,
        rm: (e) => e.name,
        add: (e) => `${e.name}=${e.value}`,
      }),
    );
  },
});
