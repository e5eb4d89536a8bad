// The typed errors of the resource modules (images, registries, volumes, networks, system).
// Transport-free: each transport maps `code` to its answer (procedure.ts for tRPC, http.ts for
// the download and upload doors). What an engine itself answers stays server/docker's
// DockerError; these say what the domain decided.
import type { Classified, ErrorKind } from "../../core/errors";

export type ResourceErrorCode = "not-found" | "conflict" | "in-use" | "bad-input" | "forbidden" | "rejected";

const kinds: Record<ResourceErrorCode, ErrorKind> = {
  "not-found": "not-found",
  conflict: "conflict",
  "in-use": "conflict",
  "bad-input": "bad-input",
  forbidden: "forbidden",
  rejected: "bad-input",
};

export abstract class ResourceError extends Error implements Classified {
  abstract readonly code: ResourceErrorCode;
  get errorKind(): ErrorKind {
    return kinds[this.code];
  }
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** An image, volume, network or registry that is not there. */
export class ResourceNotFoundError extends ResourceError {
  readonly code = "not-found";
}

/** Something changed under the request, or the name is taken. */
export class ResourceConflictError extends ResourceError {
  readonly code = "conflict";
}

/** Refused because something uses it; `users` names each one ("container web-1 (running)"). */
export class InUseError extends ResourceError {
  readonly code = "in-use";
  constructor(
    what: string,
    readonly users: readonly string[],
    advice: string,
  ) {
    super(`${what} is in use by ${users.join(", ")}. ${advice}`);
  }
}

/** Well-formed input that makes no sense here (an overlay network on a standalone engine). */
export class BadResourceInputError extends ResourceError {
  readonly code = "bad-input";
}

/**
 * A refusal the domain makes after the procedure's own permission check: what is asked needs
 * more than that permission (driver options that reach the host, a saved registry's
 * credentials). Recorded as denied, like any refusal.
 */
export class ResourceForbiddenError extends ResourceError {
  readonly code = "forbidden";
  constructor(
    message: string,
    readonly permissions: readonly string[],
  ) {
    super(message);
  }
}

/** Someone else said no: a registry refused the credentials, or could not be reached. */
export class RejectedError extends ResourceError {
  readonly code = "rejected";
}

/**
 * What the engine said, for a streamed call it refused before streaming: docker-modem puts
 * the engine's words only in its own message ("(HTTP code 500) server error - <words>"), and
 * the classified error keeps just "server error".
 */
export function engineWordsOf(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; current && depth < 4; depth++) {
    const message = (current as { message?: unknown }).message;
    if (typeof message === "string") {
      const words = /^\(HTTP code \d+\) [^-]*- ([\s\S]*)$/.exec(message)?.[1]?.trim();
      if (words) return words;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
