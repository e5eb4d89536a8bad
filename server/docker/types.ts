// Plain data in and out of server/docker: what the rest of Stevedore hands the fleet and what it
// gets back. No engine payloads, no secrets.
import type { PictureStamp } from "./picture";

/** An environment as the fleet needs it; the caller decrypts TLS material before handing it over. */
export interface EnvironmentDescriptor {
  id: string;
  name: string;
  /** unix:///path, tcp://host:port, or ssh://user@host[:port] */
  url: string;
  /** PEM strings for tcp:// with TLS. */
  tls?: { ca?: string; cert?: string; key?: string };
  /**
   * For ssh://: a private key (PEM/OpenSSH); without one the ssh-agent at SSH_AUTH_SOCK is used.
   * `hostKey` is the host key pinned at first use ("ssh-ed25519 AAAA…"): another is refused.
   */
  ssh?: { privateKey?: string; passphrase?: string; hostKey?: string };
}

export type SwarmRole = "standalone" | "manager" | "worker";

export type EnvironmentState = "unknown" | "up" | "down" | "degraded" | "paused";

export interface EngineFacts {
  /** The engine's version, "20.10.24+dfsg1". */
  version: string;
  /** The API version Stevedore talks to this engine (min of the engine's and ours). */
  apiVersion: string;
  /** The newest API version the engine offers. */
  engineApiVersion: string;
  os: string;
  osType: string;
  architecture: string;
  kernelVersion: string;
  hostname: string;
  cpus: number;
  memoryBytes: number;
}

export interface SwarmFacts {
  role: SwarmRole;
  /** /info Swarm.LocalNodeState: inactive, pending, active, error, locked. */
  nodeState: string;
  nodeId?: string;
  clusterId?: string;
  /** Known on managers only. */
  nodes?: number;
  managers?: number;
  error?: string;
}

export interface EnvironmentCounts {
  containers: number;
  running: number;
  paused: number;
  stopped: number;
  images: number;
  /** Known once the live picture is warm. */
  volumes?: number;
  networks?: number;
  /** On managers, from the live picture. */
  nodes?: number;
  services?: number;
}

export interface EnvironmentError {
  code: string;
  /** For unreachable: dns, refused, tls, auth, timeout, not-docker, host-key. */
  cause?: string;
  message: string;
  /** First failure of the current streak (ms since epoch). */
  since: number;
  /** Most recent failure. */
  at: number;
}

export interface EnvironmentStatus {
  environmentId: string;
  name: string;
  url: string;
  state: EnvironmentState;
  /** When `state` last changed (ms since epoch). */
  since: number;
  /** Last probe that got an answer or failed (ms since epoch). */
  checkedAt?: number;
  latencyMs?: number;
  engine?: EngineFacts;
  swarm?: SwarmFacts;
  counts?: EnvironmentCounts;
  /** Why an engine that answers is degraded. */
  degradedReasons: string[];
  lastError?: EnvironmentError;
  /** True while the live picture is current (lists are served from it). */
  pictureWarm: boolean;
  /** While down: when the next retry is due (ms since epoch). */
  nextRetryAt?: number;
  /** The engine's last sign of life (an event, an answer): how fresh what is shown of it is. */
  heardAt?: number;
}

export interface FanOutItem<T> {
  environmentId: string;
  data: T;
  latencyMs: number;
}

export interface FanOutError {
  environmentId: string;
  code: string;
  cause?: string;
  message: string;
  latencyMs: number;
}

export interface FanOutResult<T> {
  items: FanOutItem<T>[];
  errors: FanOutError[];
  /** Environments left out because an administrator paused them (not errors). */
  paused: string[];
}

/** A list across environments: items carry their environmentId. */
export interface FleetList<T> {
  items: Array<T & { environmentId: string }>;
  errors: FanOutError[];
  paused: string[];
  /** Where each environment's items came from and how long that took. */
  sources: Array<{
    environmentId: string;
    source: "picture" | "engine";
    latencyMs: number;
    /** The data is the engine's state as of this moment (ms since epoch). */
    asOf: number;
  }>;
  /**
   * Per environment asked for, where the picture of this kind stood when the list was read
   * (taken in the same step as the items read from it; `warm: false` when the items were read
   * from the engine or not at all). A live feed that started later tells what moved since.
   */
  stamps: Record<string, PictureStamp>;
}
