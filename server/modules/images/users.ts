// What uses an image: the containers made from it (any state) and, on a swarm manager, the
// services that run it. Read from the live picture when it is warm, else from the engine.
import type { ContainerSummary, Fleet, ServiceSummary } from "../../docker/index";
import { fetchResources } from "../../docker/resources";

export interface ImageUsers {
  containers: Array<{ id: string; name: string; state: string }>;
  services: Array<{ id: string; name: string }>;
}

/** Does a service's image (repo:tag@digest, as swarm pins it) name this image? */
export function serviceRuns(
  serviceImage: string,
  image: { tags: readonly string[]; digests: readonly string[] },
): boolean {
  const [named = "", digest] = serviceImage.split("@");
  if (digest) {
    const repository = named.replace(/:[\w][\w.-]{0,127}$/, "");
    if (image.digests.some((d) => d === `${repository}@${digest}` || d.endsWith(`@${digest}`))) return true;
  }
  return image.tags.some(
    (t) => t === named || t === `${named}:latest` || `docker.io/${t}` === named || `docker.io/library/${t}` === named,
  );
}

export function usersFrom(
  imageId: string,
  image: { tags: readonly string[]; digests: readonly string[] },
  containers: readonly ContainerSummary[],
  services: readonly ServiceSummary[],
): ImageUsers {
  return {
    containers: containers
      .filter((c) => c.imageId === imageId)
      .map((c) => ({ id: c.id, name: c.name, state: c.state }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    services: services
      .filter((s) => serviceRuns(s.image, image))
      .map((s) => ({ id: s.id, name: s.name }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}

/** The containers (and services, on a manager) of an environment, as the fleet knows them now. */
export async function workloadsOf(
  fleet: Fleet,
  environmentId: string,
  options: { live?: boolean } = {},
): Promise<{ containers: ContainerSummary[]; services: ServiceSummary[] }> {
  // `live`: ask the engine even when the picture is warm (it may lag an event behind).
  const read = <K extends "containers" | "services">(kind: K) =>
    (options.live ? undefined : fleet.picture.list(environmentId, kind)) ??
    fleet.call(environmentId, `${kind}.list`, (docker) => fetchResources(docker, kind), { key: `${kind}:all` });
  const manager = fleet.status(environmentId)?.swarm?.role === "manager";
  const [containers, services] = await Promise.all([read("containers"), manager ? read("services") : []]);
  return { containers, services };
}

/** "container web-1 (running)", "service shop_api": how a refusal names each user. */
export function describeUsers(users: ImageUsers): string[] {
  return [
    ...users.containers.map((c) => `container ${c.name} (${c.state})`),
    ...users.services.map((s) => `service ${s.name}`),
  ];
}
