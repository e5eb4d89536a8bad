// The policy walker's machinery: a rule per Engine field, a walk over a payload that finds
// each key's rule by the key as the engine reads it (Go's case folding), and the violations
// it collects. The rules themselves live beside their sections (sections/*.rules.ts); the
// roots that say which rules apply to which payload are in roots.ts.
import "server-only";
import type { Permission } from "../../rbac/catalogue";
import { foldEngineKey } from "../engine-fields";

export const PRIVILEGED = "container.create.privileged" satisfies Permission;
export const DOCKER_SOCKET = "container.create.docker-socket" satisfies Permission;
/**
 * A swarm config given to a service: its processes read the data, and whoever runs them can
 * have them print it (logs, console), so it needs what reading the data needs.
 */
export const CONFIG_DATA = "config.data.read" satisfies Permission;
export type PolicyPermission = typeof PRIVILEGED | typeof DOCKER_SOCKET | typeof CONFIG_DATA;

export interface Violation {
  /** the Engine payload path: "HostConfig.Mounts[1].Source" */
  field: string;
  /** what it does, for a person */
  message: string;
  permission: PolicyPermission;
}

/** What the engine says about things the payload names only by reference; the caller looks them up. */
export interface WorkloadFacts {
  /** Sockets that control an engine on this host besides the usual ones (the environment's own endpoint). */
  socketPaths?: readonly string[];
  /**
   * Named volumes the payload uses, as they exist on the engine (null: absent, so created
   * fresh as a plain local volume). A volume created earlier with `o=bind` is a bind mount.
   */
  volumes?: Readonly<Record<string, { driver: string; options: Record<string, string> } | null>>;
  /** Host paths mounted into the containers named in VolumesFrom. */
  volumesFrom?: Readonly<Record<string, readonly string[]>>;
  /**
   * The host's networks (host, bridge) as the engines that will resolve the payload's network
   * references hold them: each engine's own, and the swarm's copies, which have ids of their
   * own. A reference is resolved by full id, name or id prefix, so each of these spellings is
   * the host's network. null: they could not be looked up (every reference is then refused);
   * absent: not looked up (only the names are judged).
   */
  hostNetworks?: readonly HostNetwork[] | null;
  /**
   * The payload's network references that are, exactly, the name of one of the engine's other
   * networks. The engine finds a network by its full id, then by name, and only then by id
   * prefix: a network named `abc` is that network, even when the host network's id starts with
   * `abc`. Absent: not looked up (a reference that is a prefix of a host network's id is it).
   */
  networkNames?: readonly string[];
}

/** One of the host's networks on an engine: its id there and its name (host, bridge). */
export interface HostNetwork {
  id: string;
  name: string;
}

export interface Walk {
  out: Violation[];
  facts: WorkloadFacts;
  /** bytes of memory-backed file systems (tmpfs, /dev/shm) asked for so far */
  memoryFsBytes: number;
}

export type Rule = (value: unknown, field: string, walk: Walk) => void;
export type Rules = Readonly<Record<string, Rule>>;

export function needPrivileged(walk: Walk, field: string, message: string): void {
  walk.out.push({ field, message, permission: PRIVILEGED });
}

export function describe(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

export const absent = (v: unknown) => v === undefined || v === null;
export const isString = (v: unknown): v is string => typeof v === "string";
export const isInt = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v);
export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
export const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);
export const isStringRecord = (v: unknown): v is Record<string, string> =>
  isRecord(v) && Object.values(v).every(isString);
export const isEmpty = (v: unknown) =>
  absent(v) || (Array.isArray(v) && v.length === 0) || (isRecord(v) && Object.keys(v).length === 0);

/** A plain field of a given shape: anything else in it is unexpected, hence privileged. */
export function plain(test: (v: unknown) => boolean, shape: string): Rule {
  return (value, field, walk) => {
    if (absent(value) || test(value)) return;
    needPrivileged(walk, field, `unexpected value ${describe(value)} (a plain ${field} is ${shape})`);
  };
}

/** Plain only when empty or one of `allowed`; any other value is host access, explained by `why`. */
export function plainWhen(allowed: (v: unknown) => boolean, why: (v: unknown) => string): Rule {
  return (value, field, walk) => {
    if (absent(value) || allowed(value)) return;
    needPrivileged(walk, field, why(value));
  };
}

export function oneOf(...values: string[]) {
  return (v: unknown) => isString(v) && values.includes(v);
}

export const nonNegativeInt = plain((v) => isInt(v) && v >= 0, "a whole number of 0 or more");
export const limitInt = plain((v) => isInt(v) && v >= -1, "a whole number, or -1 for no limit");
export const bool = plain((v) => typeof v === "boolean", "true or false");
export const string = plain(isString, "a string");
export const stringList = plain((v) => isString(v) || isStringList(v), "a list of strings");
export const stringRecord = plain(isStringRecord, "an object of strings");

/** Each entry of a list by `each`. */
export function list(each: (entry: unknown, field: string, walk: Walk) => void): Rule {
  return (value, field, walk) => {
    if (absent(value)) return;
    if (!Array.isArray(value)) return needPrivileged(walk, field, `unexpected value ${describe(value)} (want a list)`);
    value.forEach((entry, i) => each(entry, `${field}[${i}]`, walk));
  };
}

/** An object whose fields are judged by `rules`. */
export function object(rules: Rules | (() => Rules)): Rule {
  return (value, field, walk) => walkObject(value, field, typeof rules === "function" ? rules() : rules, walk);
}

const indexes = new WeakMap<Rules, Map<string, [string, Rule]>>();

/** A rules table by the folded key: the engine reads `bindſ` as `Binds`, and so does the walk. */
function indexOf(rules: Rules): Map<string, [string, Rule]> {
  let index = indexes.get(rules);
  if (!index) {
    index = new Map(Object.entries(rules).map(([key, rule]) => [foldEngineKey(key), [key, rule]]));
    indexes.set(rules, index);
  }
  return index;
}

export function walkObject(value: unknown, field: string, rules: Rules, walk: Walk): void {
  if (absent(value)) return;
  if (!isRecord(value)) return needPrivileged(walk, field, `unexpected value ${describe(value)} (want an object)`);
  const index = indexOf(rules);
  for (const [key, item] of Object.entries(value)) {
    const found = index.get(foldEngineKey(key));
    if (!found) {
      // The allowlist's whole point: a key nobody reviewed is not let through as plain.
      needPrivileged(walk, field ? `${field}.${key}` : key, "not on the list of plain fields");
      continue;
    }
    const [name, rule] = found;
    rule(item, field ? `${field}.${name}` : name, walk);
  }
}
