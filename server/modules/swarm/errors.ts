// The swarm module's typed errors. Transport-free: the router maps `code` to its answer (a
// refusal the user can act on is 4xx; a swarm without a manager that answers is a gateway
// problem). What the engines themselves answer stays server/docker's DockerError.
import type { Classified, ErrorKind } from "../../core/errors";

export type SwarmErrorCode =
  "not-in-swarm" | "not-found" | "no-manager" | "refused" | "conflict" | "bad-input" | "policy" | "unavailable";

const kinds: Record<SwarmErrorCode, ErrorKind> = {
  "not-in-swarm": "precondition",
  "not-found": "not-found",
  "no-manager": "bad-gateway",
  refused: "precondition",
  conflict: "conflict",
  "bad-input": "bad-input",
  policy: "forbidden",
  unavailable: "precondition",
};

export abstract class SwarmError extends Error implements Classified {
  abstract readonly code: SwarmErrorCode;
  get errorKind(): ErrorKind {
    return this instanceof NoManagerError && this.timedOut ? "timeout" : kinds[this.code];
  }
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The environment named is not a manager or worker of a swarm Stevedore knows. */
export class NotInSwarmError extends SwarmError {
  readonly code = "not-in-swarm";
  constructor(
    readonly environmentId: string,
    detail?: string,
  ) {
    super(detail ?? "This environment is not part of a swarm (or its engine has not answered yet).");
  }
}

/** A node, service or task that the cluster does not have. */
export class SwarmNotFoundError extends SwarmError {
  readonly code = "not-found";
}

/** No manager of the cluster answered within the deadline; says what each one did. */
export class NoManagerError extends SwarmError {
  readonly code = "no-manager";
  constructor(
    message: string,
    readonly attempts: ReadonlyArray<{ environmentId: string; name: string; problem: string }> = [],
    readonly timedOut = false,
  ) {
    super(attempts.length ? `${message} ${attempts.map((a) => `${a.name}: ${a.problem}`).join("; ")}` : message);
  }
}

/** Swarm would do it, but it would break the cluster (the last manager, say): refused before asking. */
export class SwarmRefusedError extends SwarmError {
  readonly code = "refused";
}

/** Something changed under the request (the spec's version moved twice); try again. */
export class SwarmConflictError extends SwarmError {
  readonly code = "conflict";
}

/** The request is well-formed but makes no sense for this object (scaling a global service). */
export class SwarmInputError extends SwarmError {
  readonly code = "bad-input";
}

/** The workload policy refused the spec; nothing reached the engine. */
export class SwarmPolicyError extends SwarmError {
  readonly code = "policy";
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
}
