// Docker over SSH, the way the docker CLI does it (`docker -H ssh://user@host`): each HTTP
// connection is a channel running `docker system dial-stdio` on the host. Unlike docker-modem's
// own ssh transport, which opens a new SSH connection for every request, one SSH connection
// per engine carries many channels (and a second one is opened when a server's MaxSessions,
// 10 by default, is reached), so a call costs a channel, not a handshake.
//
// The host's key is pinned: the environment stores the key it showed at first use and a host
// that shows another one is refused with a message that says so. The private key is read
// before any connection, so a missing or wrong passphrase names itself.
import { createHash } from "node:crypto";
import http from "node:http";
import type { Duplex } from "node:stream";
import ssh2, { type Client, type ClientChannel, type ConnectConfig, type ParsedKey } from "ssh2";

/** A host key as the environment stores and shows it. */
export interface SshHostKey {
  /** "ssh-ed25519 AAAA…", as in known_hosts (without the host name). */
  key: string;
  /** "ED25519", "RSA", "ECDSA", as ssh-keygen -l names them. */
  type: string;
  /** "SHA256:…", as ssh-keygen -l and ssh show it. */
  fingerprint: string;
}

export interface SshTarget {
  host: string;
  port: number;
  username?: string;
  privateKey?: string;
  passphrase?: string;
  /** The pinned host key ("ssh-ed25519 AAAA…"); without it, the first key seen is pinned. */
  hostKey?: string;
  /** Heard once, when a key is pinned at first use. */
  onHostKey?: (hostKey: SshHostKey) => void;
  /** Where messages name the host: "root@10.0.0.5:22". */
  label: string;
}

/** Why an SSH connection failed, in words for the person who set it up. */
export class SshError extends Error {
  constructor(
    readonly reason: "host-key" | "auth" | "refused" | "timeout" | "not-docker",
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "SshError";
  }
}

const SSH_NAMES: Record<string, string> = {
  "ssh-ed25519": "ED25519",
  "ssh-rsa": "RSA",
  "ecdsa-sha2-nistp256": "ECDSA",
  "ecdsa-sha2-nistp384": "ECDSA",
  "ecdsa-sha2-nistp521": "ECDSA",
  "ssh-dss": "DSA",
};

