// One engine, one client: a dockerode instance built from an environment descriptor, its API
// version pinned after the first /version, and every call made through `call` (a deadline that
// aborts the request, a cap on calls in flight, identical reads coalesced).
import http from "node:http";
import https from "node:https";
import Docker from "dockerode";
import { classifyDockerError, DockerBusyError, DockerUnreachableError, DockerTimeoutError } from "./errors";
import { Coalescer, DeadlineExceeded, Semaphore, raceDeadline, withDeadline } from "./limits";
import { inspectsAsOneLine } from "./pool-inspect";
import { SshAgent, type SshHostKey } from "./ssh";
import type { EnvironmentDescriptor } from "./types";

/**
 * ssh://: how long a call may wait for a channel to the engine before its deadline starts. A
 * new channel is a `docker system dial-stdio` process started on the host (and, the first time
 * or after a quiet spell, an SSH handshake): a tenth of a second on a quiet host, several
 * seconds on a busy one. A deadline is the engine's to meet, not the host's process start.
 */
export const SSH_SETUP_MS = 20_000;

/** The newest Docker API version Stevedore speaks; engines that offer more are pinned to it. */
export const STEVEDORE_API_VERSION = "1.45";

export type Endpoint =
  | { kind: "unix"; socketPath: string }
  | { kind: "tcp"; host: string; port: number }
  | { kind: "ssh"; host: string; port: number; username?: string };

/** Parses unix:///path, tcp://host[:port] and ssh://[user@]host[:port]; throws on anything else. */
export function parseEndpoint(url: string): Endpoint {
  if (url.startsWith("unix://")) {
    const socketPath = url.slice("unix://".length);
    if (!socketPath.startsWith("/")) throw new Error(`A unix endpoint needs an absolute path: ${url}`);
    return { kind: "unix", socketPath };
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`Not an endpoint URL: ${url}`);
  }
  const host = parsed.hostname.replace(/^\[(.*)\]$/, "$1");
  if (!host) throw new Error(`The endpoint names no host: ${url}`);
  if (parsed.protocol === "tcp:") return { kind: "tcp", host, port: Number(parsed.port || 2375) };
  if (parsed.protocol === "ssh:") {
    const username = decodeURIComponent(parsed.username) || undefined;
    return { kind: "ssh", host, port: Number(parsed.port || 22), ...(username ? { username } : {}) };
  }
  throw new Error(`Use unix://, tcp:// or ssh://, not ${parsed.protocol}//`);
}

type ModemOptions = Docker.DockerOptions & { agent?: http.Agent; pathPrefix?: string };

/**
 * The dockerode options for a descriptor. Every connection key is set, even to undefined, so
 * that DOCKER_HOST, DOCKER_CERT_PATH and friends in Stevedore's own environment never leak in.
 */
export function dockerOptionsFor(descriptor: EnvironmentDescriptor): ModemOptions {
  const endpoint = parseEndpoint(descriptor.url);
  const blank: ModemOptions = {
    socketPath: undefined,
    host: undefined,
    port: undefined,
    protocol: undefined,
    ca: undefined,
    cert: undefined,
    key: undefined,
    username: undefined,
    timeout: undefined,
    version: undefined,
    pathPrefix: "/",
  };
  switch (endpoint.kind) {
    case "unix":
      return { ...blank, socketPath: endpoint.socketPath };
    case "tcp": {
      const tls = descriptor.tls;
      const secure = Boolean(tls && (tls.ca || tls.cert || tls.key));
      return {
        ...blank,
        host: endpoint.host,
        port: endpoint.port,
        protocol: secure ? "https" : "http",
        ...(secure ? { ca: tls?.ca, cert: tls?.cert, key: tls?.key } : {}),
      };
    }
    case "ssh":
      // HTTP to a name never resolved, as the docker CLI does: the connections are SSH channels
      // made by the client's SshAgent (./ssh.ts), so the modem never parses the ssh:// URL.
      return { ...blank, host: "docker.example.com", port: 80, protocol: "http" };
  }
}

/** The endpoint as shown in messages and status: a password in the URL never is. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:@/]+):[^@/]*@/i, "$1:***@");
}

/** Compares "1.41" with "1.45" numerically. */
export function compareApiVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return Math.sign(d);
  }
  return 0;
}

/** min(engine's, ours), but never below what the engine still accepts. */
export function negotiateApiVersion(engine: string, engineMinimum?: string, ours = STEVEDORE_API_VERSION): string {
  const version = compareApiVersions(engine, ours) < 0 ? engine : ours;
  return engineMinimum && compareApiVersions(version, engineMinimum) < 0 ? engineMinimum : version;
}

