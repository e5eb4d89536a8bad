// One environment's networks: inspect (pools, options, the containers attached with their
// addresses), create (overlay only through a swarm manager; macvlan and ipvlan put containers
// on the host's own network, so they need host access), remove (refused while containers are
// attached, naming them), prune after a preview, connect and disconnect a container.
import type Docker from "dockerode";
import type { Fleet } from "../../docker/index";
import { DockerConflictError, DockerNotFoundError } from "../../docker/index";
import { trimNetwork, type NetworkSummary } from "../../docker/resources";
import { PRIVILEGED } from "../../containers/policy";
import { can, type EffectivePermissions } from "../../rbac/permissions";
import {
  BadResourceInputError,
  InUseError,
  ResourceConflictError,
  ResourceForbiddenError,
  ResourceNotFoundError,
} from "../shared/errors";
import type { CreateNetworkInput } from "./contract";

const rec = (v: unknown): Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const list = (v: unknown): unknown[] => (Array.isArray(v) ? (v as unknown[]) : []);
const str = (v: unknown): string => (typeof v === "string" ? v : "");
const strMap = (v: unknown): Record<string, string> =>
  Object.fromEntries(Object.entries(rec(v)).filter(([, x]) => typeof x === "string")) as Record<string, string>;

/** Networks every engine has; neither removed nor pruned. */
export const PREDEFINED = new Set(["bridge", "host", "none"]);
/** Drivers that give containers addresses on the host's own links. */
const HOST_LINK_DRIVERS = new Set(["macvlan", "ipvlan"]);

export interface AttachedContainer {
  id: string;
  name: string;
  ipv4Address: string;
  ipv6Address: string;
  macAddress: string;
}

export interface NetworkDetail extends NetworkSummary {
  options: Record<string, string>;
  containers: AttachedContainer[];
  /** swarm services using it (managers only) */
  services: string[];
}

function notFound(network: string): ResourceNotFoundError {
  return new ResourceNotFoundError(`There is no network ${network} on this environment.`);
}

async function inspectRaw(fleet: Fleet, environmentId: string, network: string): Promise<Record<string, unknown>> {
  try {
    return rec(
      await fleet.call(
        environmentId,
        "network inspect",
        (docker) => docker.getNetwork(network).inspect() as Promise<unknown>,
      ),
    );
  } catch (error) {
    if (error instanceof DockerNotFoundError) throw notFound(network);
    throw error;
  }
}