/** A host key from the server's wire format (the blob ssh2 hands the verifier). */
export function hostKeyFromBlob(blob: Buffer): SshHostKey {
  const length = blob.length >= 4 ? blob.readUInt32BE(0) : 0;
  const algorithm = blob.subarray(4, 4 + length).toString("latin1");
  const fingerprint = `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
  return {
    key: `${algorithm} ${blob.toString("base64")}`,
    type: SSH_NAMES[algorithm] ?? algorithm,
    fingerprint,
  };
}

/** The same, from a stored "ssh-ed25519 AAAA…" line; undefined when it is not one. */
export function parseHostKey(line: string): SshHostKey | undefined {
  const [algorithm, base64] = line.trim().split(/\s+/);
  if (!algorithm || !base64 || !/^[A-Za-z0-9+/]+=*$/.test(base64)) return undefined;
  const parsed = hostKeyFromBlob(Buffer.from(base64, "base64"));
  return parsed.key.startsWith(`${algorithm} `) ? parsed : undefined;
}

/** The private key ssh2 will use, or an SshError that says what is wrong with it. */
export function readPrivateKey(privateKey: string, passphrase: string | undefined): ParsedKey {
  const parsed: ParsedKey | Error = ssh2.utils.parseKey(privateKey, passphrase);
  if (parsed instanceof Error) {
    if (/no passphrase given/i.test(parsed.message)) {
      throw new SshError("auth", "The private key is protected by a passphrase: give its passphrase.");
    }
    if (/bad passphrase|decrypt/i.test(parsed.message)) {
      throw new SshError("auth", "The passphrase does not open the private key: it is not this key's passphrase.");
    }
    throw new SshError(
      "auth",
      "The private key is not one SSH can read: give an OpenSSH private key (-----BEGIN OPENSSH PRIVATE KEY-----) or a PEM RSA, ECDSA or Ed25519 one.",
    );
  }
  if (!parsed.isPrivateKey()) {
    throw new SshError("auth", "That is a public key: give the private key (the file without .pub).");
  }
  return parsed;
}

/** Channels per SSH connection: below OpenSSH's MaxSessions (10 by default). */
const CHANNELS_PER_CONNECTION = 8;
/** A connection without channels, and a ready channel nobody took, are closed after this long. */
const IDLE_CLOSE_MS = 30_000;
/** A `docker system dial-stdio` that has not answered its first request by then is given up. */
const DIAL_STDIO_ANSWER_MS = 30_000;
/** What a new channel asks the engine before it carries a request (the answer has no body). */
const READY_REQUEST = "HEAD /_ping HTTP/1.1\r\nHost: docker\r\n\r\n";

interface Connection {
  client: Client;
  ready: Promise<void>;
  channels: number;
  idleTimer?: NodeJS.Timeout;
  closed: boolean;
}

/** A request waiting for a channel; `wanted()` turns false once its request is gone. */
interface Waiter {
  wanted(): boolean;
  resolve(channel: ClientChannel): void;
  reject(error: Error): void;
}

/**
 * SSH connections to one host, each carrying up to CHANNELS_PER_CONNECTION dial-stdio channels.
 *
 * A new channel costs the host a process: `docker system dial-stdio` starts (a Go program:
 * a tenth of a second on a quiet host, seconds on a busy one) and connects to the engine. A
 * channel is handed to a request only once the engine has answered through it, and a channel
 * that becomes ready after its request gave up (its deadline passed) is kept for the next
 * request instead of being thrown away with it: on a busy host every call would otherwise pay
 * the start-up, and a deadline shorter than the start-up would never be met, however often it
 * was retried.
 */
class SshConnections {
  private readonly connections = new Set<Connection>();
  private readonly waiters: Waiter[] = [];
  /** Ready channels no request took (their request gave up first). */
  private readonly spares = new Map<ClientChannel, NodeJS.Timeout>();
  /** Channels being started. */
  private starting = 0;
  private pinned: string | undefined;
  private key: ParsedKey | undefined;
  private closed = false;

  constructor(
    private readonly target: SshTarget,
    private readonly readyTimeoutMs: number,
  ) {
    this.pinned = target.hostKey?.trim() || undefined;
  }

  /**
   * A channel running `docker system dial-stdio` that the engine has answered through: a byte
   * stream to the engine's API. `wanted` says whether the request asking for it still waits.
   */
  openChannel(wanted: () => boolean = () => true): Promise<ClientChannel> {
    if (this.closed)
      return Promise.reject(new SshError("refused", `The SSH transport to ${this.target.label} is closed.`));
    const [spare] = this.spares;
    if (spare) {
      clearTimeout(spare[1]);
      this.spares.delete(spare[0]);
      return Promise.resolve(spare[0]);
    }
    return new Promise<ClientChannel>((resolve, reject) => {
      this.waiters.push({ wanted, resolve, reject });
      this.dropUnwanted();
      // Whoever waits takes the first channel ready: a request whose predecessor gave up takes
      // the channel started for it rather than starting one more.
      if (this.starting < this.waiters.length) this.start();
    });
  }

  /**
   * Resolves once a ready channel waits as a spare (or one already did), or after `ms`, or when
   * `signal` aborts; a channel still starting then carries on, for whoever asks next. Rejects
   * only with why no channel can be had (the host refused the key, or its key changed...).
   */
  warm(ms: number, signal?: AbortSignal): Promise<void> {
    if (this.spares.size || this.closed) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      let waiting = true;
      const stop = () => {
        waiting = false;
        clearTimeout(timer);
        signal?.removeEventListener("abort", stop);
        resolve();
      };
      const timer = setTimeout(stop, ms);
      signal?.addEventListener("abort", stop, { once: true });
      this.openChannel(() => waiting && !signal?.aborted).then(
        (channel) => {
          this.spare(channel);
          stop();
        },
        (error: unknown) => {
          if (!waiting) return;
          waiting = false;
          clearTimeout(timer);
          signal?.removeEventListener("abort", stop);
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }

  close(): void {
    this.closed = true;
    for (const [channel, timer] of this.spares) {
      clearTimeout(timer);
      channel.destroy();
    }
    this.spares.clear();
    const closed = new SshError("refused", `The SSH transport to ${this.target.label} is closed.`);
    for (const waiter of this.waiters.splice(0)) waiter.reject(closed);
    for (const connection of this.connections) this.end(connection);
  }

  private dropUnwanted(): void {
    for (let i = this.waiters.length - 1; i >= 0; i--) if (!this.waiters[i]!.wanted()) this.waiters.splice(i, 1);
  }

  /** Starts one channel, for whoever waits when it is ready (or as a spare). */
  private start(): void {
    this.starting++;
    this.startChannel().then(
      (channel) => {
        this.starting--;
        this.dropUnwanted();
        const waiter = this.waiters.shift();
        if (waiter) return waiter.resolve(channel);
        this.spare(channel);
      },
      (error: unknown) => {
        this.starting--;
        this.dropUnwanted();
        this.waiters.shift()?.reject(this.explain(error));
      },
    );
  }

  /** Keeps a ready channel for the next request (for IDLE_CLOSE_MS at most). */
  private spare(channel: ClientChannel): void {
    if (this.closed || channel.destroyed) return void channel.destroy();
    this.spares.set(
      channel,
      setTimeout(() => {
        this.spares.delete(channel);
        channel.destroy();
      }, IDLE_CLOSE_MS).unref(),
    );
    channel.once("close", () => {
      clearTimeout(this.spares.get(channel));
      this.spares.delete(channel);
    });
  }

  private async startChannel(): Promise<ClientChannel> {
    const connection = [...this.connections].find((c) => !c.closed && c.channels < CHANNELS_PER_CONNECTION);
    const chosen = connection ?? this.connect();
    chosen.channels++;
    clearTimeout(chosen.idleTimer);
    let channel: ClientChannel | undefined;
    try {
      await chosen.ready;
      channel = await new Promise<ClientChannel>((resolve, reject) =>
        chosen.client.exec("docker system dial-stdio", (error, stream) => (error ? reject(error) : resolve(stream))),
      );
    } catch (error) {
      this.release(chosen);
      throw error;
    }
    const opened = channel;
    let released = false;
    opened.once("close", () => {
      if (released) return;
      released = true;
      this.release(chosen);
    });
    // What the engine's side says when `docker` is missing or cannot reach the engine.
    let stderr = "";
    opened.stderr.on("data", (chunk: Buffer) => {
      if (stderr.length < 2_000) stderr += chunk.toString("utf8");
    });
    opened.once("exit", (code: number | null) => {
      if (!code || !stderr) return;
      const failure = new SshError("not-docker", dialStdioMessage(this.target.label, stderr));
      if (opened.listenerCount("error")) opened.emit("error", failure);
      opened.destroy();
    });
    try {
      await answered(opened, this.target.label);
    } catch (error) {
      opened.destroy();
      throw error;
    }
    return opened;
  }

  private connect(): Connection {
    const client = new ssh2.Client();
    const { target } = this;
    let offered: SshHostKey | undefined;
    const config: ConnectConfig = {
      host: target.host,
      port: target.port,
      username: target.username ?? "root",
      readyTimeout: this.readyTimeoutMs,
      keepaliveInterval: 15_000,
      keepaliveCountMax: 3,
      hostVerifier: (blob: Buffer) => {
        offered = hostKeyFromBlob(blob);
        if (!this.pinned) return true;
        return parseHostKey(this.pinned)?.key === offered.key;
      },
      authHandler: this.authentication(target.username ?? "root"),
    };
    const connection: Connection = { client, ready: Promise.resolve(), channels: 0, closed: false };
    connection.ready = new Promise<void>((resolve, reject) => {
      client.once("ready", () => {
        if (!this.pinned && offered) {
          this.pinned = offered.key;
          target.onHostKey?.(offered);
        }
        resolve();
      });
      client.once("error", (error: Error & { level?: string }) => {
        connection.closed = true;
        this.connections.delete(connection);
        const pinned = this.pinned ? parseHostKey(this.pinned) : undefined;
        if (offered && pinned && pinned.key !== offered.key) {
          reject(
            new SshError(
              "host-key",
              `The SSH host key of ${target.label} has changed: Stevedore pinned ${pinned.type} ${pinned.fingerprint} ` +
                `at first use, and the host now shows ${offered.type} ${offered.fingerprint}. Stevedore refuses to ` +
                `connect, as someone may be impersonating the host. If its key changed on purpose (a reinstall), ` +
                `edit the environment's connection to trust the new key.`,
              { cause: error },
            ),
          );
        } else reject(error);
      });
    });
    connection.ready.catch(() => undefined);
    client.on("close", () => {
      connection.closed = true;
      this.connections.delete(connection);
    });
    this.connections.add(connection);
    client.connect(config);
    return connection;
  }

  /**
   * One attempt with the key (decrypted once per engine: an OpenSSH key's passphrase costs a
   * bcrypt run, seconds on a busy machine) or, without one, the ssh-agent at SSH_AUTH_SOCK.
   */
  private authentication(username: string): NonNullable<ConnectConfig["authHandler"]> {
    const { privateKey, passphrase } = this.target;
    if (privateKey) this.key ??= readPrivateKey(privateKey, passphrase);
    const key = this.key;
    const agent = process.env.SSH_AUTH_SOCK;
    let tried = false;
    return (_methodsLeft, _partialSuccess, next) => {
      // ssh2 ends authentication on `false` (its typings leave that out).
      const giveUp = () => (next as unknown as (method: false) => void)(false);
      if (tried) return giveUp();
      tried = true;
      if (key) next({ type: "publickey", username, key });
      else if (agent) next({ type: "agent", username, agent });
      else giveUp();
    };
  }

  private release(connection: Connection): void {
    connection.channels = Math.max(0, connection.channels - 1);
    if (connection.channels > 0 || connection.closed) return;
    connection.idleTimer = setTimeout(() => this.end(connection), IDLE_CLOSE_MS);
    connection.idleTimer.unref();
  }

  private end(connection: Connection): void {
    clearTimeout(connection.idleTimer);
    connection.closed = true;
    this.connections.delete(connection);
    connection.client.end();
  }

  private explain(error: unknown): Error {
    if (error instanceof SshError) return error;
    const e = error as Error & { level?: string; code?: string };
    const at = this.target.label;
    if (e.level === "client-authentication") {
      return new SshError(
        "auth",
        `The SSH server at ${at} refused the key (authentication failed): its public key is not in ` +
          `${this.target.username ?? "root"}'s authorized_keys there, or the user may not log in.`,
        { cause: error },
      );
    }
    if (e.level === "client-timeout" || /Timed out while waiting for handshake/i.test(e.message)) {
      return new SshError("timeout", `The SSH handshake with ${at} timed out.`, { cause: error });
    }
    if (/open failed|Channel open failure/i.test(e.message)) {
      return new SshError("refused", `The SSH server at ${at} refused to run a command: ${e.message}`, {
        cause: error,
      });
    }
    return e instanceof Error ? e : new Error(String(error));
  }
}

