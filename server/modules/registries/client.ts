// A Docker registry's HTTP API (v2), as Stevedore needs it: is it there and do the credentials
// work (GET /v2/), which repositories it holds (/v2/_catalog) and their tags. Authentication
// follows the registry's challenge the way the docker client does: none, Basic with the
// username and password, or Bearer with a token fetched from the realm the challenge names
// (with the username and password, for the scope asked). Every failure says exactly what
// failed: the name, the connection, TLS, plain HTTP where HTTPS was asked, not a registry,
// the credentials, the token service.
import http from "node:http";
import https from "node:https";
import { RejectedError } from "../shared/errors";

export interface RegistryEndpoint {
  /** normalised: scheme://host[:port], no path */
  url: string;
  skipTlsVerify: boolean;
}

export interface RegistryCredentials {
  username?: string | null;
  password?: string | null;
}

export type AuthKind = "none" | "basic" | "bearer";

export type RegistryProblemReason =
  | "dns"
  | "refused"
  | "tls"
  | "plain-http"
  | "timeout"
  | "network"
  | "not-registry"
  | "needs-credentials"
  | "credentials"
  | "token"
  | "denied"
  | "http";

/** A registry (or its token service) said no, or could not be reached; `reason` says which. */
export class RegistryProblem extends RejectedError {
  constructor(
    readonly reason: RegistryProblemReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

interface Challenge {
  scheme: "basic" | "bearer";
  params: Record<string, string>;
}

const MAX_BODY = 4 * 1024 * 1024;

/** `Bearer realm="https://auth",service="registry",scope="repository:a:pull"` → its parts. */
export function parseChallenge(header: string | string[] | undefined): Challenge | null {
  const text = Array.isArray(header) ? header.join(", ") : header;
  if (!text) return null;
  const match = /^\s*(basic|bearer)\b\s*(.*)$/i.exec(text);
  if (!match) return null;
  const params: Record<string, string> = {};
  for (const pair of (match[2] ?? "").matchAll(/([a-zA-Z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) {
    params[pair[1]!.toLowerCase()] = (pair[2] ?? pair[3] ?? "").replace(/\\(.)/g, "$1");
  }
  return { scheme: match[1]!.toLowerCase() as Challenge["scheme"], params };
}

/** The URL a person typed, as Stevedore stores it: scheme://host[:port]. Throws on anything else. */
export function normaliseRegistryUrl(input: string): string {
  const text = input.trim().replace(/\/+$/, "");
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new RejectedError(
      `"${input}" is not a registry address: use host[:port], https://host[:port] or http://host[:port].`,
    );
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new RejectedError(`A registry is reached over https:// or http://, not ${url.protocol}//.`);
  }
  if (url.username || url.password) {
    throw new RejectedError("Put the username and password in their own fields, not in the address.");
  }
  if ((url.pathname !== "/" && url.pathname !== "" && url.pathname !== "/v2") || url.search || url.hash) {
    throw new RejectedError("A registry address is scheme://host[:port], without a path or query.");
  }
  if (!url.hostname) throw new RejectedError("The registry address names no host.");
  return `${url.protocol}//${url.host}`;
}

/** The registry's host[:port], as image references name it. */
export function registryHostOfUrl(url: string): string {
  return new URL(url).host;
}

export class RegistryClient {
  private readonly tokens = new Map<string, { token: string; until: number }>();
  private readonly agent: http.Agent;

  constructor(
    private readonly endpoint: RegistryEndpoint,
    private readonly credentials: RegistryCredentials = {},
    private readonly options: { timeoutMs?: number } = {},
  ) {
    const secure = endpoint.url.startsWith("https:");
    this.agent = secure
      ? new https.Agent({ keepAlive: true, maxSockets: 4, rejectUnauthorized: !endpoint.skipTlsVerify })
      : new http.Agent({ keepAlive: true, maxSockets: 4 });
  }

  close(): void {
    this.agent.destroy();
  }

  /** GET /v2/: the registry is there and these credentials work. Says how it authenticated. */
  async check(): Promise<{ authKind: AuthKind }> {
    const first = await this.send(`${this.endpoint.url}/v2/`, {});
    this.expectRegistry(first, "/v2/");
    if (first.status === 200) return { authKind: "none" };
    if (first.status !== 401) throw this.unexpected(first, "/v2/");
    const challenge = parseChallenge(first.headers["www-authenticate"]);
    if (!challenge) {
      throw new RegistryProblem("http", "The registry answered 401 on /v2/ without saying how to authenticate.");
    }
    const answer = await this.withChallenge(`${this.endpoint.url}/v2/`, challenge);
    if (answer.status === 200) return { authKind: challenge.scheme };
    throw this.refused(answer, challenge, "/v2/");
  }

  /** One page of repositories (/v2/_catalog); `next` is where the following page starts. */
  async repositories(options: { last?: string; n?: number } = {}): Promise<{ repositories: string[]; next?: string }> {
    const query = new URLSearchParams({ n: String(options.n ?? 100), ...(options.last ? { last: options.last } : {}) });
    const body = await this.getJson(`/v2/_catalog?${query}`);
    const repositories = Array.isArray((body as { repositories?: unknown }).repositories)
      ? (body as { repositories: unknown[] }).repositories.filter((r): r is string => typeof r === "string")
      : [];
    const n = options.n ?? 100;
    return { repositories, ...(repositories.length >= n ? { next: repositories.at(-1) } : {}) };
  }

  /** The tags of one repository. */
  async tags(repository: string): Promise<string[]> {
    const body = await this.getJson(`/v2/${repository}/tags/list`);
    const tags = (body as { tags?: unknown }).tags;
    return Array.isArray(tags) ? tags.filter((t): t is string => typeof t === "string").sort() : [];
  }

  private async getJson(path: string): Promise<unknown> {
    const url = `${this.endpoint.url}${path}`;
    let answer = await this.send(url, this.cachedAuth());
    if (answer.status === 401) {
      const challenge = parseChallenge(answer.headers["www-authenticate"]);
      if (!challenge) throw new RegistryProblem("http", `The registry answered 401 on ${path} without a challenge.`);
      answer = await this.withChallenge(url, challenge);
      if (answer.status === 401) throw this.refused(answer, challenge, path);
    }
    if (answer.status === 404) {
      throw new RegistryProblem("not-registry", `The registry has nothing at ${path.split("?")[0]} (HTTP 404).`);
    }
    if (answer.status === 403) {
      throw new RegistryProblem(
        "denied",
        `The registry does not let these credentials read ${path.split("?")[0]} (HTTP 403).`,
      );
    }
    if (answer.status !== 200) throw this.unexpected(answer, path.split("?")[0]!);
    try {
      return JSON.parse(answer.body.toString("utf8")) as unknown;
    } catch {
      throw new RegistryProblem("http", `The registry's answer to ${path.split("?")[0]} was not JSON.`);
    }
  }

  private lastAuth: Record<string, string> = {};

  private cachedAuth(): Record<string, string> {
    return this.lastAuth;
  }

  private basicHeader(): string | null {
    const { username, password } = this.credentials;
    if (!username && !password) return null;
    return `Basic ${Buffer.from(`${username ?? ""}:${password ?? ""}`).toString("base64")}`;
  }

  /** Answers the challenge: Basic with the credentials, or Bearer with a token for its scope. */
  private async withChallenge(url: string, challenge: Challenge): Promise<Answer> {
    if (challenge.scheme === "basic") {
      const basic = this.basicHeader();
      if (!basic) {
        throw new RegistryProblem(
          "needs-credentials",
          "The registry needs a username and password (it answered 401 and asks for Basic authentication).",
        );
      }
      this.lastAuth = { authorization: basic };
      return this.send(url, this.lastAuth);
    }
    const token = await this.token(challenge);
    this.lastAuth = { authorization: `Bearer ${token}` };
    return this.send(url, this.lastAuth);
  }

  private async token(challenge: Challenge): Promise<string> {
    const realm = challenge.params.realm;
    if (!realm) throw new RegistryProblem("token", "The registry asks for a token but names no token service (realm).");
    let realmUrl: URL;
    try {
      realmUrl = new URL(realm);
    } catch {
      throw new RegistryProblem("token", `The registry names a token service that is not a URL: ${realm}`);
    }
    if (realmUrl.protocol !== "https:" && realmUrl.protocol !== "http:") {
      throw new RegistryProblem("token", `The registry's token service is not on http(s): ${realm}`);
    }
    if (challenge.params.service) realmUrl.searchParams.set("service", challenge.params.service);
    if (challenge.params.scope) realmUrl.searchParams.set("scope", challenge.params.scope);
    const key = realmUrl.toString();
    const cached = this.tokens.get(key);
    if (cached && cached.until > Date.now()) return cached.token;
    const basic = this.basicHeader();
    const answer = await this.send(key, basic ? { authorization: basic } : {}, "the token service");
    if (answer.status === 401 || answer.status === 403) {
      throw new RegistryProblem(
        basic ? "credentials" : "needs-credentials",
        basic
          ? `The registry's token service (${realmUrl.host}) refused the username or password (HTTP ${answer.status}).`
          : `The registry's token service (${realmUrl.host}) needs a username and password (HTTP ${answer.status}).`,
      );
    }
    if (answer.status !== 200) {
      throw new RegistryProblem(
        "token",
        `The registry's token service (${realmUrl.host}) answered HTTP ${answer.status}.`,
      );
    }
    let body: { token?: unknown; access_token?: unknown; expires_in?: unknown };
    try {
      body = JSON.parse(answer.body.toString("utf8")) as typeof body;
    } catch {
      throw new RegistryProblem("token", `The registry's token service (${realmUrl.host}) did not answer with JSON.`);
    }
    const token =
      typeof body.token === "string" ? body.token : typeof body.access_token === "string" ? body.access_token : "";
    if (!token)
      throw new RegistryProblem("token", `The registry's token service (${realmUrl.host}) answered without a token.`);
    const seconds = typeof body.expires_in === "number" && body.expires_in > 0 ? body.expires_in : 60;
    this.tokens.set(key, { token, until: Date.now() + Math.max(0, seconds - 5) * 1000 });
    return token;
  }

  private refused(answer: Answer, challenge: Challenge, path: string): RegistryProblem {
    if (challenge.scheme === "basic") {
      return new RegistryProblem(
        "credentials",
        `The registry refused the username or password (HTTP ${answer.status} on ${path}).`,
      );
    }
    return new RegistryProblem(
      "denied",
      `The registry refused the token its token service gave for these credentials (HTTP ${answer.status} on ${path}).`,
    );
  }

  /** A registry says so in a header on /v2/; anything else at that address is something else. */
  private expectRegistry(answer: Answer, path: string): void {
    const api = answer.headers["docker-distribution-api-version"];
    if (answer.status === 404 || (answer.status === 200 && !api)) {
      throw new RegistryProblem(
        "not-registry",
        `${this.endpoint.url}${path} answered HTTP ${answer.status}${api ? "" : " without Docker-Distribution-Api-Version"}: this is not a Docker registry (API v2).`,
      );
    }
  }

  private unexpected(answer: Answer, path: string): RegistryProblem {
    const text = answer.body.toString("utf8").slice(0, 200).trim();
    return new RegistryProblem(
      "http",
      `The registry answered HTTP ${answer.status} on ${path}${text ? `: ${text}` : "."}`,
    );
  }

  private send(url: string, headers: Record<string, string>, what = "the registry"): Promise<Answer> {
    const timeoutMs = this.options.timeoutMs ?? 10_000;
    const target = new URL(url);
    const secure = target.protocol === "https:";
    const sameOrigin = `${target.protocol}//${target.host}` === this.endpoint.url;
    return new Promise<Answer>((resolve, reject) => {
      const request = (secure ? https : http).request(
        target,
        {
          method: "GET",
          headers: { accept: "application/json", "user-agent": "stevedore", ...headers },
          // The token service may live elsewhere: it gets its own connection, with TLS checked
          // unless this registry's own checks are off.
          ...(sameOrigin ? { agent: this.agent } : secure ? { rejectUnauthorized: !this.endpoint.skipTlsVerify } : {}),
          timeout: timeoutMs,
        },
        (response) => {
          const chunks: Buffer[] = [];
          let size = 0;
          response.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_BODY) {
              response.destroy();
              reject(new RegistryProblem("http", `${what} sent more than ${MAX_BODY / 1024 / 1024} MiB.`));
              return;
            }
            chunks.push(chunk);
          });
          response.on("end", () =>
            resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
          );
          response.on("error", (error) => reject(this.networkProblem(error, target, what)));
        },
      );
      request.on("timeout", () => {
        request.destroy(
          new RegistryProblem(
            "timeout",
            `${capital(what)} at ${target.host} did not answer within ${timeoutMs / 1000} s.`,
          ),
        );
      });
      request.on("error", (error) =>
        reject(error instanceof RegistryProblem ? error : this.networkProblem(error, target, what)),
      );
      request.end();
    });
  }

  private networkProblem(error: Error, target: URL, what: string): RegistryProblem {
    const code = (error as NodeJS.ErrnoException).code ?? "";
    const host = target.host;
    if (code === "ENOTFOUND" || code === "EAI_AGAIN") {
      return new RegistryProblem("dns", `Cannot find ${what}'s host ${target.hostname}: the name does not resolve.`, {
        cause: error,
      });
    }
    if (code === "ECONNREFUSED") {
      return new RegistryProblem("refused", `Nothing answers at ${host}: the connection was refused.`, {
        cause: error,
      });
    }
    if (code === "ECONNRESET" && target.protocol === "https:") {
      return new RegistryProblem("tls", `${capital(what)} at ${host} closed the connection during the TLS handshake.`, {
        cause: error,
      });
    }
    if (code === "EPROTO" || /wrong version number|packet length too long|http request/i.test(error.message)) {
      return new RegistryProblem(
        "plain-http",
        `${capital(what)} at ${host} speaks plain HTTP, not HTTPS: write its address as http://${host} (the engines must trust it as an insecure registry).`,
        { cause: error },
      );
    }
    if (/certificate|self[- ]signed|CERT_|unable to verify|altnames/i.test(`${code} ${error.message}`)) {
      return new RegistryProblem(
        "tls",
        `The TLS certificate of ${host} is not trusted (${error.message}). If the registry uses a self-signed certificate, tick "Skip TLS verification".`,
        { cause: error },
      );
    }
    if (code === "ETIMEDOUT" || code === "EHOSTUNREACH" || code === "ENETUNREACH") {
      return new RegistryProblem("network", `Cannot reach ${host} (${code}).`, { cause: error });
    }
    return new RegistryProblem("network", `Cannot talk to ${what} at ${host}: ${error.message}`, { cause: error });
  }
}

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
