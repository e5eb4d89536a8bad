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
/** A connection without channels is closed after this long. */
const IDLE_CLOSE_MS = 30_000;

interface Connection {
  client: Client;
  ready: Promise<void>;
  channels: number;
  idleTimer?: NodeJS.Timeout;
  closed: boolean;
}

/** SSH connections to one host, each carrying up to CHANNELS_PER_CONNECTION dial-stdio channels. */
class SshConnections {
  private readonly connections = new Set<Connection>();
  private pinned: string | undefined;
  private key: ParsedKey | undefined;
  private closed = false;

  constructor(
    private readonly target: SshTarget,
    private readonly readyTimeoutMs: number,
  ) {
    this.pinned = target.hostKey?.trim() || undefined;
  }

  /** A channel running `docker system dial-stdio`: a byte stream to the engine's API. */
  async openChannel(): Promise<ClientChannel> {
    if (this.closed) throw new SshError("refused", `The SSH transport to ${this.target.label} is closed.`);
    const connection = [...this.connections].find((c) => !c.closed && c.channels < CHANNELS_PER_CONNECTION);
    const chosen = connection ?? this.connect();
    chosen.channels++;
    clearTimeout(chosen.idleTimer);
    try {
      await chosen.ready;
      const channel = await new Promise<ClientChannel>((resolve, reject) =>
        chosen.client.exec("docker system dial-stdio", (error, stream) => (error ? reject(error) : resolve(stream))),
      );
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        this.release(chosen);
      };
      channel.once("close", release);
      // What the engine's side says when `docker` is missing or cannot reach the engine.
      let stderr = "";
      channel.stderr.on("data", (chunk: Buffer) => {
        if (stderr.length < 2_000) stderr += chunk.toString("utf8");
      });
      channel.once("exit", (code: number | null) => {
        if (!code || !stderr) return;
        const failure = new SshError("not-docker", dialStdioMessage(this.target.label, stderr));
        if (channel.listenerCount("error")) channel.emit("error", failure);
        channel.destroy();
      });
      return channel;
    } catch (error) {
      this.release(chosen);
      throw this.explain(error);
    }
  }

  close(): void {
    this.closed = true;
    for (const connection of this.connections) this.end(connection);
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

function dialStdioMessage(label: string, stderr: string): string {
  const line = stderr.trim().split("\n").slice(-1)[0] ?? "";
  if (/not found/i.test(stderr)) return `The SSH host ${label} has no docker command (docker system dial-stdio).`;
  return `docker system dial-stdio on ${label} failed: ${line}`;
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

  override createConnection(
    _options: unknown,
    callback?: (error: Error | null, socket: Duplex) => void,
  ): Duplex | undefined {
    this.connections.openChannel().then(
      (channel) => callback?.(null, asSocket(channel)),
      (error: unknown) => callback?.(error as Error, undefined as never),
    );
    return undefined;
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