/**
 * Resolves once the engine has answered READY_REQUEST through `channel` (its answer read and
 * nothing more, so the channel then carries the next request as a fresh connection would).
 */
function answered(channel: ClientChannel, label: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let head = Buffer.alloc(0);
    const timer = setTimeout(
      () =>
        settle(
          new SshError(
            "timeout",
            `docker system dial-stdio on ${label} did not answer within ${DIAL_STDIO_ANSWER_MS / 1000} s.`,
          ),
        ),
      DIAL_STDIO_ANSWER_MS,
    );
    const settle = (error?: Error) => {
      clearTimeout(timer);
      channel.off("readable", onReadable);
      channel.off("error", settle);
      channel.off("close", onClose);
      if (error) reject(error);
      else resolve();
    };
    const onClose = () =>
      settle(new SshError("not-docker", `docker system dial-stdio on ${label} ended before the engine answered.`));
    const onReadable = () => {
      for (let chunk = channel.read() as Buffer | null; chunk !== null; chunk = channel.read() as Buffer | null) {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf("\r\n\r\n");
        if (end < 0 && head.length < 64 * 1024) continue;
        if (!head.subarray(0, 5).equals(Buffer.from("HTTP/")) || end < 0) {
          return settle(
            new SshError("not-docker", `What answers on ${label} through dial-stdio is not a Docker engine.`),
          );
        }
        if (head.length > end + 4) channel.unshift(head.subarray(end + 4));
        return settle();
      }
    };
    channel.on("readable", onReadable);
    channel.on("error", settle);
    channel.on("close", onClose);
    channel.write(READY_REQUEST);
  });
}

