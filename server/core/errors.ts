// The domain's typed errors and the one map from what went wrong to each transport's answer:
// a tRPC code, an HTTP status, a websocket close. Transport-free: domain logic throws these
// (never TRPCError); the tRPC builders, the HTTP door and the websocket bridge read `kind`
// here and nowhere else. Families of their own (DockerError, the modules' ResourceError,
// StackError, SwarmError, AccessRuleError) say which kind each of their codes is.

/** What went wrong, as far as the caller is concerned. */
export type ErrorKind =
  | "bad-input"
  | "unauthorized"
  | "forbidden"
  | "not-found"
  | "conflict"
  | "precondition"
  | "too-many-requests"
  | "unavailable"
  | "bad-gateway"
  | "timeout"
  /** the caller stopped it (a deploy aborted on request) */
  | "aborted"
  | "internal";

/** tRPC's codes, spelled here so the core needs no tRPC. */
export type TrpcCode =
  | "BAD_REQUEST"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "PRECONDITION_FAILED"
  | "TOO_MANY_REQUESTS"
  | "SERVICE_UNAVAILABLE"
  | "BAD_GATEWAY"
  | "GATEWAY_TIMEOUT"
  | "TIMEOUT"
  | "INTERNAL_SERVER_ERROR";

export interface Answer {
  trpc: TrpcCode;
  http: number;
  /** websocket close code: 1008 policy violation, 1011 the server failed, 1013 try again later */
  ws: number;
}

/** The one map. A refusal the user can act on is always a 4xx. */
export const ANSWERS: Readonly<Record<ErrorKind, Answer>> = {
  "bad-input": { trpc: "BAD_REQUEST", http: 400, ws: 1008 },
  unauthorized: { trpc: "UNAUTHORIZED", http: 401, ws: 1008 },
  forbidden: { trpc: "FORBIDDEN", http: 403, ws: 1008 },
  "not-found": { trpc: "NOT_FOUND", http: 404, ws: 1008 },
  conflict: { trpc: "CONFLICT", http: 409, ws: 1008 },
  precondition: { trpc: "PRECONDITION_FAILED", http: 412, ws: 1008 },
  "too-many-requests": { trpc: "TOO_MANY_REQUESTS", http: 429, ws: 1013 },
  unavailable: { trpc: "SERVICE_UNAVAILABLE", http: 503, ws: 1013 },
  "bad-gateway": { trpc: "BAD_GATEWAY", http: 502, ws: 1011 },
  timeout: { trpc: "GATEWAY_TIMEOUT", http: 504, ws: 1011 },
  aborted: { trpc: "TIMEOUT", http: 408, ws: 1011 },
  internal: { trpc: "INTERNAL_SERVER_ERROR", http: 500, ws: 1011 },
};

/** Anything that knows what kind of failure it is. */
export interface Classified {
  readonly errorKind: ErrorKind;
}

export function isClassified(error: unknown): error is Error & Classified {
  return error instanceof Error && typeof (error as Partial<Classified>).errorKind === "string";
}

/** The kind of a typed error, or null for one nobody planned (answered as internal, logged). */
export function kindOf(error: unknown): ErrorKind | null {
  return isClassified(error) ? error.errorKind : null;
}

/** The answer for an error: its kind's, or a 500 for what nobody planned. */
export function answerFor(error: unknown): Answer {
  return ANSWERS[kindOf(error) ?? "internal"];
}

export abstract class DomainError extends Error implements Classified {
  abstract readonly errorKind: ErrorKind;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class NotFoundError extends DomainError {
  readonly errorKind = "not-found";
}

export class ConflictError extends DomainError {
  readonly errorKind = "conflict";
}

export class BadInputError extends DomainError {
  readonly errorKind = "bad-input";
}

export class ForbiddenError extends DomainError {
  readonly errorKind = "forbidden";
}

/** Who the caller is was not proved (a wrong password or code). */
export class UnauthorizedError extends DomainError {
  readonly errorKind = "unauthorized";
}

export class TooManyRequestsError extends DomainError {
  readonly errorKind = "too-many-requests";
}

/**
 * A unique name already used by another row: what a create or a rename answers when the
 * database's unique constraint fires (server/database/errors.ts: nameTaken), never a 500.
 */
export class NameTakenError extends ConflictError {
  constructor(
    readonly what: string,
    readonly taken: string,
    message = `A ${what} named ${taken} exists already.`,
  ) {
    super(message);
  }
}
