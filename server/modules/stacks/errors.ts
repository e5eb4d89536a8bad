// The stack engine's typed errors. Transport-free: a router maps `code` to its own answer
// (a file error or a policy refusal is the user's to fix: 4xx; an engine error is whatever the
// engine said).
import type { Classified, ErrorKind } from "../../core/errors";

/** Where in the compose file a problem sits (1-based), when the file says. */
export interface SourcePosition {
  line: number;
  column: number;
}

export interface FileIssue {
  /** dotted path in the file: "services.web.deploy.replicas", lists as [0] */
  path: string;
  message: string;
  position?: SourcePosition;
}

export type StackErrorCode = "file" | "policy" | "not-found" | "conflict" | "engine" | "aborted";

const kinds: Record<Exclude<StackErrorCode, "engine">, ErrorKind> = {
  file: "bad-input",
  policy: "forbidden",
  "not-found": "not-found",
  conflict: "conflict",
  aborted: "aborted",
};

/** An engine's refusal by its HTTP status: the user's to fix when 4xx, the engine's otherwise. */
function kindOfEngineStatus(status: number | undefined): ErrorKind {
  if (status === 404) return "not-found";
  if (status === 409) return "conflict";
  if (status !== undefined && status >= 400 && status < 500) return "bad-input";
  return "bad-gateway";
}

export abstract class StackError extends Error implements Classified {
  abstract readonly code: StackErrorCode;
  get errorKind(): ErrorKind {
    return this.code === "engine"
      ? kindOfEngineStatus((this as StackError & { statusCode?: number }).statusCode)
      : kinds[this.code];
  }
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * The compose file (or a file it names) cannot be deployed as written: YAML syntax, schema,
 * interpolation, a forbidden or unsupported key, a reference to something undefined. Every
 * issue found is listed, each with its line where the file has one.
 */
export class StackFileError extends StackError {
  readonly code = "file";
  constructor(readonly issues: readonly FileIssue[]) {
    super(issues.map(formatIssue).join("\n") || "The compose file cannot be deployed.");
  }
}

export function formatIssue(issue: FileIssue): string {
  const where = issue.position ? `line ${issue.position.line}: ` : "";
  return `${where}${issue.message}`;
}

export interface StackViolation {
  /** the service as the file names it ("web", not "mystack_web"); for a network, its engine name */
  service: string;
  /** the refusal is of a network the stack would make, not of a service */
  network?: boolean;
  /** the Engine spec path the judge objected to */
  field: string;
  message: string;
  [extra: string]: unknown;
}

/** The judge refused one or more services; nothing was created or changed. */
export class StackPolicyError extends StackError {
  readonly code = "policy";
  constructor(readonly violations: readonly StackViolation[]) {
    super(
      "The stack was refused; nothing was created or changed:\n" +
        violations.map((v) => `${v.network ? "network" : "service"} ${v.service}: ${v.field}: ${v.message}`).join("\n"),
    );
  }
}

/** Something the file declares as external, or a stack to remove, does not exist. */
export class StackNotFoundError extends StackError {
  readonly code = "not-found";
}

/** The engine refused a change because of the current state (a name taken, a secret's data changed). */
export class StackConflictError extends StackError {
  readonly code = "conflict";
}

/** The engine answered an error that is none of the above; `statusCode` is its HTTP status. */
export class StackEngineError extends StackError {
  readonly code = "engine";
  constructor(
    message: string,
    readonly statusCode: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The caller's AbortSignal fired; what was done before is listed in `done`. */
export class StackAbortedError extends StackError {
  readonly code = "aborted";
  constructor(readonly done: readonly string[]) {
    super(`Stopped on request after: ${done.length ? done.join(", ") : "nothing"}.`);
  }
}
