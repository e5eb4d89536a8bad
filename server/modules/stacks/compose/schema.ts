// What the CLI's JSON schema for compose files (config_schema_v3.13.json, draft-04, validated
// with gojsonschema) accepts, written out as checks. Each failure is reported as the CLI words
// it ("services.web.deploy.replicas must be a integer", "services.web Additional property foo
// is not allowed"), with its line.
import { parseGoDuration } from "./go-values";
import { parsePortSpec } from "./ports";
import { joinPath, type YamlValue } from "./yaml-source";

export interface SchemaIssue {
  path: string;
  message: string;
}

type Check = (value: YamlValue, path: string, issues: SchemaIssue[]) => void;
type TypeName = "string" | "number" | "integer" | "boolean" | "null" | "object" | "array";

/** gojsonschema's field name: "services.web.ports.0", "(root)" for the top. */
function field(path: string): string {
  return path === "" ? "(root)" : path.replace(/\[(\d+)\]/g, ".$1");
}

function typeOf(value: YamlValue): TypeName {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "object") return "object";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value as "string" | "boolean";
}

function human(name: TypeName): string {
  return name === "object" ? "mapping" : name === "array" ? "list" : name;
}

function typeMatches(value: YamlValue, wanted: readonly TypeName[]): boolean {
  const actual = typeOf(value);
  return wanted.includes(actual) || (actual === "integer" && wanted.includes("number"));
}

function typed(wanted: readonly TypeName[], then?: Check): Check {
  return (value, path, issues) => {
    if (!typeMatches(value, wanted)) {
      const names = wanted.map(human);
      const text = names.length === 1 ? names[0] : `${names.slice(0, -1).join(", ")} or ${names[names.length - 1]}`;
      issues.push({ path, message: `${field(path)} must be a ${text}` });
      return;
    }
    then?.(value, path, issues);
  };
}

const any: Check = () => {};
const str = typed(["string"]);
const int = typed(["integer"]);
const num = typed(["number"]);
const bool = typed(["boolean"]);

const duration = typed(["string"], (value, path, issues) => {
  if (parseGoDuration(value as string) === null) {
    issues.push({ path, message: `${field(path)} Does not match format 'duration'` });
  }
});

interface ObjectRules {
  props?: Record<string, Check>;
  patterns?: [RegExp, Check][];
  additional?: boolean;
  required?: string[];
}

function objectBody(rules: ObjectRules): Check {
  return (value, path, issues) => {
    const map = value as Record<string, YamlValue>;
    for (const name of rules.required ?? []) {
      if (!(name in map)) issues.push({ path, message: `${field(path)} ${name} is required` });
    }
    for (const [key, item] of Object.entries(map)) {
      const itemPath = joinPath(path, key);
      const prop = rules.props?.[key];
      let matched = false;
      if (prop) {
        prop(item, itemPath, issues);
        matched = true;
      }
      for (const [pattern, check] of rules.patterns ?? []) {
        if (pattern.test(key)) {
          check(item, itemPath, issues);
          matched = true;
        }
      }
      if (!matched && rules.additional === false) {
        issues.push({ path: itemPath, message: `${field(path)} Additional property ${key} is not allowed` });
      }
    }
  };
}

function obj(rules: ObjectRules, also: TypeName[] = []): Check {
  return typed(["object", ...also], (value, path, issues) => {
    if (value !== null) objectBody(rules)(value, path, issues);
  });
}

function arr(items: Check, unique = false): Check {
  return typed(["array"], (value, path, issues) => {
    const list = value as YamlValue[];
    list.forEach((item, i) => items(item, joinPath(path, i), issues));
    if (unique) {
      const seen = new Set<string>();
      for (const item of list) {
        const key = JSON.stringify(item);
        if (seen.has(key)) {
          issues.push({ path, message: `${field(path)} array items[${list.indexOf(item)}] must be unique` });
          return;
        }
        seen.add(key);
      }
    }
  });
}

/** oneOf: exactly one branch passes; otherwise the CLI names the most specific failure. */
function oneOf(...branches: Check[]): Check {
  return (value, path, issues) => {
    const results = branches.map((branch) => {
      const found: SchemaIssue[] = [];
      branch(value, path, found);
      return found;
    });
    const passing = results.filter((r) => r.length === 0).length;
    if (passing === 1) return;
    if (passing > 1) {
      issues.push({ path, message: `${field(path)} must be valid against exactly one of the allowed forms` });
      return;
    }
    // the branch whose type fits the value failed on something deeper: report that
    const deeper = results.find((r) => r.some((issue) => issue.path !== path || !/ must be a /.test(issue.message)));
    if (deeper) {
      issues.push(...deeper);
      return;
    }
    const wanted = results.flatMap((r) => r.map((issue) => /must be a (.*)$/.exec(issue.message)?.[1] ?? ""));
    issues.push({ path, message: `${field(path)} must be a ${[...new Set(wanted)].filter(Boolean).join(" or ")}` });
  };
}

