import { allPermissions, environmentPermissions, type Permission } from "./catalogue";

export interface BuiltinRole {
  name: string;
  description: string;
  permissions: readonly Permission[];
}

const reads = environmentPermissions.filter((p) => p.endsWith(".read"));

/**
 * Reads of content rather than state: what is inside a container's or a volume's files, and a
 * swarm config's data. Like logs, it may hold whatever a workload wrote or an operator put
 * there (keys, tokens, dumps, a connection string), so Read-only has none of them; Helpdesk
 * has them (its console reads any file anyway).
 */
const contentReads: readonly Permission[] = ["container.files.read", "volume.files.read", "config.data.read"];
const stateReads = reads.filter((p) => !contentReads.includes(p));

export const builtinRoles: readonly BuiltinRole[] = [
  {
    name: "Administrator",
    description: "Everything, everywhere, including users, roles and settings.",
    permissions: allPermissions,
  },
  {
    name: "Environment admin",
    description: "Everything inside the environments it is bound to, host access included.",
    permissions: environmentPermissions,
  },
  {
    name: "Operator",
    description: "Runs workloads: lifecycle, create (no host access), delete, console, logs, pulls, deploys.",
    permissions: [
      ...reads,
      "container.lifecycle",
      "container.create",
      "container.delete",
      "container.exec",
      "container.attach",
      "container.logs",
      "container.files.read",
      "image.pull",
      "registry.use",
      "volume.create",
      "network.create",
      "service.create",
      "service.update",
      "service.logs",
      "service.exec",
      "stack.deploy",
    ],
  },
  {
    name: "Helpdesk",
    description: "Looks and helps: read everything, file contents and logs included, and the console.",
    permissions: [...reads, "container.logs", "container.exec", "service.logs", "service.exec"],
  },
  {
    name: "Read-only",
    description:
      "Sees the state of everything it is bound to (lists, details, secret-looking values masked) and changes nothing; no logs or file contents, which may carry secrets.",
    permissions: stateReads,
  },
];

export const builtinRoleNames = new Set(builtinRoles.map((r) => r.name));
