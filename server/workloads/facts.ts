// What the policy must know of the engine to judge a payload: the named volumes it uses as
// they exist (one made earlier with `o=bind` is a bind mount), the host paths mounted into
// the containers it takes volumes from, and the environment's own socket. Looked up per
// payload, within the fleet's deadlines.
import "server-only";
import { mountSources, volumeFacts, type Fleet } from "../docker/index";
import { canonicalEngineKeys } from "./engine-fields";
import { referencesOf, type WorkloadFacts, type WorkloadPayload } from "./policy/index";
import type { HostNetwork } from "./policy/walk";

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** The networks a container create names (its mode, the networks it joins), as written. */
function networkRefsOf(payload: WorkloadPayload): string[] {
  if (payload.kind !== "create" && payload.kind !== "container.create") return [];
  const body = canonicalEngineKeys(payload.body) as Json;
  const mode = isRecord(body.HostConfig) ? body.HostConfig.NetworkMode : undefined;
  const endpoints = isRecord(body.NetworkingConfig) ? body.NetworkingConfig.EndpointsConfig : undefined;
  return [
    ...(typeof mode === "string" && mode ? [mode] : []),
    ...(isRecord(endpoints) ? Object.keys(endpoints) : []),
  ].filter((ref) => !["host", "default", "bridge", "none"].includes(ref) && !ref.startsWith("container:"));
}

/**
 * The engine's host network(s), which it also finds by id and id prefix, and which of `refs` are
 * exactly another network's name (the engine finds a name before an id prefix); null: it did
 * not answer.
 */
async function networkFactsOf(
  fleet: Fleet,
  environmentId: string,
  refs: readonly string[],
): Promise<{ hostNetworks: HostNetwork[] | null; networkNames: string[] }> {
  try {
    const networks = (await fleet.call(environmentId, "network list", (docker) => docker.listNetworks())) as {
      Id: string;
      Name: string;
      Driver?: string;
    }[];
    const isHost = (n: { Name: string; Driver?: string }) => n.Driver === "host" || n.Name === "host";
    const others = new Set(networks.filter((n) => !isHost(n)).map((n) => n.Name));
    return {
      hostNetworks: networks.filter(isHost).map((n) => ({ id: n.Id, name: "host" })),
      networkNames: refs.filter((ref) => others.has(ref)),
    };
  } catch {
    return { hostNetworks: null, networkNames: [] };
  }
}

export interface FactSources {
  fleet: Fleet;
  /** the environment's endpoint URL, if it has one on record */
  endpointOf(environmentId: string): Promise<string | null>;
}

/** The host paths of sockets that control this environment's engine (its own unix endpoint). */
export async function engineSockets(sources: FactSources, environmentId: string): Promise<string[]> {
  const url = await sources.endpointOf(environmentId);
  return url?.startsWith("unix://") ? [url.slice("unix://".length)] : [];
}

export async function lookupFacts(
  sources: FactSources,
  environmentId: string,
  payload: WorkloadPayload,
): Promise<WorkloadFacts> {
  const refs = referencesOf(payload);
  const networkRefs = networkRefsOf(payload);
  const [socketPaths, volumes, volumesFrom, networks] = await Promise.all([
    engineSockets(sources, environmentId),
    volumeFacts(sources.fleet, environmentId, refs.volumes),
    mountSources(sources.fleet, environmentId, refs.volumesFrom),
    networkRefs.length
      ? networkFactsOf(sources.fleet, environmentId, networkRefs)
      : Promise.resolve({ hostNetworks: [], networkNames: [] }),
  ]);
  return { socketPaths, volumes, volumesFrom, ...networks };
}

/** Fact sources from the server's services (the fleet, and environments from the database). */
export function factSources(services: {
  fleet: Fleet;
  prisma: {
    environment: {
      findUnique(args: { where: { id: string }; select: { url: true } }): Promise<{ url: string } | null>;
    };
  };
}): FactSources {
  return {
    fleet: services.fleet,
    endpointOf: async (environmentId) =>
      (await services.prisma.environment.findUnique({ where: { id: environmentId }, select: { url: true } }))?.url ??
      null,
  };
}
