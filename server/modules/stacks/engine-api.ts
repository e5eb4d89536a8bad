// The few Engine calls the stack engine makes, dialled through dockerode's modem so that the
// body goes out exactly as built (no client-side reshaping), the caller's AbortSignal cancels
// the request, and an engine refusal becomes a typed stack error.
import type Docker from "dockerode";
import { StackConflictError, StackEngineError, StackNotFoundError, type StackError } from "./errors";

export interface EngineRequest {
  method: "GET" | "POST" | "DELETE";
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal | undefined;
}

interface ModemError {
  statusCode?: number;
  json?: { message?: string } | string | null;
  message?: string;
  name?: string;
}

export function engineMessage(error: unknown): string {
  const e = (error ?? {}) as ModemError;
  if (e.json && typeof e.json === "object" && typeof e.json.message === "string") return e.json.message;
  if (typeof e.json === "string" && e.json.trim() !== "") return e.json.trim();
  return e.message ?? String(error);
}

export function toStackError(error: unknown, what: string): StackError | Error {
  const e = (error ?? {}) as ModemError;
  if (e.name === "AbortError") return error as Error;
  const message = `${what}: ${engineMessage(error)}`;
  if (e.statusCode === 404) return new StackNotFoundError(message, { cause: error });
  if (e.statusCode === 409) return new StackConflictError(message, { cause: error });
  return new StackEngineError(message, e.statusCode, { cause: error });
}

export function engineCall<T>(docker: Docker, request: EngineRequest, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const query = request.query ?? {};
    docker.modem.dial(
      {
        path: `${request.path}?`,
        method: request.method,
        options: { _query: query, ...(request.body !== undefined ? { _body: request.body } : {}) },
        ...(request.headers ? { headers: { ...request.headers } } : {}),
        abortSignal: request.signal,
        statusCodes: {
          200: true,
          201: true,
          204: true,
          304: true,
          400: "bad parameter",
          401: "unauthorized",
          403: "forbidden",
          404: "not found",
          406: "node is not part of a swarm",
          409: "conflict",
          500: "server error",
          503: "node is not part of a swarm",
        },
      },
      (error: unknown, data: unknown) => (error ? reject(toStackError(error, what)) : resolve(data as T)),
    );
  });
}

/** filters={"label":["k=v"],"name":[...]} as the Engine reads them */
export function filters(spec: Record<string, string[]>): Record<string, string> {
  return { filters: JSON.stringify(spec) };
}