function attachedOf(info: Record<string, unknown>): AttachedContainer[] {
  return Object.entries(rec(info.Containers))
    .map(([id, raw]) => {
      const c = rec(raw);
      return {
        id,
        name: str(c.Name),
        ipv4Address: str(c.IPv4Address),
        ipv6Address: str(c.IPv6Address),
        macAddress: str(c.MacAddress),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

const isManager = (fleet: Fleet, environmentId: string) => fleet.status(environmentId)?.swarm?.role === "manager";

/** The names of the swarm services attached to each network id (empty off a manager). */
async function servicesByNetwork(fleet: Fleet, environmentId: string): Promise<Map<string, string[]>> {
  const byNetwork = new Map<string, string[]>();
  if (!isManager(fleet, environmentId)) return byNetwork;
  const services = list(
    await fleet.call(environmentId, "services.list", (docker: Docker) => docker.listServices() as Promise<unknown>),
  ).map(rec);
  for (const service of services) {
    const spec = rec(service.Spec);
    const attached = [...list(rec(spec.TaskTemplate).Networks), ...list(spec.Networks)].map((n) => str(rec(n).Target));
    for (const id of attached) byNetwork.set(id, [...(byNetwork.get(id) ?? []), str(spec.Name)]);
  }
  return byNetwork;
}

export async function networkDetail(fleet: Fleet, environmentId: string, network: string): Promise<NetworkDetail> {
  const info = await inspectRaw(fleet, environmentId, network);
  const services = await servicesByNetwork(fleet, environmentId);
  const summary = trimNetwork(info);
  return {
    ...summary,
    options: strMap(info.Options),
    containers: attachedOf(info),
    services: [...new Set([...(services.get(summary.id) ?? []), ...(services.get(summary.name) ?? [])])].sort(),
  };
}

export async function createNetwork(
  fleet: Fleet,
  permissions: EffectivePermissions,
  input: CreateNetworkInput,
): Promise<{ id: string; name: string; warning: string }> {
  const { environmentId } = input;
  if (HOST_LINK_DRIVERS.has(input.driver) && !can(permissions, PRIVILEGED, environmentId)) {
    throw new ResourceForbiddenError(
      `A ${input.driver} network puts containers on the host's own network: it needs ${PRIVILEGED} on this environment.`,
      [PRIVILEGED],
    );
  }
  if (input.driver === "overlay" && !isManager(fleet, environmentId)) {
    throw new BadResourceInputError("Overlay networks are made through a swarm manager; this environment is not one.");
  }
  if (input.ipv6 && !input.ipam.some((p) => p.subnet.includes(":")) && input.driver !== "overlay") {
    throw new BadResourceInputError("IPv6 needs an IPv6 subnet among the pools (fd00:1::/64, say).");
  }
  // The engine would make a second network of the same name (names are not unique to it).
  const existing = await fleet.call(environmentId, "networks.list", (docker: Docker) =>
    docker.listNetworks({ filters: { name: [input.name] } }),
  );
  if (existing.some((n) => n.Name === input.name)) {
    throw new ResourceConflictError(`A network named ${input.name} exists on this environment already.`);
  }
  const created = rec(
    await fleet.call(
      environmentId,
      "network create",
      (docker: Docker) =>
        docker.createNetwork({
          Name: input.name,
          Driver: input.driver,
          CheckDuplicate: true,
          Internal: input.internal,
          Attachable: input.attachable,
          EnableIPv6: input.ipv6,
          IPAM: {
            Driver: "default",
            Config: input.ipam.map((p) => ({
              Subnet: p.subnet,
              ...(p.gateway ? { Gateway: p.gateway } : {}),
              ...(p.ipRange ? { IPRange: p.ipRange } : {}),
            })),
          },
          Options: { ...input.options, ...(input.encrypted ? { encrypted: "" } : {}) },
          Labels: input.labels,
        }) as Promise<unknown>,
      { deadlineMs: 30_000 },
    ),
  );
  // dockerode answers with its Network handle (`id`); the engine's body has Id and Warning.
  return { id: str(created.id) || str(created.Id), name: input.name, warning: str(created.Warning) };
}

export async function removeNetwork(
  fleet: Fleet,
  environmentId: string,
  network: string,
): Promise<{ id: string; name: string }> {
  const detail = await networkDetail(fleet, environmentId, network);
  if (PREDEFINED.has(detail.name) || detail.ingress) {
    throw new BadResourceInputError(`${detail.name} is one of the engine's own networks and cannot be removed.`);
  }
  const users = () => [
    ...detail.containers.map((c) => `container ${c.name}`),
    ...detail.services.map((s) => `service ${s}`),
  ];
  const refuse = (found: string[]) =>
    new InUseError(
      `The network ${detail.name}`,
      found,
      "Disconnect those containers (or remove those services) first.",
    );
  if (detail.containers.length || detail.services.length) throw refuse(users());
  try {
    await fleet.call(
      environmentId,
      "network remove",
      (docker: Docker) => docker.getNetwork(detail.id).remove() as Promise<unknown>,
    );
  } catch (error) {
    if (error instanceof DockerNotFoundError) throw notFound(network);
    if (error instanceof DockerConflictError) {
      const again = await networkDetail(fleet, environmentId, detail.id).catch(() => detail);
      throw refuse(again.containers.map((c) => `container ${c.name}`));
    }
    throw error;
  }
  return { id: detail.id, name: detail.name };
}

export interface NetworkPrunePreview {
  networks: Array<{ id: string; name: string; driver: string; scope: string }>;
}

/**
 * What the engine's prune would remove now: networks of its own it made for users (not bridge,
 * host, none or ingress) with no container attached here and, on a manager, no service using
 * them.
 */
export async function previewNetworkPrune(fleet: Fleet, environmentId: string): Promise<NetworkPrunePreview> {
  const all = (await fleet.call(
    environmentId,
    "networks.list",
    (docker: Docker) => docker.listNetworks() as Promise<unknown>,
  )) as unknown[];
  const candidates = list(all)
    .map(trimNetwork)
    .filter((n) => !PREDEFINED.has(n.name) && !n.ingress && (n.scope === "local" || isManager(fleet, environmentId)));
  const services = await servicesByNetwork(fleet, environmentId);
  const going = await Promise.all(
    candidates.map(async (n) => {
      if (n.scope === "swarm") return services.has(n.id) || services.has(n.name) ? null : n;
      const info = await inspectRaw(fleet, environmentId, n.id).catch(() => null);
      return info && Object.keys(rec(info.Containers)).length === 0 ? n : null;
    }),
  );
  return {
    networks: going
      .filter((n): n is NetworkSummary => n !== null)
      .map((n) => ({ id: n.id, name: n.name, driver: n.driver, scope: n.scope }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}

export async function pruneNetworks(fleet: Fleet, environmentId: string): Promise<{ deleted: string[] }> {
  const answer = rec(
    await fleet.call(environmentId, "network prune", (docker: Docker) => docker.pruneNetworks() as Promise<unknown>, {
      deadlineMs: 120_000,
    }),
  );
  return { deleted: list(answer.NetworksDeleted).filter((v): v is string => typeof v === "string") };
}

async function containerName(
  fleet: Fleet,
  environmentId: string,
  container: string,
): Promise<{ id: string; name: string }> {
  try {
    const info = rec(
      await fleet.call(
        environmentId,
        "container inspect",
        (docker: Docker) => docker.getContainer(container).inspect() as Promise<unknown>,
      ),
    );
    return { id: str(info.Id), name: str(info.Name).replace(/^\//, "") };
  } catch (error) {
    if (error instanceof DockerNotFoundError) {
      throw new ResourceNotFoundError(`There is no container ${container} on this environment.`);
    }
    throw error;
  }
}

export async function connectContainer(
  fleet: Fleet,
  input: {
    environmentId: string;
    network: string;
    container: string;
    aliases: string[];
    ipv4Address?: string;
    ipv6Address?: string;
  },
): Promise<{ network: { id: string; name: string }; container: { id: string; name: string } }> {
  const { environmentId } = input;
  const network = trimNetwork(await inspectRaw(fleet, environmentId, input.network));
  const container = await containerName(fleet, environmentId, input.container);
  if ((input.ipv4Address || input.ipv6Address) && network.ipam.length === 0) {
    throw new BadResourceInputError(
      `A fixed address needs a network with a subnet of its own; ${network.name} has none.`,
    );
  }
  try {
    await fleet.call(
      environmentId,
      "network connect",
      (docker: Docker) =>
        docker.getNetwork(network.id).connect({
          Container: container.id,
          EndpointConfig: {
            Aliases: input.aliases,
            ...(input.ipv4Address || input.ipv6Address
              ? {
                  IPAMConfig: {
                    ...(input.ipv4Address ? { IPv4Address: input.ipv4Address } : {}),
                    ...(input.ipv6Address ? { IPv6Address: input.ipv6Address } : {}),
                  },
                }
              : {}),
          },
        }) as Promise<unknown>,
    );
  } catch (error) {
    if (error instanceof DockerNotFoundError) throw notFound(input.network);
    throw error;
  }
  return { network: { id: network.id, name: network.name }, container };
}

export async function disconnectContainer(
  fleet: Fleet,
  input: { environmentId: string; network: string; container: string; force: boolean },
): Promise<{ network: { id: string; name: string }; container: { id: string; name: string } }> {
  const { environmentId } = input;
  const info = await inspectRaw(fleet, environmentId, input.network);
  const network = trimNetwork(info);
  const container = await containerName(fleet, environmentId, input.container);
  if (!Object.hasOwn(rec(info.Containers), container.id) && !input.force) {
    throw new BadResourceInputError(`The container ${container.name} is not connected to ${network.name}.`);
  }
  await fleet.call(
    environmentId,
    "network disconnect",
    (docker: Docker) =>
      docker.getNetwork(network.id).disconnect({ Container: container.id, Force: input.force }) as Promise<unknown>,
  );
  return { network: { id: network.id, name: network.name }, container };
}
