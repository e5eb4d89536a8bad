// ${VAR} interpolation exactly as docker/cli's compose loader does it (cli/compose/template and
// cli/compose/interpolation): $VAR, ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error},
// ${VAR?error}, $$ for a literal $, applied to every string value (never to keys), then the
// same type casts for the fields the schema wants as numbers or booleans.
import { StackFileError } from "../errors";
import { joinPath, positionOf, type YamlMap, type YamlValue } from "./yaml-source";
import type { SourcePosition } from "../errors";

export type Lookup = (name: string) => string | undefined;

class InvalidTemplate extends Error {}

const SUBST = "[_a-z][_a-z0-9]*(?::?[-?][^}]*)?";
// The CLI's pattern, case-insensitive like its (?i:...) group.
const PATTERN = new RegExp(`\\$(?:(\\$)|(${SUBST})|\\{(${SUBST})\\}|())`, "gi");

function partition(s: string, sep: string): [string, string] {
  const at = s.indexOf(sep);
  return at < 0 ? [s, ""] : [s.slice(0, at), s.slice(at + sep.length)];
}

type SubstituteFunc = (substitution: string, lookup: Lookup) => { value: string; applied: boolean; error?: Error };

const softDefault: SubstituteFunc = (s, lookup) => {
  if (!s.includes(":-")) return { value: "", applied: false };
  const [name, fallback] = partition(s, ":-");
  const value = lookup(name);
  return { value: value === undefined || value === "" ? fallback : value, applied: true };
};
const hardDefault: SubstituteFunc = (s, lookup) => {
  if (!s.includes("-")) return { value: "", applied: false };
  const [name, fallback] = partition(s, "-");
  const value = lookup(name);
  return { value: value === undefined ? fallback : value, applied: true };
};
function withRequired(sep: string, valid: (v: string) => boolean): SubstituteFunc {
  return (s, lookup) => {
    if (!s.includes(sep)) return { value: "", applied: false };
    const [name, message] = partition(s, sep);
    const value = lookup(name);
    if (value === undefined || !valid(value)) {
      return {
        value: "",
        applied: true,
        error: new InvalidTemplate(`required variable ${name} is missing a value: ${message}`),
      };
    }
    return { value, applied: true };
  };
}
const SUBSTITUTE_FUNCS = [softDefault, hardDefault, withRequired(":?", (v) => v !== ""), withRequired("?", () => true)];

/**
 * template.Substitute. Like the Go code, the error that sticks is the state after the last
 * `$` expression: a later plain `$VAR` clears an earlier missing `${X?}` (kept for equality).
 */
export function substitute(template: string, lookup: Lookup): string {
  let error: Error | undefined;
  const result = template.replace(
    PATTERN,
    (_match, escaped: string | undefined, named: string | undefined, braced: string | undefined) => {
      if (escaped) return escaped;
      const substitution = named || braced || "";
      if (substitution === "") {
        error = new InvalidTemplate(template);
        return "";
      }
      for (const f of SUBSTITUTE_FUNCS) {
        const outcome = f(substitution, lookup);
        error = outcome.error;
        if (error) return "";
        if (!outcome.applied) continue;
        return outcome.value;
      }
      return lookup(substitution) ?? "";
    },
  );
  if (error) throw error;
  return result;
}

// ---- casts ---------------------------------------------------------------------------------

type Cast = (value: string) => YamlValue;

function toInt(value: string): number {
  // strconv.Atoi: optional sign, decimal digits only
  if (!/^[-+]?\d+$/.test(value)) throw new Error(`strconv.Atoi: parsing ${JSON.stringify(value)}: invalid syntax`);
  return Number(value);
}
function toFloat(value: string): number {
  const n = Number(value.trim() === "" ? "x" : value);
  if (Number.isNaN(n) && !/^[-+]?nan$/i.test(value)) {
    throw new Error(`strconv.ParseFloat: parsing ${JSON.stringify(value)}: invalid syntax`);
  }
  return n;
}
function toBoolean(value: string): boolean {
  switch (value.toLowerCase()) {
    case "y":
    case "yes":
    case "true":
    case "on":
      return true;
    case "n":
    case "no":
    case "false":
    case "off":
      return false;
    default:
      throw new Error(`invalid boolean: ${value}`);
  }
}

