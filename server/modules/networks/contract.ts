// The networks' contract, shared by the server and the pages: inputs (zod), the `docker` line
// of each action, and the action table.
import { z } from "zod";
import type { Permission } from "../../rbac/catalogue";
import { dockerLine, repeated } from "../shared/cli";

import { environmentId } from "../../core/refs";

/** The one schema of an environment ref (server/core/refs.ts). */
export { environmentId };

/** A network's name or id as the engine allows it. */
export const networkName = z
  .string()
  .trim()
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/, "Use letters, digits, _ . and -, starting with a letter or digit.");

/** A container's name or id. */
export const containerRef = z
  .string()
  .trim()
  .regex(/^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]{0,254}$/, "Not a container name or id.");

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const IPV6 = /^[0-9a-fA-F:]+(:(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3})?$/;
const isIp = (v: string) => IPV4.test(v) || (v.includes(":") && IPV6.test(v));

export const ipAddress = z.string().trim().max(64).refine(isIp, "Not an IP address (10.1.2.3 or fd00::3).");

export const cidr = z
  .string()
  .trim()
  .max(64)
  .refine((v) => {
    const [ip, bits, ...rest] = v.split("/");
    if (rest.length || !ip || !bits || !/^\d{1,3}$/.test(bits)) return false;
    return IPV4.test(ip) ? Number(bits) <= 32 : isIp(ip) && Number(bits) <= 128;
  }, "Not a subnet in CIDR form (10.1.0.0/16 or fd00::/64).");

const key = z
  .string()
  .trim()
  .min(1, "A key is required.")
  .max(128)
  .regex(/^[A-Za-z0-9_./-]+$/, "Use letters, digits and _ . / - in keys.");
const value = z.string().max(4096, "Use at most 4096 characters.");

export const NETWORK_DRIVERS = ["bridge", "overlay", "macvlan", "ipvlan"] as const;
export type NetworkDriver = (typeof NETWORK_DRIVERS)[number];

export const ipamPool = z.object({ subnet: cidr, gateway: ipAddress.optional(), ipRange: cidr.optional() }).strict();

export const networkTarget = z.object({ environmentId, network: networkName }).strict();

export const createNetworkInput = z
  .object({
    environmentId,
    name: networkName,
    driver: z.enum(NETWORK_DRIVERS).default("bridge"),
    ipam: z.array(ipamPool).max(8, "At most 8 pools.").default([]),
    ipv6: z.boolean().default(false),
    internal: z.boolean().default(false),
    attachable: z.boolean().default(false),
    /** overlay only: traffic between nodes encrypted (IPsec) */
    encrypted: z.boolean().default(false),
    /** driver options: macvlan / ipvlan `parent`, `ipvlan_mode`, bridge options... */
    options: z.record(key, value).default({}),
    labels: z.record(key, value).default({}),
  })
  .strict()
  .refine(
    (v) => Object.keys(v.options).length <= 32 && Object.keys(v.labels).length <= 128,
    "Too many options or labels.",
  )
  .refine((v) => !v.encrypted || v.driver === "overlay", {
    message: "Only overlay networks can be encrypted.",
    path: ["encrypted"],
  })
  .refine((v) => !v.attachable || v.driver === "overlay", {
    message: "Attachable applies to overlay networks (local networks always are).",
    path: ["attachable"],
  });
export type CreateNetworkInput = z.output<typeof createNetworkInput>;

export const removeNetworkInput = networkTarget;

export const pruneNetworksInput = z.object({ environmentId }).strict();

export const connectInput = z
  .object({
    environmentId,
    network: networkName,
    container: containerRef,
    aliases: z.array(networkName).max(16, "At most 16 aliases.").default([]),
    ipv4Address: ipAddress.optional().or(z.literal("").transform(() => undefined)),
    ipv6Address: ipAddress.optional().or(z.literal("").transform(() => undefined)),
  })
  .strict();

export const disconnectInput = z
  .object({ environmentId, network: networkName, container: containerRef, force: z.boolean().default(false) })
  .strict();

export const networkCli = {
  create: (env: string, input: CreateNetworkInput) =>
    dockerLine(env, [
      "network",
      "create",
      ...(input.driver !== "bridge" ? ["--driver", input.driver] : []),
      ...input.ipam.flatMap((p) => [
        "--subnet",
        p.subnet,
        ...(p.gateway ? ["--gateway", p.gateway] : []),
        ...(p.ipRange ? ["--ip-range", p.ipRange] : []),
      ]),
      input.ipv6 && "--ipv6",
      input.internal && "--internal",
      input.attachable && "--attachable",
      ...(input.encrypted ? ["--opt", "encrypted"] : []),
      ...repeated("--opt", input.options),
      ...repeated("--label", input.labels),
      input.name,
    ]),
  remove: (env: string, name: string) => dockerLine(env, ["network", "rm", name]),
  prune: (env: string) => dockerLine(env, ["network", "prune", "-f"]),
  connect: (
    env: string,
    input: { network: string; container: string; aliases: string[]; ipv4Address?: string; ipv6Address?: string },
  ) =>
    dockerLine(env, [
      "network",
      "connect",
      ...input.aliases.flatMap((a) => ["--alias", a]),
      ...(input.ipv4Address ? ["--ip", input.ipv4Address] : []),
      ...(input.ipv6Address ? ["--ip6", input.ipv6Address] : []),
      input.network,
      input.container,
    ]),
  disconnect: (env: string, input: { network: string; container: string; force: boolean }) =>
    dockerLine(env, ["network", "disconnect", input.force && "--force", input.network, input.container]),
};

export const networkActions = {
  create: { permission: "network.create" },
  connect: { permission: "network.create" },
  disconnect: { permission: "network.create" },
  remove: { permission: "network.delete", confirm: "The network is removed. Containers must be disconnected first." },
  prune: { permission: "network.delete", confirm: "Every network listed is removed. There is no undo." },
} as const satisfies Record<string, { permission: Permission; confirm?: string }>;
