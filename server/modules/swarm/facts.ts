// What the policy must know of the engines to judge a ServiceSpec: the named volumes it mounts
// as they exist on the cluster's engines that are environments (one made earlier with
// `o=bind` is a bind mount; the worst one found counts), and every such engine's own socket.
// A node that is no environment cannot be asked; its volumes are judged as plain ones.
import type Docker from "dockerode";
import { volumeFacts, type Fleet } from "../../docker/index";
import type { HostNetwork } from "../../workloads/policy/walk";
import type { Cluster, ClusterMember } from "./cluster";
import { engineRequest } from "./engine";
import { networkTargetsOf, volumesOf, type WorkloadFacts } from "./judge";

type VolumeFact = { driver: string; options: Record<string, string> } | null;

function worse(a: VolumeFact | undefined, b: VolumeFact): VolumeFact {
  if (!a) return b;
  if (!b) return a;
  const risky = (v: NonNullable<VolumeFact>) =>
    (v.driver !== "local" ? 2 : 0) + (Object.keys(v.options).length ? 1 : 0);
  return risky(b) > risky(a) ? b : a;
}

/** The host's networks, by name: each engine's own, and the swarm's copies of them. */
const HOST_NETWORKS = ["host", "bridge"] as const;

/**
 * The host's networks as `manager` resolves a service's network references: its own (listed)
 * and the swarm's predefined copies (never listed; found by name in the swarm's scope).
 */
async function hostNetworksOn(
  fleet: Fleet,
  manager: ClusterMember,
): Promise<{ hosts: HostNetwork[]; otherNames: Set<string> }> {
  return fleet.call(manager.environmentId, "host networks", async (docker: Docker) => {
    const local = (await docker.listNetworks()) as { Id: string; Name: string; Driver?: string }[];
    const isHost = (n: { Name: string; Driver?: string }) =>
      n.Driver === "host" || (HOST_NETWORKS as readonly string[]).includes(n.Name);
    const found: HostNetwork[] = local.filter(isHost).map((n) => ({ id: n.Id, name: n.Name }));
    // The other networks by name (the swarm's overlays among them): a reference that is exactly
    // one of these names is that network, not a prefix of a host network's id.
    const otherNames = new Set(local.filter((n) => !isHost(n)).map((n) => n.Name));
    for (const name of HOST_NETWORKS) {
      try {
        const swarm = await engineRequest<{ Id: string; Name: string }>(docker, {
          method: "GET",
          path: `/networks/${name}`,
          query: { scope: "swarm" },
        });
        found.push({ id: swarm.Id, name: swarm.Name });
      } catch (error) {
        // A 404 here: this engine is no swarm manager (any more: demoted since its last probe). What
        // it listed is its own networks only, without the swarm's copies that the manager the spec
        // goes to resolves: a partial answer, so no answer at all (another manager's counts).
        if ((error as { statusCode?: unknown }).statusCode === 404) throw new PartialFactsError(manager, name);
        throw error;
      }
    }
    return { hosts: found, otherNames };
  });
}

/** A manager answered only part of what the facts need: counted as no answer. */
class PartialFactsError extends Error {
  constructor(manager: ClusterMember, network: string) {
    super(`${manager.name} has no swarm copy of the ${network} network: it is no swarm manager now.`);
    this.name = "PartialFactsError";
  }
}

/**
 * The host's networks on every manager that may be sent the spec (each has ids of its own),
 * or null when not one of them answered: the references cannot be checked then. And which of
 * `refs` are, on every manager that answered, exactly the name of another network.
 */
async function hostNetworksOf(
  fleet: Fleet,
  managers: ClusterMember[],
  refs: readonly string[],
): Promise<{ hostNetworks: HostNetwork[] | null; networkNames: string[] }> {
  const answers = await Promise.all(managers.map((m) => hostNetworksOn(fleet, m).catch(() => null)));
  const answered = answers.filter((a) => a !== null);
  if (!answered.length) return { hostNetworks: null, networkNames: [] };
  return {
    hostNetworks: answered.flatMap((a) => a.hosts),
    networkNames: refs.filter((ref) => answered.every((a) => a.otherNames.has(ref))),
  };
}

export async function serviceFacts(
  fleet: Fleet,
  cluster: Cluster,
  body: Record<string, unknown>,
  endpointOf: (environmentId: string) => Promise<string | null>,
): Promise<WorkloadFacts> {
  const members = [...cluster.managers, ...cluster.workers].filter((m) => m.state === "up" || m.state === "degraded");
  const names = volumesOf(body);
  const managers = cluster.managers.filter((m) => m.state === "up" || m.state === "degraded");
  const refs = networkTargetsOf(body);
  const [sockets, volumes, networks] = await Promise.all([
    Promise.all(members.map(async (m) => endpointOf(m.environmentId))),
    Promise.all(
      members.map((m) =>
        names.length ? volumeFacts(fleet, m.environmentId, names).catch(() => ({})) : Promise.resolve({}),
      ),
    ),
    refs.length ? hostNetworksOf(fleet, managers, refs) : Promise.resolve({ hostNetworks: [], networkNames: [] }),
  ]);
  const merged: Record<string, VolumeFact> = {};
  for (const found of volumes) {
    for (const [name, fact] of Object.entries(found as Record<string, VolumeFact>))
      merged[name] = worse(merged[name], fact);
  }
  return {
    socketPaths: sockets
      .filter((url): url is string => Boolean(url?.startsWith("unix://")))
      .map((url) => url.slice("unix://".length)),
    volumes: merged,
    hostNetworks: networks.hostNetworks,
    networkNames: networks.networkNames,
  };
}
