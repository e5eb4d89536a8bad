// Policy rules for the networks section. Joining networks is plain; the host's network, or
// another container's network namespace, is host access.
import "server-only";
import {
  absent,
  bool,
  describe,
  isRecord,
  isString,
  isStringList,
  list,
  needPrivileged,
  object,
  plain,
  string,
  stringList,
  walkObject,
  type Rule,
  type Rules,
  type Walk,
} from "../policy/walk";

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** What a container's network reference needs nothing to name. */
const PLAIN_MODES = new Set(["default", "bridge", "none"]);

/**
 * Is `ref` (a container's network mode, or a network it joins) the engine's host network? The
 * engine finds a network by full id, name or id prefix: each of the host network's spellings
 * is it. (A container's bridge is its plain default; only the host's own namespace counts.)
 */
function containerHostNetwork(ref: string, field: string, walk: Walk): boolean {
  const host = hostNetworkNamed(ref, walk, "host");
  if (host) {
    needPrivileged(walk, field, `shares the host's network namespace${ref === "host" ? "" : ` (${describe(ref)})`}`);
    return true;
  }
  if (walk.facts.hostNetworks === null && !PLAIN_MODES.has(ref)) {
    needPrivileged(walk, field, `network ${describe(ref)} could not be checked: the engine did not answer`);
    return true;
  }
  return false;
}

function networkMode(value: unknown, field: string, walk: Walk) {
  if (absent(value) || value === "") return;
  if (!isString(value)) return needPrivileged(walk, field, `unexpected value ${describe(value)}`);
  if (value.startsWith("container:")) {
    return needPrivileged(walk, field, `shares the network namespace of another container (${value})`);
  }
  if (containerHostNetwork(value, field, walk)) return;
  // default, bridge, none, or a named network.
  if (!NAME.test(value)) needPrivileged(walk, field, `unexpected network mode ${describe(value)}`);
}

const ENDPOINT_RULES: Rules = {
  Aliases: plain(isStringList, "a list of names"),
  IPAMConfig: object({ IPv4Address: string, IPv6Address: string, LinkLocalIPs: stringList }),
};

const NETWORKING_RULES: Rules = {
  EndpointsConfig: (value, field, walk) => {
    if (absent(value)) return;
    if (!isRecord(value)) return needPrivileged(walk, field, `unexpected value ${describe(value)}`);
    for (const [name, endpoint] of Object.entries(value)) {
      const at = `${field}.${name}`;
      if (containerHostNetwork(name, at, walk)) {
        // named above
      } else if (!NAME.test(name)) needPrivileged(walk, at, `unexpected network ${describe(name)}`);
      walkObject(endpoint, at, ENDPOINT_RULES, walk);
    }
  },
};

/**
 * The host network `target` names, if any. The engine resolves a service's network by full id,
 * by name, then by id prefix, on the swarm's networks and then on the manager's own (whose
 * host and bridge stand for the swarm's): whichever of those spellings would reach one of the
 * host's networks is that network. Names are compared without case, to be sure; a reference
 * that is exactly another network's name (facts.networkNames) is that network, not a prefix.
 */
function hostNetworkNamed(target: string, walk: Walk, which: "host" | "host-and-bridge"): string | undefined {
  const lower = target.toLowerCase();
  if (lower === "host" || (which === "host-and-bridge" && lower === "bridge")) return lower;
  const hosts = (walk.facts.hostNetworks ?? []).filter((n) => which === "host-and-bridge" || n.name === "host");
  // In the engine's order: a full id, then a name, then an id prefix.
  const byIdOrName = hosts.find((n) => lower === n.id.toLowerCase() || lower === n.name.toLowerCase());
  if (byIdOrName) return byIdOrName.name;
  if (walk.facts.networkNames?.includes(target)) return undefined;
  return hosts.find((n) => lower.length > 0 && n.id.toLowerCase().startsWith(lower))?.name;
}

/** A swarm task's network attachment: a network by name, id or id prefix; "host" and "bridge" are the host's. */
const attachments: Rule = list((entry, field, walk) => {
  walkObject(entry, field, { Target: string, Aliases: plain(isStringList, "a list of names") }, walk);
  const target = isRecord(entry) ? entry.Target : undefined;
  if (!isString(target)) return;
  const host = hostNetworkNamed(target, walk, "host-and-bridge");
  if (host) {
    const spelt = target === host ? "" : ` (${describe(target)})`;
    needPrivileged(walk, `${field}.Target`, `joins the host's ${host} network${spelt}`);
  } else if (!NAME.test(target)) {
    needPrivileged(walk, `${field}.Target`, `unexpected network ${describe(target)}`);
  } else if (walk.facts.hostNetworks === null) {
    needPrivileged(walk, `${field}.Target`, `network ${describe(target)} could not be checked: no manager answered`);
  }
});

export const networksRules = {
  Config: {
    NetworkDisabled: bool,
    NetworkingConfig: object(NETWORKING_RULES),
  },
  HostConfig: {
    NetworkMode: networkMode,
    ExtraHosts: stringList,
    Dns: stringList,
    DnsOptions: stringList,
    DnsSearch: stringList,
  },
  TaskTemplate: { Networks: attachments },
  ServiceSpec: { Networks: attachments },
  ContainerSpec: {
    Hosts: stringList,
    DNSConfig: object({ Nameservers: stringList, Search: stringList, Options: stringList }),
  },
} satisfies Record<string, Rules>;
