export interface CatalogueEntry {
  permission: string;
  description: string;
  scope: "environment" | "global";
}

export interface PermissionGroup {
  resource: string;
  label: string;
  entries: CatalogueEntry[];
}

const labels: Record<string, string> = {
  environment: "Environments",
  container: "Containers",
  image: "Images",
  volume: "Volumes",
  network: "Networks",
  node: "Swarm nodes",
  service: "Services",
  stack: "Stacks",
  secret: "Secrets",
  config: "Configs",
  registry: "Registries",
  system: "System (prune)",
  user: "Users and teams",
  role: "Roles and access",
  audit: "Audit",
  settings: "Settings",
};

/** The catalogue in rows by resource (the part before the first dot), in catalogue order. */
export function groupPermissions(catalogue: readonly CatalogueEntry[]): PermissionGroup[] {
  const groups = new Map<string, PermissionGroup>();
  for (const entry of catalogue) {
    const resource = entry.permission.split(".")[0] ?? entry.permission;
    let group = groups.get(resource);
    if (!group) {
      const label = labels[resource] ?? resource.charAt(0).toUpperCase() + resource.slice(1);
      group = { resource, label, entries: [] };
      groups.set(resource, group);
    }
    group.entries.push(entry);
  }
  return [...groups.values()];
}
