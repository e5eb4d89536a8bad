// The Engine requests the swarm module makes that dockerode does not shape the way they are
// needed (a body sent exactly as built, a version in the query, a registry header): dialled
// through the modem of the dockerode the fleet hands out, so the call's deadline and signal
// apply and the fleet classifies what the engine answers.
import type Docker from "dockerode";

export interface EngineRequest {
  method: "GET" | "POST" | "DELETE";
  /** a path whose ids are already checked as engine references */
  path: string;
  query?: Record<string, string | number | boolean>;
  body?: unknown;
  headers?: Record<string, string>;
}

const STATUS_CODES = {
  200: true,
  201: true,
  204: true,
  304: "not modified",
  400: "bad parameter",
  403: "forbidden",
  404: "not found",
  406: "node is not part of a swarm",
  409: "conflict",
  500: "server error",
  503: "node is not part of a swarm",
} as const;

export function engineRequest<T>(docker: Docker, request: EngineRequest): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    docker.modem.dial(
      {
        path: `${request.path}?`,
        method: request.method,
        options: {
          _query: request.query ?? {},
          ...(request.body !== undefined ? { _body: request.body } : {}),
        },
        ...(request.headers ? { headers: { ...request.headers } } : {}),
        statusCodes: STATUS_CODES,
      },
      (error: Error | null, data: unknown) => (error ? reject(error) : resolve(data as T)),
    );
  });
}

/** `filters` as the Engine reads them. */
export function filtersQuery(filters: Record<string, string[]>): { filters: string } {
  return { filters: JSON.stringify(filters) };
}

/** An Engine object's path segment. */
export function seg(id: string): string {
  return encodeURIComponent(id);
}
