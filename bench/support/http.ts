// HTTP as the benchmark measures it: one request, timed from the call to the last byte of the
// body (no parsing inside the timer), over a keep-alive agent so that neither side pays for a
// new connection per request. Used alike for the raw Docker API and for Stevedore's API.
import http from "node:http";
import https from "node:https";
import type { Engine } from "./testbed";

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** From the request call to the end of the body. */
  ms: number;
}

export function send(secure: boolean, options: http.RequestOptions, body?: string | Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const request = (secure ? https : http).request(options, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("error", reject);
      response.on("end", () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks),
          ms: performance.now() - started,
        }),
      );
    });
    request.on("error", reject);
    request.setTimeout(60_000, () =>
      request.destroy(new Error(`${options.method ?? "GET"} ${options.path} timed out`)),
    );
    request.end(body);
  });
}

/** unix:///path or tcp://host:port: the two kinds of endpoint the testbed has. */
function parseEndpointUrl(
  url: string,
): { kind: "unix"; socketPath: string } | { kind: "tcp"; host: string; port: number } {
  if (url.startsWith("unix://")) return { kind: "unix", socketPath: url.slice("unix://".length) };
  const parsed = new URL(url);
  if (parsed.protocol !== "tcp:") throw new Error(`The benchmark speaks unix:// and tcp:// only, not ${url}`);
  return { kind: "tcp", host: parsed.hostname, port: Number(parsed.port || 2375) };
}

/** An engine's Docker API, at a pinned version, over its own keep-alive connection. */
export class DockerHttp {
  private readonly agent: http.Agent;
  private readonly base: http.RequestOptions;
  private readonly secure: boolean;

  /**
   * `via: "endpoint"` talks to the engine the way Stevedore does (its URL, TLS included);
   * `via: "admin"` uses the engine's unix socket.
   */
  constructor(
    readonly engine: Engine,
    private readonly apiVersion: string,
    via: "endpoint" | "admin",
  ) {
    const endpoint =
      via === "admin" ? { kind: "unix" as const, socketPath: engine.adminSocket } : parseEndpointUrl(engine.url);
    if (endpoint.kind === "unix") {
      this.secure = false;
      this.agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
      this.base = { socketPath: endpoint.socketPath, agent: this.agent };
    } else {
      const tls = engine.tls;
      this.secure = Boolean(tls);
      this.agent = tls
        ? new https.Agent({ keepAlive: true, maxSockets: 16, ca: tls.ca, cert: tls.cert, key: tls.key })
        : new http.Agent({ keepAlive: true, maxSockets: 16 });
      this.base = { host: endpoint.host, port: endpoint.port, agent: this.agent, ...(tls ?? {}) };
    }
  }

  request(method: string, path: string, body?: unknown): Promise<Answer> {
    const json = body === undefined ? undefined : JSON.stringify(body);
    return send(
      this.secure,
      {
        ...this.base,
        method,
        path: `/v${this.apiVersion}${path}`,
        headers: json ? { "content-type": "application/json" } : {},
      },
      json,
    );
  }

  /** A request whose body is bytes of the given type (an image tarball, for one). */
  upload(method: string, path: string, body: Buffer, contentType: string): Promise<Answer> {
    return send(
      this.secure,
      { ...this.base, method, path: `/v${this.apiVersion}${path}`, headers: { "content-type": contentType } },
      body,
    );
  }

  /** The parsed answer; an error status throws with the engine's message. */
  async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const answer = await this.request(method, path, body);
    const text = answer.body.toString("utf8");
    if (answer.status >= 400) {
      let message = text;
      try {
        message = (JSON.parse(text) as { message?: string }).message ?? text;
      } catch {
        // not JSON: keep the text
      }
      const error = new Error(`${this.engine.name}: ${method} ${path}: ${answer.status} ${message.trim()}`);
      (error as Error & { status?: number }).status = answer.status;
      throw error;
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }

  close(): void {
    this.agent.destroy();
  }
}
