// "Test the connection" before an environment is saved: one handshake with a throwaway client,
// and either what the engine is or precisely why it cannot be reached.
import { EngineClient } from "./client";
import { parseHostKey, type SshHostKey } from "./ssh";
import { countsFromInfo, engineFacts, swarmFacts } from "./status";
import type { EngineFacts, EnvironmentCounts, EnvironmentDescriptor, SwarmFacts } from "./types";

export interface ConnectionReport {
  latencyMs: number;
  engine: EngineFacts;
  swarm: SwarmFacts;
  counts: EnvironmentCounts;
  /** ssh://: the host's key (the pinned one when one was given, else the one it showed). */
  hostKey?: SshHostKey;
}

/** Resolves with what the engine is; rejects with a DockerUnreachableError naming the cause. */
export async function testConnection(
  descriptor: EnvironmentDescriptor,
  options: { deadlineMs?: number; signal?: AbortSignal } = {},
): Promise<ConnectionReport> {
  let seen: SshHostKey | undefined;
  const client = new EngineClient(descriptor, { maxInFlight: 1, onHostKey: (key) => (seen = key) });
  const started = performance.now();
  try {
    const { version, info } = await client.handshake({
      deadlineMs: options.deadlineMs ?? 5_000,
      signal: options.signal,
    });
    return {
      latencyMs: Math.round(performance.now() - started),
      engine: engineFacts(version, info, client.apiVersion ?? version.apiVersion),
      swarm: swarmFacts(info),
      counts: countsFromInfo(info),
      ...hostKeyOf(descriptor, seen),
    };
  } finally {
    client.close();
  }
}

function hostKeyOf(descriptor: EnvironmentDescriptor, seen: SshHostKey | undefined): { hostKey?: SshHostKey } {
  const pinned = descriptor.ssh?.hostKey ? parseHostKey(descriptor.ssh.hostKey) : undefined;
  const hostKey = pinned ?? seen;
  return hostKey ? { hostKey } : {};
}
