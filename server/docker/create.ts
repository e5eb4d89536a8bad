// Creating and changing containers on one engine: create (then join further networks, then
// start), update, and the look-ups around them (a container's raw inspect and its image's
// config for "duplicate and edit", named volumes and VolumesFrom sources for the workload
// policy, and the names the create form offers). Each within the fleet's deadline. What may
// be sent is decided above this layer, by the workload policy.
import type Docker from "dockerode";
import { DockerEngineError, DockerNotFoundError, classifyDockerError, type DockerError } from "./errors";
import { inspectContainerRaw } from "./containers";
import type { Fleet } from "./fleet";

export interface CreateRequest {
  /** the ?name= query parameter */
  name?: string;
  /** POST /containers/create: Config fields, HostConfig, NetworkingConfig */
  body: Record<string, unknown> & { NetworkingConfig?: { EndpointsConfig?: Record<string, unknown> } };
  start: boolean;
}

export interface Created {
  id: string;
  name: string;
  warnings: string[];
}

const CREATE_DEADLINE_MS = 30_000;

/**
 * Creates the container. Older engines (API < 1.44) take one network at create, so the first
 * named network goes with the create and the others are connected before the start. When a
 * later step fails the container stays (as with `docker run`), and the error says so.
 */
export async function createContainer(fleet: Fleet, environmentId: string, request: CreateRequest): Promise<Created> {
  const endpoints = Object.entries(request.body.NetworkingConfig?.EndpointsConfig ?? {});
  const [first, ...rest] = endpoints;
  const body = {
    ...request.body,
    ...(first ? { NetworkingConfig: { EndpointsConfig: { [first[0]]: first[1] } } } : {}),
  };
  const created = await fleet.call(
    environmentId,
    "container create",
    async (docker: Docker) => {
      // Dialled directly: dockerode's createContainer drops the engine's warnings, and would
      // copy the whole body into the query string besides.
      const answer = await new Promise<{ Id: string; Warnings?: string[] | null }>((resolve, reject) => {
        docker.modem.dial(
          {
            path: "/containers/create?",
            method: "POST",
            options: { _query: request.name ? { name: request.name } : {}, _body: body },
            statusCodes: {
              200: true,
              201: true,
              400: "bad parameter",
              404: "no such image",
              409: "conflict",
              500: "server error",
            },
          },
          (error, data) => (error ? reject(error) : resolve(data as { Id: string; Warnings?: string[] | null })),
        );
      });
      const info = await docker.getContainer(answer.Id).inspect();
      return { id: answer.Id, name: info.Name.replace(/^\//, ""), warnings: answer.Warnings ?? [] };
    },
    { deadlineMs: CREATE_DEADLINE_MS },
  );
  try {
    for (const [network, endpoint] of rest) {
      await fleet.call(environmentId, "network connect", (docker) =>
        docker
          .getNetwork(network)
          .connect({ Container: created.id, EndpointConfig: endpoint as Record<string, unknown> }),
      );
    }
    if (request.start) {
      await fleet.call(environmentId, "container start", (docker) => docker.getContainer(created.id).start(), {
        deadlineMs: CREATE_DEADLINE_MS,
      });
    }
  } catch (error) {
    const typed = classifyDockerError(environmentId, error);
    typed.message = `Created ${created.name} (${created.id.slice(0, 12)}), but ${request.start ? "could not start it" : "could not finish it"}: ${typed.message}`;
    (typed as DockerError & { createdId?: string }).createdId = created.id;
    throw typed;
  }
  return created;
}

/** The id of a container that was created before a later step (network, start) failed. */
export function createdIdOf(error: unknown): string | undefined {
  return error instanceof Error ? (error as Error & { createdId?: string }).createdId : undefined;
}

/** POST /containers/{id}/update; the engine's warnings come back. */
export async function updateContainer(
  fleet: Fleet,
  environmentId: string,
  id: string,
  body: Record<string, unknown>,
): Promise<{ warnings: string[] }> {
  return fleet.call(environmentId, "container update", async (docker) => {
    const result = (await docker.getContainer(id).update(body)) as { Warnings?: string[] | null } | undefined;
    return { warnings: result?.Warnings ?? [] };
  });
}

/** An image's own Config, or null when the engine no longer has it. */
export async function imageConfig(
  fleet: Fleet,
  environmentId: string,
  reference: string,
): Promise<Docker.ImageInspectInfo["Config"] | null> {
  try {
    return await fleet.call(
      environmentId,
      "image inspect",
      async (docker) => (await docker.getImage(reference).inspect()).Config,
    );
  } catch (error) {
    if (error instanceof DockerNotFoundError) return null;
    throw error;
  }
}

/** The named volumes as they exist on the engine (null: none by that name yet). */
export async function volumeFacts(
  fleet: Fleet,
  environmentId: string,
  names: readonly string[],
): Promise<Record<string, { driver: string; options: Record<string, string> } | null>> {
  const entries = await Promise.all(
    names.map(async (name) => {
      try {
        const info = await fleet.call(environmentId, "volume inspect", (docker) => docker.getVolume(name).inspect());
        return [name, { driver: info.Driver, options: info.Options ?? {} }] as const;
      } catch (error) {
        if (error instanceof DockerNotFoundError) return [name, null] as const;
        throw error;
      }
    }),
  );
  return Object.fromEntries(entries);
}

/**
 * The host paths mounted into each named container (for VolumesFrom): its mounts' sources, and
 * for a named volume the host path its driver options bind (`device`), which the mount's own
 * source (the volume's folder under the data root) does not show. A missing one has none.
 */
export async function mountSources(
  fleet: Fleet,
  environmentId: string,
  containers: readonly string[],
): Promise<Record<string, string[]>> {
  const entries = await Promise.all(
    containers.map(async (ref): Promise<[string, string[]]> => {
      try {
        const info = await inspectContainerRaw(fleet, environmentId, ref);
        const mounts = (info.Mounts ?? []) as { Type?: string; Name?: string; Source: string }[];
        const named = mounts.filter((m) => m.Type === "volume" && m.Name).map((m) => m.Name!);
        const volumes = await volumeFacts(fleet, environmentId, named);
        const devices = Object.values(volumes).flatMap((v) => (v?.options.device ? [v.options.device] : []));
        return [ref, [...mounts.map((m) => m.Source).filter(Boolean), ...devices]];
      } catch (error) {
        if (error instanceof DockerNotFoundError) return [ref, []];
        throw error;
      }
    }),
  );
  return Object.fromEntries(entries);
}

export interface CreateOptions {
  /** repo:tag of every tagged image on the host */
  images: string[];
  networks: { name: string; driver: string; scope: string }[];
  volumes: { name: string; driver: string }[];
}

/** What the create form offers for one host: image tags, networks, volumes (from the live picture). */
export async function createOptions(fleet: Fleet, environmentId: string): Promise<CreateOptions> {
  const [images, networks, volumes] = await Promise.all([
    fleet.list("images", [environmentId]),
    fleet.list("networks", [environmentId]),
    fleet.list("volumes", [environmentId]),
  ]);
  const failed = images.errors[0] ?? networks.errors[0] ?? volumes.errors[0];
  if (failed) throw new DockerEngineError(environmentId, undefined, failed.message);
  return {
    images: [...new Set(images.items.flatMap((i) => i.tags.filter((t) => t && t !== "<none>:<none>")))].sort(),
    networks: networks.items
      // Swarm-scoped networks that are not attachable cannot take a plain container.
      .filter((n) => !n.ingress && (n.scope !== "swarm" || n.attachable))
      .map((n) => ({ name: n.name, driver: n.driver, scope: n.scope }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    volumes: volumes.items
      .map((v) => ({ name: v.name, driver: v.driver }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}
