// The errors below have the shapes Node, docker-modem and ssh2 really produce (recorded against
// the testbed); the classification must name the cause a user can act on.
import { describe, expect, it } from "vitest";
import {
  DockerConflictError,
  DockerEngineError,
  DockerNotFoundError,
  DockerTimeoutError,
  DockerUnreachableError,
  classifyDockerError,
} from "./errors";

function nodeError(code: string, message: string, extra: Record<string, unknown> = {}) {
  return Object.assign(new Error(message), { code, ...extra });
}

function httpError(statusCode: number, json: unknown, reason?: string) {
  return Object.assign(new Error(`(HTTP code ${statusCode}) ${reason ?? "unexpected"} - ...`), {
    statusCode,
    json,
    reason,
  });
}

const at = { endpoint: "tcp://10.201.0.20:2376" };

describe("classifyDockerError", () => {
  it.each([
    ["dns", nodeError("ENOTFOUND", "getaddrinfo ENOTFOUND nohost.invalid", { syscall: "getaddrinfo" }), /DNS/],
    ["dns", nodeError("EAI_AGAIN", "getaddrinfo EAI_AGAIN host"), /DNS/],
    ["refused", nodeError("ECONNREFUSED", "connect ECONNREFUSED 10.201.0.10:2399"), /refused the connection/],
    ["refused", nodeError("ENOENT", "connect ENOENT /tmp/nope.sock"), /No Docker socket exists/],
    ["refused", nodeError("EHOSTUNREACH", "connect EHOSTUNREACH"), /No network route/],
    ["auth", nodeError("EACCES", "connect EACCES /var/run/docker.sock"), /Permission denied/],
    [
      "tls",
      nodeError(
        "ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE",
        "ssl3_read_bytes:sslv3 alert bad certificate:SSL alert number 42",
      ),
      /rejected the client certificate/,
    ],
    [
      "tls",
      nodeError("UNABLE_TO_VERIFY_LEAF_SIGNATURE", "unable to verify the first certificate"),
      /not signed by the CA/,
    ],
    ["tls", nodeError("DEPTH_ZERO_SELF_SIGNED_CERT", "self-signed certificate"), /not signed by the CA/],
    ["tls", nodeError("ERR_TLS_CERT_ALTNAME_INVALID", "Hostname/IP does not match"), /host name mismatch/],
    ["tls", nodeError("ERR_SSL_WRONG_VERSION_NUMBER", "wrong version number"), /does not speak TLS/],
    ["tls", nodeError("ERR_OSSL_UNSUPPORTED", "error:1E08010C:DECODER routines::unsupported"), /not valid PEM/],
    ["tls", httpError(400, "Client sent an HTTP request to an HTTPS server.\n"), /expects TLS/],
    ["auth", httpError(401, { message: "unauthorized" }), /refused Stevedore's credentials/],
    ["not-docker", nodeError("HPE_INVALID_CONSTANT", "Parse Error: Expected HTTP/"), /does not speak HTTP/],
    [
      "auth",
      Object.assign(new Error("All configured authentication methods failed"), { level: "client-authentication" }),
      /SSH/,
    ],
    ["timeout", Object.assign(new Error("Timed out while waiting for handshake"), { level: "client-timeout" }), /SSH/],
  ])("names the cause %s", (cause, error, message) => {
    const typed = classifyDockerError("env-1", error, { phase: "connect", ...at });
    expect(typed).toBeInstanceOf(DockerUnreachableError);
    expect(typed).toMatchObject({ code: "unreachable", reason: cause, environmentId: "env-1" });
    expect(typed.message).toMatch(message);
    expect(typed.cause).toBe(error);
  });

  it("takes any HTTP answer while connecting for something that is not Docker", () => {
    const typed = classifyDockerError("env-1", httpError(404, "404 page not found\n"), { phase: "connect", ...at });
    expect(typed).toMatchObject({ reason: "not-docker" });
    expect(typed.message).toMatch(/answered HTTP 404: it is not a Docker engine/);
  });

  it("maps the engine's answers to calls: 404 not found, 409 conflict, others engine errors", () => {
    const notFound = classifyDockerError(
      "e",
      httpError(404, { message: "No such container: abc" }, "no such container"),
    );
    expect(notFound).toBeInstanceOf(DockerNotFoundError);
    expect(notFound.message).toBe("No such container: abc");
    const conflict = classifyDockerError("e", httpError(409, { message: "You cannot remove a running container" }));
    expect(conflict).toBeInstanceOf(DockerConflictError);
    expect(classifyDockerError("e", httpError(304, null, "container already started"))).toBeInstanceOf(
      DockerConflictError,
    );
    const bad = classifyDockerError("e", httpError(400, { message: "invalid reference format" }));
    expect(bad).toBeInstanceOf(DockerEngineError);
    expect(bad).toMatchObject({ statusCode: 400, message: "invalid reference format" });
    expect(classifyDockerError("e", httpError(403, { message: "authorization denied by plugin" }))).toMatchObject({
      code: "engine",
      statusCode: 403,
    });
  });

  it("turns an abort into a timeout of the call, or an unreachable engine while connecting", () => {
    const abort = Object.assign(new Error("The operation was aborted"), { name: "AbortError", code: "ABORT_ERR" });
    expect(classifyDockerError("e", abort, { operation: "containers.list" })).toBeInstanceOf(DockerTimeoutError);
    expect(classifyDockerError("e", abort, { phase: "connect" })).toMatchObject({ reason: "timeout" });
    const timeout = new DockerTimeoutError("e", "the handshake", 3000);
    expect(timeout.message).toBe("The engine did not answer the handshake within 3 s.");
    expect(classifyDockerError("e", timeout, { phase: "connect", ...at }).message).toBe(
      "No answer from tcp://10.201.0.20:2376 within 3 s.",
    );
  });

  it("passes typed errors through and wraps the unknown", () => {
    const typed = new DockerNotFoundError("e", "gone");
    expect(classifyDockerError("e", typed)).toBe(typed);
    expect(classifyDockerError("e", "a string")).toMatchObject({ code: "engine", message: "a string" });
  });

  it("never reads a module's own typed error as the transport failing, whatever its words", () => {
    // A secret or stack refusal that names "tls" or a "certificate" once marked the manager down.
    const own = Object.assign(new Error('A secret named "site-tls-key" exists already (certificate).'), {
      errorKind: "conflict",
    });
    const classified = classifyDockerError("e", own);
    expect(classified).toBeInstanceOf(DockerEngineError);
    expect(classified).not.toBeInstanceOf(DockerUnreachableError);
    expect(classified.cause).toBe(own);
    // A plain error with those words from the transport is still a TLS failure.
    expect(classifyDockerError("e", new Error("SSL routines: certificate verify failed"))).toBeInstanceOf(
      DockerUnreachableError,
    );
  });
});
