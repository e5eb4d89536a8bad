// What a deploy would change, before it is applied: per service, created, updated (each field
// that changes, before and after), removed (with prune) or left; networks, secrets and configs
// that would be made. Both sides are plans (the file's, and the one of the stack's live specs
// read back through adopt), so engine defaults and ids never show up as changes.
import type { EngineSpec, StackPlan } from "./convert";

export interface FieldChange {
  /** ServiceSpec path: "Mode.Replicated.Replicas", "TaskTemplate.ContainerSpec.Image" */
  path: string;
  before?: unknown;
  after?: unknown;
}

export type ChangeKind = "create" | "update" | "remove" | "unchanged" | "left";

export interface ServiceChange {
  /** the name in the file */
  service: string;
  /** the engine name */
  name: string;
  change: ChangeKind;
  fields: FieldChange[];
}

export interface ObjectChange {
  kind: "network" | "secret" | "config";
  name: string;
  /**
   * unchecked: it exists and its data was not compared (a config, for a caller without
   * config.data.read: the answer would tell a right guess of its data from a wrong one)
   */
  change: "create" | "update" | "unchanged" | "unchecked";
}

export interface SpecDiff {
  services: ServiceChange[];
  objects: ObjectChange[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The differences between two JSON values, as paths; arrays of objects compared by position. */
export function diffValues(before: unknown, after: unknown, path = ""): FieldChange[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => diffValues(before[key], after[key], path ? `${path}.${key}` : key));
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length && before.some(isObject)) {
    return before.flatMap((item, i) => diffValues(item, after[i], `${path}[${i}]`));
  }
  const change: FieldChange = { path };
  if (before !== undefined) change.before = before;
  if (after !== undefined) change.after = after;
  return [change];
}

/**
 * What `next` (the file) would change of `current` (the live stack as a plan). `compareConfigData`
 * false: a config that exists is `unchecked`, whatever its data (the caller may not read it).
 */
export function diffPlans(
  current: StackPlan | null,
  next: StackPlan,
  options: { prune: boolean; compareConfigData?: boolean },
): SpecDiff {
  const services: ServiceChange[] = [];
  const live = new Map((current?.services ?? []).map((s) => [String(s.spec.Name), s]));
  for (const planned of next.services) {
    const name = String(planned.spec.Name);
    const existing = live.get(name);
    live.delete(name);
    if (!existing) {
      services.push({ service: planned.name, name, change: "create", fields: [] });
      continue;
    }
    const fields = diffValues(comparable(existing.spec), comparable(planned.spec));
    services.push({ service: planned.name, name, change: fields.length ? "update" : "unchanged", fields });
  }
  for (const [name, left] of live) {
    services.push({ service: left.name, name, change: options.prune ? "remove" : "left", fields: [] });
  }
  const objects: ObjectChange[] = [];
  const liveNetworks = new Set((current?.networks ?? []).map((n) => n.name));
  for (const network of next.networks) {
    objects.push({
      kind: "network",
      name: network.name,
      change: liveNetworks.has(network.name) ? "unchanged" : "create",
    });
  }
  for (const kind of ["secret", "config"] as const) {
    const mine = kind === "secret" ? next.secrets : next.configs;
    const theirs = new Map(
      ((kind === "secret" ? current?.secrets : current?.configs) ?? []).map((o) => [o.spec.Name, o]),
    );
    const external = new Set(kind === "secret" ? (current?.externalSecrets ?? []) : (current?.externalConfigs ?? []));
    for (const object of mine) {
      const before = theirs.get(object.spec.Name);
      const exists = before !== undefined || external.has(object.spec.Name);
      // a secret's data is never read back: the same name is all that can be compared
      if (kind === "config" && exists && options.compareConfigData === false) {
        objects.push({ kind, name: object.spec.Name, change: "unchecked" });
        continue;
      }
      const same = kind === "secret" || !before || before.spec.Data === object.spec.Data;
      objects.push({ kind, name: object.spec.Name, change: !exists ? "create" : same ? "unchanged" : "update" });
    }
  }
  return { services, objects };
}

/** A spec as it compares: secret and config references by name only, engine defaults as unset. */
function comparable(spec: EngineSpec): EngineSpec {
  const copy = structuredClone(spec);
  const container = (copy.TaskTemplate as EngineSpec | undefined)?.ContainerSpec as EngineSpec | undefined;
  // a replicated service without a count runs one replica: the engine stores 1
  const replicated = (copy.Mode as EngineSpec | undefined)?.Replicated as EngineSpec | undefined;
  if (replicated && replicated.Replicas === undefined) replicated.Replicas = 1;
  // the engine stores an unset isolation as "default": the same thing
  if (container?.Isolation === "default") delete container.Isolation;
  for (const key of ["Secrets", "Configs"] as const) {
    for (const ref of (container?.[key] as EngineSpec[] | undefined) ?? []) {
      delete ref.SecretID;
      delete ref.ConfigID;
    }
  }
  return copy;
}