const portsFormat: Check = (value, path, issues) => {
  const text = typeof value === "number" ? String(value) : (value as string);
  try {
    parsePortSpec(text);
  } catch {
    issues.push({ path, message: `${field(path)} Does not match format 'ports'` });
  }
};

const listOfStrings = arr(str, true);
const stringOrList = oneOf(str, listOfStrings);
const listOrDict = oneOf(
  obj({ patterns: [[/.+/, typed(["string", "number", "null"])]], additional: false }),
  arr(str, true),
);
const stringOrStringList = oneOf(str, arr(str));
const driverOpts = obj({ patterns: [[/^.+$/, typed(["string", "number"])]] });
const X = /^x-/;
const NAME = /^[a-zA-Z0-9._-]+$/;

const updateConfig = obj({
  props: {
    parallelism: int,
    delay: duration,
    failure_action: str,
    monitor: duration,
    max_failure_ratio: num,
    order: typed(["string"], (value, path, issues) => {
      if (value !== "start-first" && value !== "stop-first") {
        issues.push({ path, message: `${field(path)} must be one of the following: "start-first", "stop-first"` });
      }
    }),
  },
  additional: false,
});

const deployment = obj(
  {
    props: {
      mode: str,
      endpoint_mode: str,
      replicas: int,
      labels: listOrDict,
      rollback_config: updateConfig,
      update_config: updateConfig,
      resources: obj({
        props: {
          limits: obj({ props: { cpus: str, memory: str, pids: int }, additional: false }),
          reservations: obj({
            props: {
              cpus: str,
              memory: str,
              generic_resources: arr(
                obj({
                  props: { discrete_resource_spec: obj({ props: { kind: str, value: num }, additional: false }) },
                  additional: false,
                }),
              ),
            },
            additional: false,
          }),
        },
        additional: false,
      }),
      restart_policy: obj({
        props: { condition: str, delay: duration, max_attempts: int, window: duration },
        additional: false,
      }),
      placement: obj({
        props: {
          constraints: arr(str),
          preferences: arr(obj({ props: { spread: str }, additional: false })),
          max_replicas_per_node: int,
        },
        additional: false,
      }),
    },
    additional: false,
  },
  ["null"],
);

const fileReference = oneOf(str, obj({ props: { source: str, target: str, uid: str, gid: str, mode: num } }));

