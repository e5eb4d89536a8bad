// What the policy must know of the engine to judge a payload: the named volumes it uses as
// they exist (one made earlier with `o=bind` is a bind mount), the host paths mounted into
// the containers it takes volumes from, and the environment's own socket. Looked up per
// payload, within the fleet's deadlines.
import "server-only";
import { mountSources, volumeFacts, type Fleet } from "../docker/index";
import { referencesOf, type WorkloadFacts, type WorkloadPayload } from "./policy/index";

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
  const [socketPaths, volumes, volumesFrom] = await Promise.all([
    engineSockets(sources, environmentId),
    volumeFacts(sources.fleet, environmentId, refs.volumes),
    mountSources(sources.fleet, environmentId, refs.volumesFrom),
  ]);
  return { socketPaths, volumes, volumesFrom };
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