function dialStdioMessage(label: string, stderr: string): string {
  const line = stderr.trim().split("\n").slice(-1)[0] ?? "";
  if (/not found/i.test(stderr)) return `The SSH host ${label} has no docker command (docker system dial-stdio).`;
  return `docker system dial-stdio on ${label} failed: ${line}`;
}

const REQUEST = Symbol("the request asking for a connection");

/** The part of Node's Agent its typings leave out. */
interface AgentInternals {
  createSocket(
    this: http.Agent,
    req: http.ClientRequest,
    options: object,
    callback: (error: Error | null, socket?: Duplex) => void,
  ): void;
}

/**
 * An http.Agent whose connections are SSH channels: dockerode talks HTTP to "docker.example.com"
 * (a name never resolved, as the docker CLI does) and every byte goes through the SSH server.
 */
export class SshAgent extends http.Agent {
  private readonly connections: SshConnections;

  constructor(target: SshTarget, options: { maxSockets: number; readyTimeoutMs?: number }) {
    super({ keepAlive: true, maxSockets: options.maxSockets });
    this.connections = new SshConnections(target, options.readyTimeoutMs ?? 10_000);
  }

  /**
   * Node's Agent hands createConnection the request's options but not the request (and, for a
   * request that waited for a free place, another request's options): the request rides along
   * from here, where Agent has it, so that a channel that becomes ready after its request gave
   * up is kept for the next one.
   */
  createSocket(
    req: http.ClientRequest,
    options: object,
    callback: (error: Error | null, socket?: Duplex) => void,
  ): void {
    (http.Agent.prototype as unknown as AgentInternals).createSocket.call(
      this,
      req,
      { ...options, [REQUEST]: new WeakRef(req) },
      callback,
    );
  }