/** What /version says, trimmed. */
export interface EngineVersion {
  version: string;
  apiVersion: string;
  minApiVersion?: string;
  os: string;
  arch: string;
  kernelVersion: string;
}

export interface CallOptions {
  deadlineMs: number;
  /** Reads with the same key while one is in flight share its answer. Never set it on writes. */
  key?: string;
  /**
   * With `key`: join only a read that began at or after this moment (performance.now()); a read
   * that must see what an event announced starts after the event, never joins an older one.
   */
  startedAfter?: number;
  /** Aborts the call early (a closed page). */
  signal?: AbortSignal;
}

/** A call gets a dockerode whose every request carries the call's abort signal. */
export type EngineCall<T> = (docker: Docker, signal: AbortSignal) => Promise<T>;

export interface EngineClientOptions {
  /** Calls in flight at once; more wait in line (their wait counts against their deadline). */
  maxInFlight?: number;
  /**
   * Long-lived streams open at once (the event stream, followed logs, stats, consoles, file
   * transfers); one more is refused at once rather than queued.
   */
  maxStreams?: number;
  /** ssh://: heard once when the host's key is pinned at first use (no key was pinned before). */
  onHostKey?: (hostKey: SshHostKey) => void;
}

export class EngineClient {
  readonly environmentId: string;
  readonly url: string;
  private readonly docker: Docker;
  private readonly callAgent: http.Agent;
  /** ssh://: the one agent both pools are. */
  private readonly ssh: SshAgent | undefined;
  private readonly streamAgent: http.Agent;
  private readonly slots: Semaphore;
  private readonly maxStreams: number;
  private streams = 0;
  private readonly reads = new Coalescer();
  private pinned: Promise<EngineVersion> | undefined;
  private engineVersion: EngineVersion | undefined;

  constructor(descriptor: EnvironmentDescriptor, options: EngineClientOptions = {}) {
    this.environmentId = descriptor.id;
    this.url = redactUrl(descriptor.url);
    const modemOptions = dockerOptionsFor(descriptor);
    const maxInFlight = options.maxInFlight ?? 8;
    this.maxStreams = options.maxStreams ?? 64;
    // Two pools of our own per engine, bounded and closed with the client: one for short calls,
    // one for long-lived streams, so that streams (however many followed logs are open) never
    // hold the sockets that a list, an inspect or a restart needs. Over ssh both are channels of
    // the one SSH connection the SshAgent keeps, which carries both budgets.
    const endpoint = parseEndpoint(descriptor.url);
    if (endpoint.kind === "ssh") {
      const ssh = inspectsAsOneLine(
        new SshAgent(
          {
            host: endpoint.host,
            port: endpoint.port,
            username: endpoint.username,
            privateKey: descriptor.ssh?.privateKey,
            passphrase: descriptor.ssh?.passphrase,
            hostKey: descriptor.ssh?.hostKey,
            onHostKey: options.onHostKey,
            label: `${endpoint.username ?? "root"}@${endpoint.host}:${endpoint.port}`,
          },
          { maxSockets: maxInFlight + this.maxStreams + 3 },
        ),
        `ssh connection of ${descriptor.id}`,
      );
      this.ssh = ssh;
      this.callAgent = ssh;
      this.streamAgent = ssh;
    } else {
      const Agent = modemOptions.protocol === "https" ? https.Agent : http.Agent;
      this.callAgent = inspectsAsOneLine(
        new Agent({ keepAlive: true, maxSockets: maxInFlight + 2 }),
        `call pool of ${descriptor.id}`,
      );
      this.streamAgent = inspectsAsOneLine(
        new Agent({ keepAlive: true, maxSockets: this.maxStreams + 1 }),
        `stream pool of ${descriptor.id}`,
      );
    }
    modemOptions.agent = this.callAgent;
    this.docker = new Docker(modemOptions);
    this.slots = new Semaphore(maxInFlight);
  }

  /** The API version pinned for this engine, once known. */
  get apiVersion(): string | undefined {
    return this.modem.version?.replace(/^v/, "");
  }

  get version(): EngineVersion | undefined {
    return this.engineVersion;
  }

  get inFlight(): number {
    return this.slots.inFlight;
  }

  /** Long-lived streams open now. */
  get streamsOpen(): number {
    return this.streams;
  }

