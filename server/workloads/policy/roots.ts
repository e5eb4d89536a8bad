// The policy's rule roots: which rules apply to which payload. Each section contributes the
// rules of the Engine fields it writes, per struct (Config, HostConfig, the update body,
// ServiceSpec, TaskTemplate, ContainerSpec); a key claimed by two sections is a mistake and
// stops the start.
import "server-only";
import { commandRules } from "../sections/command.rules";
import { envRules } from "../sections/env.rules";
import { filesRules } from "../sections/files.rules";
import { healthcheckRules } from "../sections/healthcheck.rules";
import { hostAccessRules } from "../sections/host-access.rules";
import { identityRules } from "../sections/identity.rules";
import { imageRules } from "../sections/image.rules";
import { labelsRules } from "../sections/labels.rules";
import { mountsRules } from "../sections/mounts.rules";
import { networksRules } from "../sections/networks.rules";
import { placementRules } from "../sections/placement.rules";
import { portsRules } from "../sections/ports.rules";
import { resourcesRules } from "../sections/resources.rules";
import { restartRules } from "../sections/restart.rules";
import { rolloutRules } from "../sections/rollout.rules";
import { serviceRules } from "../sections/service.rules";
import { stopRules } from "../sections/stop.rules";
import { object, type Rules } from "./walk";

type Struct = "Config" | "HostConfig" | "Update" | "ServiceSpec" | "TaskTemplate" | "ContainerSpec";
type SectionRules = Partial<Record<Struct, Rules>>;

const SECTION_RULES: Record<string, SectionRules> = {
  image: imageRules,
  command: commandRules,
  env: envRules,
  labels: labelsRules,
  restart: restartRules,
  ports: portsRules,
  mounts: mountsRules,
  networks: networksRules,
  resources: resourcesRules,
  identity: identityRules,
  healthcheck: healthcheckRules,
  "host access": hostAccessRules,
  service: serviceRules,
  placement: placementRules,
  rollout: rolloutRules,
  files: filesRules,
  stop: stopRules,
};

function merge(struct: Struct, extra: Rules = {}): Rules {
  const out: Record<string, Rules[string]> = { ...extra };
  const owner = new Map<string, string>(Object.keys(extra).map((k) => [k, "the root"]));
  for (const [section, rules] of Object.entries(SECTION_RULES)) {
    for (const [key, rule] of Object.entries(rules[struct] ?? {})) {
      if (owner.has(key)) throw new Error(`${struct}.${key} has rules in both ${owner.get(key)} and ${section}.`);
      owner.set(key, section);
      out[key] = rule;
    }
  }
  return out;
}

const HOST_CONFIG = merge("HostConfig");
const CONTAINER_SPEC = merge("ContainerSpec");
const TASK_TEMPLATE = merge("TaskTemplate", { ContainerSpec: object(CONTAINER_SPEC) });

/** Which door a payload came through, and so which rules it answers to. */
export type PayloadKind = "container.create" | "container.update" | "service.create" | "service.update";

export const ROOTS: Readonly<Record<PayloadKind, Rules>> = {
  /** POST /containers/create: Config fields at the top, HostConfig, NetworkingConfig */
  "container.create": merge("Config", { HostConfig: object(HOST_CONFIG) }),
  /** POST /containers/{id}/update: a subset of HostConfig */
  "container.update": merge("Update"),
  /** POST /services/create: a ServiceSpec */
  "service.create": merge("ServiceSpec", { TaskTemplate: object(TASK_TEMPLATE) }),
  /** POST /services/{id}/update: the whole new ServiceSpec */
  "service.update": merge("ServiceSpec", { TaskTemplate: object(TASK_TEMPLATE) }),
};

/** Every rule key of every struct, for the check against the respelling table. */
export function ruleKeys(): string[] {
  return Object.values(SECTION_RULES).flatMap((rules) => Object.values(rules).flatMap((r) => Object.keys(r)));
}
