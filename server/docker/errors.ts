// The fleet's typed errors, and the one function that turns whatever dockerode, docker-modem,
// ssh2 or Node threw into one of them. Routers map `code` to their own codes; `message` is
// written for the person looking at the page.
import { isClassified, type Classified, type ErrorKind } from "../core/errors";
import { SshError } from "./ssh";

export type UnreachableCause = "dns" | "refused" | "tls" | "auth" | "timeout" | "not-docker" | "host-key";

export type DockerErrorCode =
  "unreachable" | "timeout" | "not-found" | "conflict" | "engine" | "paused" | "unknown-environment" | "busy";

/** What each code means for a caller: the answer itself is the one map's (server/core/errors.ts). */
const kinds: Record<DockerErrorCode, ErrorKind> = {
  unreachable: "bad-gateway",
  timeout: "timeout",
  "not-found": "not-found",
  conflict: "conflict",
  engine: "bad-input",
  paused: "precondition",
  "unknown-environment": "not-found",
  busy: "too-many-requests",
};

export function dockerErrorKind(code: DockerErrorCode): ErrorKind {
  return kinds[code];
}

export abstract class DockerError extends Error implements Classified {
  abstract readonly code: DockerErrorCode;
  get errorKind(): ErrorKind {
    return kinds[this.code];
  }
  constructor(
    readonly environmentId: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The engine could not be reached or is not a Docker engine; `cause` says which way. */
export class DockerUnreachableError extends DockerError {
  readonly code = "unreachable";
  constructor(
    environmentId: string,
    readonly reason: UnreachableCause,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(environmentId, message, options);
  }
}

/** A call did not finish within the deadline Stevedore gave it. */
export class DockerTimeoutError extends DockerError {
  readonly code = "timeout";
  constructor(
    environmentId: string,
    readonly operation: string,
    readonly deadlineMs?: number,
  ) {
    super(
      environmentId,
      `The engine did not answer ${operation} ${deadlineMs === undefined ? "in time" : `within ${formatMs(deadlineMs)}`}.`,
    );
  }
}

export class DockerNotFoundError extends DockerError {
  readonly code = "not-found";
}

export class DockerConflictError extends DockerError {
  readonly code = "conflict";
}

/** Nothing runs in a container that is not running: say so, and what would let `what` happen. */
export class ContainerNotRunningError extends DockerConflictError {
  constructor(environmentId: string, state: string, what: string) {
    super(
      environmentId,
      state === "paused"
        ? `This container is paused: resume it to ${what}.`
        : `This container is not running (${state}): start it to ${what}.`,
    );
  }
}

/** The engine answered with an error that is none of the above (bad parameter, server error). */
export class DockerEngineError extends DockerError {
  readonly code = "engine";
  constructor(
    environmentId: string,
    readonly statusCode: number | undefined,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(environmentId, message, options);
  }
}

/** An administrator paused this environment: Stevedore does not talk to it. */
export class DockerPausedError extends DockerError {
  readonly code = "paused";
  constructor(environmentId: string) {
    super(environmentId, "This environment is paused by an administrator.");
  }
}

/**
 * Refused before reaching the engine: too many long-lived streams are open on it (for this
 * user, or in all). The message says which limit and what to do.
 */
export class DockerBusyError extends DockerError {
  readonly code = "busy";
}

export class UnknownEnvironmentError extends DockerError {
  readonly code = "unknown-environment";
  constructor(environmentId: string) {
    super(environmentId, "No such environment in the fleet.");
  }
}

export interface ClassifyContext {
  /**
   * "connect" while establishing that the endpoint is a Docker engine (a probe, a connection
   * test): any answer that is not Docker's means not-docker, and a timeout means unreachable.
   */
  phase?: "connect" | "call";
  /** What was being called, for messages ("containers.list"). */
  operation?: string;
  /** The endpoint as the user wrote it, for messages. */
  endpoint?: string;
}

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  statusCode?: unknown;
  reason?: unknown;
  json?: unknown;
  level?: unknown;
  cause?: unknown;
}

export function classifyDockerError(environmentId: string, error: unknown, context: ClassifyContext = {}): DockerError {
  if (error instanceof DockerError) {
    if (context.phase === "connect" && error instanceof DockerTimeoutError) {
      return new DockerUnreachableError(
        environmentId,
        "timeout",
        `No answer from ${context.endpoint ?? "the engine"} ${error.deadlineMs === undefined ? "in time" : `within ${formatMs(error.deadlineMs)}`}.`,
        { cause: error },
      );
    }
    return error;
  }
  const e: ErrorLike = typeof error === "object" && error !== null ? error : { message: String(error) };
  const code = typeof e.code === "string" ? e.code : "";
  const message = typeof e.message === "string" ? e.message : "";
  const at = context.endpoint ? ` at ${context.endpoint}` : "";
  const unreachable = (reason: UnreachableCause, text: string) =>
    new DockerUnreachableError(environmentId, reason, text, { cause: error });

  if (typeof e.statusCode === "number") return fromHttpStatus(environmentId, e.statusCode, e, error, context);
  // The SSH transport's own errors are already written for the person (./ssh.ts).
  if (error instanceof SshError) return unreachable(error.reason, error.message);
  // A module's own typed error thrown inside a call (a name taken, a stack file's error) is that
  // call's answer, not the transport failing: its words are never read as a socket's or TLS's
  // (a secret named "site-tls-key" taken must not mark the engine down).
  if (isClassified(error) && !code) {
    return new DockerEngineError(environmentId, undefined, message || "The engine call failed.", { cause: error });
  }

  if (e.name === "AbortError" || e.name === "TimeoutError" || code === "ABORT_ERR" || code === "ETIMEDOUT") {
    if (context.phase === "connect") return unreachable("timeout", `No answer from the engine${at} in time.`);
    return new DockerTimeoutError(environmentId, context.operation ?? "the call");
  }
  switch (code) {
    case "ENOTFOUND":
      return unreachable("dns", `The host name of the engine${at} does not resolve (DNS).`);
    case "EAI_AGAIN":
      return unreachable("dns", `DNS cannot resolve the engine's host name${at} right now.`);
    case "ECONNREFUSED":
      return unreachable("refused", `The engine${at} refused the connection: nothing listens there.`);
    case "ENOENT":
      return unreachable("refused", `No Docker socket exists${at}.`);
    case "EACCES":
    case "EPERM":
      return unreachable("auth", `Permission denied on the socket${at}: Stevedore's user may not open it.`);
    case "ECONNRESET":
    case "EPIPE":
      return unreachable("refused", `The engine${at} closed the connection.`);
    case "EHOSTUNREACH":
    case "ENETUNREACH":
    case "EHOSTDOWN":
      return unreachable("refused", `No network route to the engine${at}.`);
  }
  if (isTlsFailure(code, message)) return unreachable("tls", tlsMessage(code, message, at));
  if (code.startsWith("HPE_")) {
    return unreachable("not-docker", `The endpoint${at} does not speak HTTP as a Docker engine does.`);
  }
  // ssh2 marks its errors with a level.
  if (e.level === "client-authentication") {
    return unreachable("auth", `The SSH server${at} refused the key (authentication failed).`);
  }
  if (e.level === "client-timeout") return unreachable("timeout", `The SSH handshake${at} timed out.`);
  if (typeof e.level === "string" && e.level.startsWith("client-")) {
    return unreachable("refused", `SSH${at} failed: ${message}`);
  }
  if (/docker: (command )?not found|dial-stdio/i.test(message)) {
    return unreachable("not-docker", `The SSH host${at} has no usable docker command.`);
  }
  return new DockerEngineError(environmentId, undefined, message || "The engine call failed.", { cause: error });
}

function fromHttpStatus(
  environmentId: string,
  status: number,
  e: ErrorLike,
  error: unknown,
  context: ClassifyContext,
): DockerError {
  const at = context.endpoint ? ` at ${context.endpoint}` : "";
  const engineMessage = engineMessageOf(e);
  if (status === 400 && /HTTP request to an HTTPS server/i.test(engineMessage)) {
    return new DockerUnreachableError(
      environmentId,
      "tls",
      `The engine${at} expects TLS: give its CA, a client certificate and a key.`,
      { cause: error },
    );
  }
  if (status === 401 || status === 407 || (status === 403 && context.phase === "connect")) {
    return new DockerUnreachableError(
      environmentId,
      "auth",
      `The engine${at} refused Stevedore's credentials (HTTP ${status}).`,
      { cause: error },
    );
  }
  if (context.phase === "connect") {
    return new DockerUnreachableError(
      environmentId,
      "not-docker",
      `The endpoint${at} answered HTTP ${status}: it is not a Docker engine.`,
      { cause: error },
    );
  }
  const text = engineMessage || `The engine answered HTTP ${status}.`;
  if (status === 404) return new DockerNotFoundError(environmentId, text, { cause: error });
  if (status === 409 || status === 304) return new DockerConflictError(environmentId, text, { cause: error });
  return new DockerEngineError(environmentId, status, text, { cause: error });
}

/** The engine's own words: `{"message": ...}` in the body, else docker-modem's reason. */
function engineMessageOf(e: ErrorLike): string {
  const json = e.json;
  if (typeof json === "object" && json !== null && "message" in json && typeof json.message === "string") {
    return json.message.trim();
  }
  if (typeof json === "string" && json.trim()) return json.trim();
  if (Buffer.isBuffer(json) && json.length) return json.toString("utf8").trim().slice(0, 500);
  if (typeof e.reason === "string") return e.reason;
  return "";
}

function isTlsFailure(code: string, message: string): boolean {
  return (
    code.startsWith("ERR_SSL_") ||
    code.startsWith("ERR_TLS_") ||
    code.startsWith("ERR_OSSL_") ||
    code.startsWith("CERT_") ||
    code.includes("SELF_SIGNED") ||
    code.startsWith("UNABLE_TO_") ||
    /SSL routines|certificate|TLS|secure TLS connection/i.test(message)
  );
}

function tlsMessage(code: string, message: string, at: string): string {
  if (/ALERT_BAD_CERTIFICATE|ALERT_UNKNOWN_CA|CERTIFICATE_REQUIRED|alert number (42|48|116)/i.test(code + message)) {
    return `The engine${at} rejected the client certificate (TLS): it is missing or not signed by the engine's CA.`;
  }
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID") {
    return `The engine's certificate does not name the host it was reached at${at} (TLS host name mismatch).`;
  }
  if (code === "CERT_HAS_EXPIRED") return `The engine's certificate has expired (TLS).`;
  if (code.startsWith("UNABLE_TO_") || code.includes("SELF_SIGNED") || code.startsWith("CERT_")) {
    return `The engine's certificate is not signed by the CA you gave (TLS).`;
  }
  if (code === "ERR_SSL_WRONG_VERSION_NUMBER" || /wrong version number/i.test(message)) {
    return `The endpoint${at} does not speak TLS: leave the certificates out, or use the engine's TLS port.`;
  }
  if (code.startsWith("ERR_OSSL_") || /PEM|DECODER|key values mismatch/i.test(message)) {
    return `The CA, certificate or key is not valid PEM, or the key does not match the certificate (TLS).`;
  }
  return `TLS with the engine${at} failed: ${message.split("\n")[0] || code}`;
}

export function formatMs(ms: number): string {
  return ms >= 1000 ? `${Number((ms / 1000).toFixed(1))} s` : `${ms} ms`;
}