  /**
   * Runs `fn` against the engine within `deadlineMs` (waiting for a slot included). Rejects with
   * a DockerTimeoutError at the deadline, or with the classified error of the engine.
   */
  call<T>(name: string, fn: EngineCall<T>, options: CallOptions): Promise<T> {
    const run = (parent?: AbortSignal) =>
      withDeadline(
        async (signal) => {
          const release = await this.slots.acquire(signal);
          try {
            await this.pin(signal);
            return await fn(this.dockerFor(signal), signal);
          } finally {
            release();
          }
        },
        options.deadlineMs,
        parent,
      );
    // A shared read runs to its own deadline whoever leaves; each caller keeps its own deadline
    // and signal (a joiner cannot extend the first caller's deadline).
    const go = () =>
      options.key
        ? raceDeadline(
            this.reads.run(options.key, () => run(), options.startedAfter),
            options.deadlineMs,
            options.signal,
          )
        : run(options.signal);
    return this.afterTransport(go, options.signal).catch((error: unknown) => {
      throw this.classify(error, name, options.deadlineMs, "call");
    });
  }

  /**
   * Asks the engine who it is: /version (which re-pins the API version) and /info, within one
   * deadline. Failures are DockerUnreachableError with a precise cause.
   */
  handshake(options: { deadlineMs: number; signal?: AbortSignal }): Promise<{ version: EngineVersion; info: unknown }> {
    const go = () =>
      withDeadline(
        async (signal) => {
          const release = await this.slots.acquire(signal);
          try {
            const pinning = this.fetchVersion(signal);
            this.pinned = pinning;
            pinning.catch(() => {
              if (this.pinned === pinning) this.pinned = undefined;
            });
            const version = await pinning;
            const info: unknown = await this.dockerFor(signal).info();
            if (typeof info !== "object" || info === null || !("ServerVersion" in info)) {
              throw this.notDocker("/info did not describe a Docker engine.");
            }
            return { version, info };
          } finally {
            release();
          }
        },
        options.deadlineMs,
        options.signal,
      );
    return this.afterTransport(go, options.signal).catch((error: unknown) => {
      throw this.classify(error, "the handshake", options.deadlineMs, "connect");
    });
  }

  /**
   * Opens a long-lived response (the event stream, logs, stats, an exec's hijacked connection):
   * the deadline covers getting it, and the stream then lives until `signal` aborts. It takes
   * no call slot but one of the engine's stream places, until it ends, breaks or is aborted.
   */
  async openStream(
    name: string,
    fn: EngineCall<NodeJS.ReadableStream>,
    options: { deadlineMs: number; signal: AbortSignal },
  ): Promise<NodeJS.ReadableStream> {
    const release = this.takeStreamPlace(name);
    const controller = new AbortController();
    const onAbort = () => {
      controller.abort(options.signal.reason);
      release();
    };
    options.signal.addEventListener("abort", onAbort, { once: true });
    try {
      await this.afterTransport(() => Promise.resolve(), options.signal);
      const stream = await withDeadline(
        async (deadlineSignal) => {
          deadlineSignal.addEventListener("abort", () => controller.abort(deadlineSignal.reason), { once: true });
          await this.pin(deadlineSignal);
          return fn(this.dockerFor(controller.signal, { stream: true }), controller.signal);
        },
        options.deadlineMs,
        options.signal,
      );
      for (const ending of ["end", "close", "error"]) stream.once(ending, release);
      return stream;
    } catch (error) {
      options.signal.removeEventListener("abort", onAbort);
      controller.abort();
      release();
      throw this.classify(error, name, options.deadlineMs, "call");
    }
  }