  override createConnection(
    options: unknown,
    callback?: (error: Error | null, socket: Duplex) => void,
  ): Duplex | undefined {
    // Held weakly: the options stay with the socket for its whole life.
    const req = (options as { [REQUEST]?: WeakRef<http.ClientRequest> })[REQUEST];
    this.connections
      .openChannel(() => (req ? req.deref()?.destroyed === false : true))
      .then(
        (channel) => callback?.(null, asSocket(channel)),
        (error: unknown) => callback?.(error as Error, undefined as never),
      );
    return undefined;
  }

  /**
   * Resolves once a request would find a channel ready (a free one, or a spare started here),
   * or after `ms`, or when `signal` aborts; rejects only with why no channel can be had. A new
   * channel costs the host a process start, seconds when it is busy: calls wait for it here,
   * before their own deadline starts, which is then the engine's to meet.
   */
  warm(ms: number, signal?: AbortSignal): Promise<void> {
    if (Object.values(this.freeSockets).some((free) => free?.length)) return Promise.resolve();
    return this.connections.warm(ms, signal);
  }

  override destroy(): void {
    super.destroy();
    this.connections.close();
  }
}

/** What Node's HTTP client and a keep-alive agent call on a socket, on an SSH channel. */
function asSocket(channel: ClientChannel): Duplex {
  const socket = channel as ClientChannel & Record<string, unknown>;
  const self = () => socket;
  for (const method of ["setKeepAlive", "setNoDelay", "setTimeout", "ref", "unref"]) {
    if (typeof socket[method] !== "function") socket[method] = self;
  }
  return socket;
}