const service = obj({
  props: {
    deploy: deployment,
    build: oneOf(
      str,
      obj({
        props: {
          context: str,
          dockerfile: str,
          args: listOrDict,
          labels: listOrDict,
          cache_from: listOfStrings,
          network: str,
          target: str,
          shm_size: typed(["integer", "string"]),
          extra_hosts: listOrDict,
        },
      }),
    ),
    cap_add: arr(str, true),
    cap_drop: arr(str, true),
    cgroupns_mode: str,
    cgroup_parent: str,
    command: stringOrStringList,
    configs: arr(fileReference),
    container_name: str,
    credential_spec: obj({ props: { config: str, file: str, registry: str }, additional: false }),
    depends_on: listOfStrings,
    devices: arr(str, true),
    dns: stringOrList,
    dns_search: stringOrList,
    domainname: str,
    entrypoint: stringOrStringList,
    env_file: stringOrList,
    environment: listOrDict,
    expose: arr(typed(["string", "number"]), true),
    external_links: arr(str, true),
    extra_hosts: listOrDict,
    healthcheck: obj({
      props: {
        disable: bool,
        interval: duration,
        retries: num,
        test: stringOrStringList,
        timeout: duration,
        start_period: duration,
        start_interval: duration,
      },
      additional: false,
    }),
    hostname: str,
    image: str,
    init: bool,
    ipc: str,
    isolation: str,
    labels: listOrDict,
    links: arr(str, true),
    logging: obj({
      props: { driver: str, options: obj({ patterns: [[/^.+$/, typed(["string", "number", "null"])]] }) },
      additional: false,
    }),
    mac_address: str,
    network_mode: str,
    networks: oneOf(
      listOfStrings,
      obj({
        patterns: [
          [
            NAME,
            oneOf(
              obj({
                props: { aliases: listOfStrings, driver_opts: driverOpts, ipv4_address: str, ipv6_address: str },
                additional: false,
              }),
              typed(["null"]),
            ),
          ],
        ],
        additional: false,
      }),
    ),
    pid: typed(["string", "null"]),
    ports: arr(
      oneOf(
        typed(["number"], portsFormat),
        typed(["string"], portsFormat),
        obj({ props: { mode: str, target: int, published: int, protocol: str }, additional: false }),
      ),
      true,
    ),
    privileged: bool,
    read_only: bool,
    restart: str,
    security_opt: arr(str, true),
    shm_size: typed(["number", "string"]),
    secrets: arr(fileReference),
    sysctls: listOrDict,
    stdin_open: bool,
    stop_grace_period: duration,
    stop_signal: str,
    tmpfs: stringOrList,
    tty: bool,
    ulimits: obj({
      patterns: [
        [
          /^[a-z]+$/,
          oneOf(int, obj({ props: { hard: int, soft: int }, required: ["soft", "hard"], additional: false })),
        ],
      ],
    }),
    oom_score_adj: int,
    user: str,
    userns_mode: str,
    volumes: arr(
      oneOf(
        str,
        obj({
          required: ["type"],
          props: {
            type: str,
            source: str,
            target: str,
            read_only: bool,
            consistency: str,
            bind: obj({ props: { propagation: str } }),
            volume: obj({ props: { nocopy: bool } }),
            tmpfs: obj({
              props: {
                size: typed(["integer"], (value, path, issues) => {
                  if ((value as number) < 0)
                    issues.push({ path, message: `${field(path)} Must be greater than or equal to 0` });
                }),
              },
            }),
          },
          additional: false,
        }),
      ),
      true,
    ),
    working_dir: str,
  },
  patterns: [[X, any]],
  additional: false,
});

const external = typed(["boolean", "object"], (value, path, issues) => {
  if (typeof value === "object") objectBody({ props: { name: str }, additional: false })(value, path, issues);
});
const externalLoose = typed(["boolean", "object"], (value, path, issues) => {
  if (typeof value === "object") objectBody({ props: { name: str } })(value, path, issues);
});

const network = obj(
  {
    props: {
      name: str,
      driver: str,
      driver_opts: driverOpts,
      ipam: obj({
        props: { driver: str, config: arr(obj({ props: { subnet: str }, additional: false })) },
        additional: false,
      }),
      external,
      internal: bool,
      attachable: bool,
      labels: listOrDict,
    },
    patterns: [[X, any]],
    additional: false,
  },
  ["null"],
);

const volume = obj(
  {
    props: { name: str, driver: str, driver_opts: driverOpts, external, labels: listOrDict, "x-cluster-spec": obj({}) },
    patterns: [[X, any]],
    additional: false,
  },
  ["null"],
);

const secret = obj({
  props: {
    name: str,
    file: str,
    external: externalLoose,
    labels: listOrDict,
    driver: str,
    driver_opts: driverOpts,
    template_driver: str,
  },
  patterns: [[X, any]],
  additional: false,
});

const config = obj({
  props: { name: str, file: str, external: externalLoose, labels: listOrDict, template_driver: str },
  patterns: [[X, any]],
  additional: false,
});

const root = obj({
  props: {
    version: str,
    services: obj({ patterns: [[NAME, service]], additional: false }),
    networks: obj({ patterns: [[NAME, network]] }),
    volumes: obj({ patterns: [[NAME, volume]], additional: false }),
    secrets: obj({ patterns: [[NAME, secret]], additional: false }),
    configs: obj({ patterns: [[NAME, config]], additional: false }),
  },
  patterns: [[X, any]],
  additional: false,
});

/** The versions the CLI ships a schema for; a file names one of them or none (3.13). */
export const SUPPORTED_VERSIONS = [
  "3.0",
  "3.1",
  "3.2",
  "3.3",
  "3.4",
  "3.5",
  "3.6",
  "3.7",
  "3.8",
  "3.9",
  "3.10",
  "3.11",
  "3.12",
  "3.13",
] as const;

export function composeVersion(config: Record<string, YamlValue>): string {
  if (!("version" in config)) return "3.13";
  const raw = config.version;
  const text = raw === null ? "<nil>" : typeof raw === "object" ? JSON.stringify(raw) : String(raw);
  return text === "" || text === "3" ? "3.13" : text;
}

export function validateSchema(config: Record<string, YamlValue>): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  root(config, "", issues);
  return issues;
}
