// What the service form offers to pick from: the swarm's networks (overlay ones can carry a
// service), its secrets and configs by name (never their data), the node labels constraints
// can name, and the images the nodes that are environments have.
import type { Fleet } from "../../docker/index";
import { engineRequest } from "./engine";
import { readFromManager } from "./managers";
import type { ClusterView } from "./view";

export interface ServiceOptions {
  networks: Array<{ name: string; driver: string; scope: string }>;
  secrets: string[];
  configs: string[];
  nodeLabels: Record<string, string[]>;
  images: string[];
  hostnames: string[];
}

export async function serviceOptions(fleet: Fleet, view: ClusterView): Promise<ServiceOptions> {
  const served = await readFromManager(fleet, view.cluster, "service form options", async (docker) => {
    const [networks, secrets, configs] = await Promise.all([
      engineRequest<Array<{ Name: string; Driver: string; Scope: string; Ingress?: boolean }>>(docker, {
        method: "GET",
        path: "/networks",
      }),
      engineRequest<Array<{ Spec: { Name: string } }>>(docker, { method: "GET", path: "/secrets" }),
      engineRequest<Array<{ Spec: { Name: string } }>>(docker, { method: "GET", path: "/configs" }),
    ]);
    return { networks, secrets, configs };
  });
  const members = [...view.cluster.managers, ...view.cluster.workers].filter(
    (m) => m.state === "up" || m.state === "degraded",
  );
  const images = new Set<string>();
  for (const m of members)
    for (const image of fleet.picture.list(m.environmentId, "images") ?? [])
      for (const tag of image.tags) images.add(tag);
  const nodeLabels: Record<string, Set<string>> = {};
  for (const node of view.nodes) for (const [k, v] of Object.entries(node.labels)) (nodeLabels[k] ??= new Set()).add(v);
  return {
    networks: served.value.networks
      .filter((n) => n.Scope === "swarm" && !n.Ingress)
      .map((n) => ({ name: n.Name, driver: n.Driver, scope: n.Scope }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    secrets: served.value.secrets.map((s) => s.Spec.Name).sort(),
    configs: served.value.configs.map((c) => c.Spec.Name).sort(),
    nodeLabels: Object.fromEntries(Object.entries(nodeLabels).map(([k, v]) => [k, [...v].sort()])),
    images: [...images].sort(),
    hostnames: view.nodes.map((n) => n.hostname).sort(),
  };
}
