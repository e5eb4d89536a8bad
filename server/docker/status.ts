// From what an engine says about itself (/version, /info) and what the live picture holds, the
// facts an environment's status shows: engine, swarm role, counts, and why it may be degraded.
import type { EngineVersion } from "./client";
import type { Picture } from "./picture";
import type { EngineFacts, EnvironmentCounts, SwarmFacts } from "./types";

export function engineFacts(version: EngineVersion, info: unknown, apiVersion: string): EngineFacts {
  const i = record(info);
  return {
    version: str(i.ServerVersion) || version.version,
    apiVersion,
    engineApiVersion: version.apiVersion,
    os: str(i.OperatingSystem) || version.os,
    osType: str(i.OSType) || version.os,
    architecture: str(i.Architecture) || version.arch,
    kernelVersion: str(i.KernelVersion) || version.kernelVersion,
    hostname: str(i.Name),
    cpus: num(i.NCPU),
    memoryBytes: num(i.MemTotal),
  };
}

/** A node whose swarm is active is a manager when it has control, else a worker. */
export function swarmFacts(info: unknown): SwarmFacts {
  const swarm = record(record(info).Swarm);
  const nodeState = str(swarm.LocalNodeState) || "inactive";
  const active = nodeState === "active";
  const role = active ? (swarm.ControlAvailable === true ? "manager" : "worker") : "standalone";
  return {
    role,
    nodeState,
    ...(str(swarm.NodeID) ? { nodeId: str(swarm.NodeID) } : {}),
    ...(str(record(swarm.Cluster).ID) ? { clusterId: str(record(swarm.Cluster).ID) } : {}),
    ...(role === "manager" && typeof swarm.Nodes === "number" ? { nodes: swarm.Nodes } : {}),
    ...(role === "manager" && typeof swarm.Managers === "number" ? { managers: swarm.Managers } : {}),
    ...(str(swarm.Error) ? { error: str(swarm.Error) } : {}),
  };
}

export function countsFromInfo(info: unknown): EnvironmentCounts {
  const i = record(info);
  return {
    containers: num(i.Containers),
    running: num(i.ContainersRunning),
    paused: num(i.ContainersPaused),
    stopped: num(i.ContainersStopped),
    images: num(i.Images),
  };
}

/** Live counts from a warm picture; undefined when it is cold. */
export function countsFromPicture(picture: Picture, environmentId: string): EnvironmentCounts | undefined {
  const containers = picture.values(environmentId, "containers");
  if (!containers) return undefined;
  // One pass without copying: this runs on every change the picture hears.
  let total = 0;
  let running = 0;
  let paused = 0;
  for (const c of containers) {
    total++;
    if (c.state === "running" || c.state === "restarting") running++;
    else if (c.state === "paused") paused++;
  }
  const counts: EnvironmentCounts = {
    containers: total,
    running,
    paused,
    stopped: total - running - paused,
    images: picture.count(environmentId, "images") ?? 0,
    volumes: picture.count(environmentId, "volumes") ?? 0,
    networks: picture.count(environmentId, "networks") ?? 0,
  };
  const nodes = picture.count(environmentId, "nodes");
  const services = picture.count(environmentId, "services");
  return { ...counts, ...(nodes !== undefined ? { nodes } : {}), ...(services !== undefined ? { services } : {}) };
}

/** Why an engine that answers is not wholly well. */
export function degradedReasons(input: {
  swarm: SwarmFacts;
  latencyMs: number;
  slowMs: number;
  eventsDisconnected: boolean;
}): string[] {
  const reasons: string[] = [];
  if (input.latencyMs > input.slowMs) reasons.push(`Slow: the engine took ${input.latencyMs} ms to answer.`);
  if (["error", "locked", "pending"].includes(input.swarm.nodeState)) {
    const detail = input.swarm.error ? `: ${input.swarm.error}` : "";
    reasons.push(`Swarm node is ${input.swarm.nodeState}${detail}.`);
  }
  if (input.eventsDisconnected) reasons.push("The event stream is disconnected; lists are read live.");
  return reasons;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
}

function str(value: unknown): string {
  return typeof value === "string" ? value : "";
}

function num(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}
