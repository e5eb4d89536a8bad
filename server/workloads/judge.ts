// The judge every door calls, transport-free: a spec (or payload) and what the actor holds
// in, the violations the holds do not cover out, each naming its Engine field, the spec
// field it came from, what it does and the permission it needs. Containers (create, update)
// and services (create, update; stacks deploy through these) alike. Facts about the engine
// (volumes, other containers' mounts, the environment's socket) come from lookupFacts.
import "server-only";
import type { EffectivePermissions } from "../rbac/permissions";
import { canonicalEngineKeys } from "./engine-fields";
import { can } from "../rbac/permissions";
import {
  rawCollisions,
  specFieldOf,
  toCreatePayload,
  toUpdateBody,
  type ContainerSpec,
  type UpdateSpec,
} from "./container-spec";
import {
  checkWorkload,
  CONFIG_DATA,
  DOCKER_SOCKET,
  PRIVILEGED,
  type Grants,
  type Violation,
  type WorkloadFacts,
} from "./policy/index";
import { serviceSpecFieldOf, toServicePayload, toServiceUpdate, type ServiceSpec } from "./service-spec";
import type { ServiceSpecJson } from "./section";

export type { Grants, Violation, WorkloadFacts } from "./policy/index";
export { describeViolations, referencesOf } from "./policy/index";

/** A violation with the spec field it came from (for the form to put it on). */
export interface NamedViolation extends Violation {
  specField: string;
}

/** What `permissions` hold of the policy's permissions on one environment. */
export function holdsOn(permissions: EffectivePermissions, environmentId: string): Grants {
  return {
    privileged: can(permissions, PRIVILEGED, environmentId),
    dockerSocket: can(permissions, DOCKER_SOCKET, environmentId),
    configData: can(permissions, CONFIG_DATA, environmentId),
  };
}

function named(violations: Violation[], fieldOf: (path: string) => string): NamedViolation[] {
  return violations.map((v) => ({ ...v, specField: fieldOf(v.field) }));
}

export interface ContainerJudgement {
  violations: NamedViolation[];
  /** raw Engine fields that the spec models itself (a bad input, not a permission) */
  collisions: string[];
}

/** A container create spec, as POST /containers/create will carry it. */
export function judgeContainerSpec(spec: ContainerSpec, holds: Grants, facts: WorkloadFacts = {}): ContainerJudgement {
  const payload = toCreatePayload(spec);
  const violations = checkWorkload({ kind: "container.create", body: payload.body }, holds, facts);
  return {
    violations: named(violations, (path) => specFieldOf(path, payload.origins)),
    collisions: rawCollisions(spec),
  };
}

/** A `docker container update`, as POST /containers/{id}/update will carry it. */
export function judgeContainerUpdate(update: UpdateSpec, holds: Grants, facts: WorkloadFacts = {}): NamedViolation[] {
  const body = toUpdateBody(update);
  return named(checkWorkload({ kind: "container.update", body }, holds, facts), (path) => specFieldOf(path, {}));
}

/**
 * A service spec, as POST /services/create (or, given the service's current spec,
 * /services/{id}/update) will carry it.
 */
export function judgeServiceSpec(
  spec: ServiceSpec,
  holds: Grants,
  facts: WorkloadFacts = {},
  current?: ServiceSpecJson,
): NamedViolation[] {
  const { body, origins } = toServicePayload(spec);
  const kind = current ? "service.update" : "service.create";
  return named(checkWorkload({ kind, body: current ? toServiceUpdate(current, spec) : body }, holds, facts), (path) =>
    serviceSpecFieldOf(path, origins),
  );
}

/**
 * A ServiceSpec built elsewhere (a compose file's service, say), judged as the engine will
 * read it. Send `body` (the same spec, every field name in its canonical spelling): it is
 * what was judged.
 */
export function judgeServicePayload(
  payload: Record<string, unknown>,
  holds: Grants,
  facts: WorkloadFacts = {},
  kind: "service.create" | "service.update" = "service.create",
): { violations: Violation[]; body: Record<string, unknown> } {
  const body = canonicalEngineKeys(payload) as Record<string, unknown>;
  return { violations: checkWorkload({ kind, body }, holds, facts), body };
}
