// What the policy must know of the engines to judge a ServiceSpec: the named volumes it mounts
// as they exist on the cluster's engines that are environments (one made earlier with
// `o=bind` is a bind mount; the worst one found counts), and every such engine's own socket.
// A node that is no environment cannot be asked; its volumes are judged as plain ones.
import { volumeFacts, type Fleet } from "../../docker/index";
import type { Cluster } from "./cluster";
import { volumesOf, type WorkloadFacts } from "./judge";

type VolumeFact = { driver: string; options: Record<string, string> } | null;

function worse(a: VolumeFact | undefined, b: VolumeFact): VolumeFact {
  if (!a) return b;
  if (!b) return a;
  const risky = (v: NonNullable<VolumeFact>) =>
    (v.driver !== "local" ? 2 : 0) + (Object.keys(v.options).length ? 1 : 0);
  return risky(b) > risky(a) ? b : a;
}

export async function serviceFacts(
  fleet: Fleet,
  cluster: Cluster,
  body: Record<string, unknown>,
  endpointOf: (environmentId: string) => Promise<string | null>,
): Promise<WorkloadFacts> {
  const members = [...cluster.managers, ...cluster.workers].filter((m) => m.state === "up" || m.state === "degraded");
  const names = volumesOf(body);
  const [sockets, volumes] = await Promise.all([
    Promise.all(members.map(async (m) => endpointOf(m.environmentId))),
    Promise.all(
      members.map((m) =>
        names.length ? volumeFacts(fleet, m.environmentId, names).catch(() => ({})) : Promise.resolve({}),
      ),
    ),
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
  };
}