  /**
   * A call that streams a body of unknown duration (an upload): like `call`, but on the stream
   * pool and in a stream place instead of a call slot, so a slow or stalled sender cannot hold
   * what short calls need. The caller bounds it (its signal; a stall timer of its own).
   */
  streamCall<T>(name: string, fn: EngineCall<T>, options: { deadlineMs: number; signal?: AbortSignal }): Promise<T> {
    let release: () => void;
    try {
      release = this.takeStreamPlace(name);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    const go = () =>
      withDeadline(
        async (signal) => {
          await this.pin(signal);
          return fn(this.dockerFor(signal, { stream: true }), signal);
        },
        options.deadlineMs,
        options.signal,
      );
    return this.afterTransport(go, options.signal)
      .catch((error: unknown) => {
        throw this.classify(error, name, options.deadlineMs, "call");
      })
      .finally(release);
  }

  /**
   * Is the engine alive? A `/_ping` within `deadlineMs`, taking no call slot (so calls waiting
   * on a slow engine do not delay the answer) on the call pool's spare sockets.
   */
  ping(options: { deadlineMs: number }): Promise<void> {
    const go = () =>
      withDeadline(async (signal) => {
        await this.dockerFor(signal, { unversioned: true }).ping();
      }, options.deadlineMs);
    return this.afterTransport(go).catch((error: unknown) => {
      throw this.classify(error, "/_ping", options.deadlineMs, "connect");
    });
  }

  /**
   * Runs `go` (which starts a deadline) once the transport can carry a request at once: over
   * ssh://, after a channel is ready (SSH_SETUP_MS at most); otherwise straight away.
   */
  private afterTransport<T>(go: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (!this.ssh) return go();
    return this.ssh.warm(SSH_SETUP_MS, signal).then(go);
  }

  /** Drops pooled connections; calls in flight fail. */
  close(): void {
    this.callAgent.destroy();
    if (this.streamAgent !== this.callAgent) this.streamAgent.destroy();
  }

  /** One of the engine's stream places, or a DockerBusyError when all are taken. */
  private takeStreamPlace(name: string): () => void {
    if (this.streams >= this.maxStreams) {
      throw new DockerBusyError(
        this.environmentId,
        `${this.url} has ${this.maxStreams} live streams open already (followed logs, stats, consoles, ` +
          `transfers), so ${name} was not opened. Try again when one ends.`,
      );
    }
    this.streams++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.streams--;
    };
  }

  private get modem(): Docker["modem"] & { version?: string } {
    return this.docker.modem;
  }

  /** Resolves once an API version is pinned, asking /version the first time. */
  private pin(signal: AbortSignal): Promise<EngineVersion> {
    if (this.pinned) return this.pinned;
    const pinning = this.fetchVersion(signal);
    this.pinned = pinning;
    pinning.catch(() => {
      if (this.pinned === pinning) this.pinned = undefined;
    });
    return pinning;
  }

  private async fetchVersion(signal: AbortSignal): Promise<EngineVersion> {
    const raw: unknown = await this.dockerFor(signal, { unversioned: true }).version();
    const version = readVersion(raw);
    if (!version) throw this.notDocker("/version did not describe a Docker engine.");
    this.modem.version = `v${negotiateApiVersion(version.apiVersion, version.minApiVersion)}`;
    this.engineVersion = version;
    return version;
  }

  /**
   * A dockerode sharing this client's modem (its pool, TLS and pinned version) whose requests all
   * carry `signal`, so the deadline aborts the HTTP request itself, whichever method is used.
   */
  private dockerFor(signal: AbortSignal, options: { unversioned?: boolean; stream?: boolean } = {}): Docker {
    const shared = this.modem;
    const modem = Object.create(shared) as typeof shared & { agent?: http.Agent };
    if (options.stream) modem.agent = this.streamAgent;
    const dial = shared.dial.bind(modem);
    modem.dial = (dialOptions, callback) => {
      dialOptions.abortSignal ??= signal;
      dial(dialOptions, callback);
    };
    if (options.unversioned) modem.version = undefined;
    return new Docker({ modem } as Docker.DockerOptions);
  }

  private notDocker(message: string): DockerUnreachableError {
    return new DockerUnreachableError(this.environmentId, "not-docker", `${this.url}: ${message}`);
  }

  private classify(error: unknown, operation: string, deadlineMs: number, phase: "connect" | "call") {
    if (error instanceof DeadlineExceeded) {
      const timeout = new DockerTimeoutError(this.environmentId, operation, deadlineMs);
      return phase === "connect"
        ? classifyDockerError(this.environmentId, timeout, { phase, endpoint: this.url })
        : timeout;
    }
    return classifyDockerError(this.environmentId, error, { phase, operation, endpoint: this.url });
  }
}

function readVersion(raw: unknown): EngineVersion | undefined {
  if (typeof raw !== "object" || raw === null) return undefined;
  const v = raw as Record<string, unknown>;
  if (typeof v.ApiVersion !== "string" || typeof v.Version !== "string") return undefined;
  const text = (key: string) => (typeof v[key] === "string" ? v[key] : "");
  return {
    version: v.Version,
    apiVersion: v.ApiVersion,
    ...(typeof v.MinAPIVersion === "string" ? { minApiVersion: v.MinAPIVersion } : {}),
    os: text("Os"),
    arch: text("Arch"),
    kernelVersion: text("KernelVersion"),
  };
}
