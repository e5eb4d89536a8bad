// The swarm module's typed errors: domain errors (server/core/errors.ts) like every other
// module's, each naming its kind, so every door (tRPC, the HTTP downloads, the task console's
// websocket) answers them from the one map. `code` is the swarm's own word for what happened,
// as a cluster list's per-cluster errors report it. What the engines themselves answer stays
// server/docker's DockerError.
import { DomainError, type ErrorKind } from "../../core/errors";

export type SwarmErrorCode =
  | "not-in-swarm"
  | "not-a-manager"
  | "not-found"
  | "no-manager"
  | "refused"
  | "conflict"
  | "bad-input"
  | "policy"
  | "unavailable";

/** Any of the swarm's refusals below (a DomainError; its kind picks the answer). */
export abstract class SwarmError extends DomainError {
  abstract readonly code: SwarmErrorCode;
}

/** The environment named is not a manager or worker of a swarm Stevedore knows. */
export class NotInSwarmError extends SwarmError {
  readonly code = "not-in-swarm";
  readonly errorKind = "precondition";
  constructor(
    readonly environmentId: string,
    detail?: string,
  ) {
    super(detail ?? "This environment is not part of a swarm (or its engine has not answered yet).");
  }
}

/**
 * The environment named is not one of its swarm's managers, where a manager's is needed: what
 * the whole cluster owns (stacks, secrets, configs) is changed through a manager's environment,
 * and a role there is a role on the swarm (a worker's is only on its own engine).
 */
export class NotAManagerError extends SwarmError {
  readonly code = "not-a-manager";
  readonly errorKind = "precondition";
  constructor(
    readonly environmentId: string,
    message: string,
  ) {
    super(message);
  }
}

/** A node, service or task that the cluster does not have. */
export class SwarmNotFoundError extends SwarmError {
  readonly code = "not-found";
  readonly errorKind = "not-found";
}

/** No manager of the cluster answered within the deadline (a timeout) or at all; says what each one did. */
export class NoManagerError extends SwarmError {
  readonly code = "no-manager";
  readonly errorKind: ErrorKind;
  constructor(
    message: string,
    readonly attempts: ReadonlyArray<{ environmentId: string; name: string; problem: string }> = [],
    readonly timedOut = false,
  ) {
    super(attempts.length ? `${message} ${attempts.map((a) => `${a.name}: ${a.problem}`).join("; ")}` : message);
    this.errorKind = timedOut ? "timeout" : "bad-gateway";
  }
}

/** Swarm would do it, but it would break the cluster (the last manager, say): refused before asking. */
export class SwarmRefusedError extends SwarmError {
  readonly code = "refused";
  readonly errorKind = "precondition";
}

/** Something changed under the request (the spec's version moved twice); try again. */
export class SwarmConflictError extends SwarmError {
  readonly code = "conflict";
  readonly errorKind = "conflict";
}

/** The request is well-formed but makes no sense for this object (scaling a global service). */
export class SwarmInputError extends SwarmError {
  readonly code = "bad-input";
  readonly errorKind = "bad-input";
}

/** The workload policy refused the spec; nothing reached the engine. */
export class SwarmPolicyError extends SwarmError {
  readonly code = "policy";
  readonly errorKind = "forbidden";
  constructor(
    message: string,
    readonly violations: ReadonlyArray<{ field: string; message: string; permission: string; specField?: string }>,
  ) {
    super(message);
  }
}

/** Something the cluster cannot give from here (a console on a node that is not an environment). */
export class SwarmUnavailableError extends SwarmError {
  readonly code = "unavailable";
  readonly errorKind = "precondition";
}
