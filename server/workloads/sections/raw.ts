// Engine API fields the spec does not model, as the Engine API names them
// (hostAccess.raw.Config / .HostConfig). They are respelt to their canonical names first
// (the engine folds case), never set a field the spec models (that would be two answers to
// one question), and every key is judged by the workload policy like the rest: one that is
// not on its list of plain fields needs container.create.privileged.
import { z } from "zod";
import { canonicalEngineKeys } from "../engine-fields";
import { defineSection, type Section } from "../section";

export const rawHostAccessShape = {
  raw: z
    .object({
      Config: z.record(z.string().max(128), z.unknown()).optional(),
      HostConfig: z.record(z.string().max(128), z.unknown()).optional(),
    })
    .strict()
    .optional(),
};

type Raw = z.output<(typeof rawHostAccessShape)["raw"]>;
type Slice = { hostAccess?: { raw?: Raw } };

/** What other sections set themselves. */
export interface Modelled {
  Config: ReadonlySet<string>;
  HostConfig: ReadonlySet<string>;
}

/** The raw fields with their names in canonical spelling. */
export function canonicalRaw(spec: Slice): { Config: Record<string, unknown>; HostConfig: Record<string, unknown> } {
  const raw = spec.hostAccess?.raw;
  return {
    Config: canonicalEngineKeys(raw?.Config ?? {}) as Record<string, unknown>,
    HostConfig: canonicalEngineKeys(raw?.HostConfig ?? {}) as Record<string, unknown>,
  };
}

const modelledConfig = (key: string, modelled: Modelled) =>
  key === "HostConfig" || key === "NetworkingConfig" || modelled.Config.has(key);

/** Raw keys that collide with modelled ones: refused with the field to use instead. */
export function rawCollisions(spec: Slice, modelled: Modelled): string[] {
  if (!spec.hostAccess?.raw) return [];
  const raw = canonicalRaw(spec);
  return [
    ...Object.keys(raw.Config)
      .filter((k) => modelledConfig(k, modelled))
      .map((k) => `hostAccess.raw.Config.${k}`),
    ...Object.keys(raw.HostConfig)
      .filter((k) => modelled.HostConfig.has(k))
      .map((k) => `hostAccess.raw.HostConfig.${k}`),
  ];
}

/** The raw section, told what the others model. It goes last: raw fields never override. */
export function rawSection(modelled: Modelled): Section<Slice> {
  return defineSection<Slice>({
    name: "raw",
    toContainer(spec, draft) {
      if (!spec.hostAccess?.raw) return;
      const raw = canonicalRaw(spec);
      for (const [key, value] of Object.entries(raw.Config)) {
        if (modelledConfig(key, modelled)) continue;
        draft.body[key] = value;
        draft.origins[key] = `hostAccess.raw.Config.${key}`;
      }
      for (const [key, value] of Object.entries(raw.HostConfig)) {
        if (modelled.HostConfig.has(key)) continue;
        draft.host[key] = value;
        draft.origins[`HostConfig.${key}`] = `hostAccess.raw.HostConfig.${key}`;
      }
    },
    runWords(spec, cli) {
      const raw = spec.hostAccess?.raw;
      const keys = [
        ...Object.keys(raw?.Config ?? {}),
        ...Object.keys(raw?.HostConfig ?? {}).map((k) => `HostConfig.${k}`),
      ];
      if (keys.length) cli.notes.push(`and Engine API fields without a flag here: ${keys.join(", ")}`);
    },
  });
}