const S = ["services", "*"];
const CASTS: [string[], Cast][] = [
  [[...S, "configs", "[]", "mode"], toInt],
  [[...S, "secrets", "[]", "mode"], toInt],
  [[...S, "healthcheck", "retries"], toInt],
  [[...S, "healthcheck", "disable"], toBoolean],
  [[...S, "deploy", "replicas"], toInt],
  [[...S, "deploy", "update_config", "parallelism"], toInt],
  [[...S, "deploy", "update_config", "max_failure_ratio"], toFloat],
  [[...S, "deploy", "rollback_config", "parallelism"], toInt],
  [[...S, "deploy", "rollback_config", "max_failure_ratio"], toFloat],
  [[...S, "deploy", "restart_policy", "max_attempts"], toInt],
  [[...S, "deploy", "placement", "max_replicas_per_node"], toInt],
  [[...S, "ports", "[]", "target"], toInt],
  [[...S, "ports", "[]", "published"], toInt],
  [[...S, "ulimits", "*"], toInt],
  [[...S, "ulimits", "*", "hard"], toInt],
  [[...S, "ulimits", "*", "soft"], toInt],
  [[...S, "privileged"], toBoolean],
  [[...S, "oom_score_adj"], toInt],
  [[...S, "read_only"], toBoolean],
  [[...S, "stdin_open"], toBoolean],
  [[...S, "tty"], toBoolean],
  [[...S, "volumes", "[]", "read_only"], toBoolean],
  [[...S, "volumes", "[]", "volume", "nocopy"], toBoolean],
  [["networks", "*", "external"], toBoolean],
  [["networks", "*", "internal"], toBoolean],
  [["networks", "*", "attachable"], toBoolean],
  [["volumes", "*", "external"], toBoolean],
  [["secrets", "*", "external"], toBoolean],
  [["configs", "*", "external"], toBoolean],
];

function castFor(goPath: readonly string[]): Cast | undefined {
  for (const [pattern, cast] of CASTS) {
    if (pattern.length !== goPath.length) continue;
    if (pattern.every((part, i) => part === "*" || part === goPath[i])) return cast;
  }
  return undefined;
}

/** interpolation.Interpolate over the whole file; errors carry the value's line. */
export function interpolateConfig(
  config: YamlMap,
  lookup: Lookup,
  positions: ReadonlyMap<string, SourcePosition>,
): YamlMap {
  const walk = (value: YamlValue, goPath: string[], path: string): YamlValue => {
    if (typeof value === "string") {
      let replaced: string;
      try {
        replaced = substitute(value, lookup);
      } catch (error) {
        const message =
          error instanceof InvalidTemplate && !error.message.startsWith("required variable")
            ? `invalid interpolation format for ${goPath.join(".")}: ${JSON.stringify(error.message)}; you may need to escape any $ with another $`
            : error instanceof InvalidTemplate
              ? `invalid interpolation format for ${goPath.join(".")}: ${JSON.stringify(error.message)}; you may need to escape any $ with another $`
              : `error while interpolating ${goPath.join(".")}: ${String(error)}`;
        throw new StackFileError([{ path, message, position: positionOf(positions, path) }]);
      }
      if (replaced === value) return value;
      const cast = castFor(goPath);
      if (!cast) return replaced;
      try {
        return cast(replaced);
      } catch (error) {
        throw new StackFileError([
          {
            path,
            message: `error while interpolating ${goPath.join(".")}: failed to cast to expected type: ${(error as Error).message}`,
            position: positionOf(positions, path),
          },
        ]);
      }
    }
    if (Array.isArray(value)) return value.map((item, i) => walk(item, [...goPath, "[]"], joinPath(path, i)));
    if (value !== null && typeof value === "object") {
      const out: YamlMap = {};
      for (const [key, item] of Object.entries(value)) out[key] = walk(item, [...goPath, key], joinPath(path, key));
      return out;
    }
    return value;
  };
  return walk(config, [], "") as YamlMap;
}
