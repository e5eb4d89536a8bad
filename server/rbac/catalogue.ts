// The permission catalogue: one string per action. Environment-scoped permissions can be
// granted on one environment or on all; global ones only on all.

export const environmentPermissions = [
  "environment.read",
  "environment.manage",
  "container.read",
  "container.lifecycle",
  "container.create",
  "container.create.privileged",
  "container.create.docker-socket",
  "container.delete",
  "container.exec",
  "container.attach",
  "container.logs",
  "container.inspect.secrets",
  "container.files.read",
  "container.files.write",
  "image.read",
  "image.pull",
  "image.push",
  "image.delete",
  "image.export",
  "registry.use",
  "volume.read",
  "volume.create",
  "volume.delete",
  "volume.files.read",
  "volume.files.write",
  "network.read",
  "network.create",
  "network.delete",
  "system.prune",
  "node.read",
  "node.manage",
  "service.read",
  "service.create",
  "service.update",
  "service.delete",
  "service.logs",
  "service.exec",
  "stack.read",
  "stack.deploy",
  "stack.delete",
  "secret.read",
  "secret.write",
  "config.read",
  "config.data.read",
  "config.write",
] as const;

export const globalPermissions = [
  "registry.manage",
  "user.manage",
  "role.manage",
  "audit.read",
  "audit.recordings",
  "settings.manage",
] as const;

export type EnvironmentPermission = (typeof environmentPermissions)[number];
export type GlobalPermission = (typeof globalPermissions)[number];
export type Permission = EnvironmentPermission | GlobalPermission;

export const allPermissions: readonly Permission[] = [...environmentPermissions, ...globalPermissions];

const environmentSet = new Set<string>(environmentPermissions);
const allSet = new Set<string>(allPermissions);

export function isPermission(value: string): value is Permission {
  return allSet.has(value);
}

export function isEnvironmentScoped(permission: Permission): permission is EnvironmentPermission {
  return environmentSet.has(permission);
}

/** What each permission lets one do, for the role editor. */
export const permissionDescriptions: Record<Permission, string> = {
  "environment.read": "See the environment and its status",
  "environment.manage": "Add, edit and remove environments",
  "container.read": "List and inspect containers",
  "container.lifecycle": "Start, stop, restart, kill, pause, rename and update containers",
  "container.create": "Create containers with plain options",
  "container.create.privileged":
    "Create or change workloads with host access (privileged, capabilities, devices, bind mounts, host namespaces, large memory file systems); start, enter or read the files of one that has it",
  "container.create.docker-socket":
    "Mount an engine's socket (Docker, containerd, podman, CRI-O, any *.sock), or a folder holding one, into a workload: control of the whole host. Granted apart from host access",
  "container.delete": "Remove containers",
  "container.exec": "Open a console in a container",
  "container.attach": "Attach to a container's main process",
  "container.logs": "Read container logs",
  "container.inspect.secrets": "See values of secret-looking environment variables",
  "container.files.read": "Browse and download files in containers",
  "container.files.write": "Upload files into containers",
  "image.read": "List and inspect images",
  "image.pull": "Pull, import (load) and tag images",
  "image.push": "Push images to registries",
  "image.delete": "Remove and prune images",
  "image.export": "Download images as tar archives (everything inside them)",
  "registry.use": "Use the saved registries' credentials to pull and push here, and browse their repositories and tags",
  "volume.read": "List and inspect volumes",
  "volume.create": "Create volumes (driver options that reach the host need host access too)",
  "volume.delete": "Remove and prune volumes",
  "volume.files.read": "Browse and download the files in volumes",
  "volume.files.write": "Upload files into volumes",
  "network.read": "List and inspect networks",
  "network.create": "Create networks and connect or disconnect containers",
  "network.delete": "Remove and prune networks",
  "system.prune": "Prune everything unused on an environment at once (containers, networks, images, build cache)",
  "node.read": "List and inspect swarm nodes",
  "node.manage": "Drain, pause, promote, demote, label and remove swarm nodes",
  "service.read": "List and inspect services and tasks",
  "service.create": "Create services",
  "service.update": "Update and scale services",
  "service.delete": "Remove services",
  "service.logs": "Read services' logs (merged across their tasks)",
  "service.exec": "Open a console in a service's task (its container, on its node's engine)",
  "stack.read": "List stacks",
  "stack.deploy": "Deploy and update stacks",
  "stack.delete": "Remove stacks",
  "secret.read": "List secrets (never their data)",
  "secret.write": "Create and remove secrets",
  "config.read": "List configs: names, labels, dates and the services using them (not their data)",
  "config.data.read":
    "Read configs' data (it may carry settings and credentials not meant for everyone), and give configs to services and stacks (their tasks can print it)",
  "config.write": "Create and remove configs",
  "registry.manage": "Add, change, test and remove saved registries and their credentials",
  "user.manage": "Manage users and teams",
  "role.manage": "Manage roles and role bindings",
  "audit.read": "Read the audit trail",
  "audit.recordings":
    "Replay and download recorded console sessions (they show whatever was printed, secrets included)",
  "settings.manage": "Change instance settings (two-factor policy, retention)",
};
