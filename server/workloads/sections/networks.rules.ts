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

function networkMode(value: unknown, field: string, walk: Walk) {
  if (absent(value) || value === "") return;
  if (!isString(value)) return needPrivileged(walk, field, `unexpected value ${describe(value)}`);
  if (value === "host") return needPrivileged(walk, field, "shares the host's network namespace");
  if (value.startsWith("container:")) {
    return needPrivileged(walk, field, `shares the network namespace of another container (${value})`);
  }
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
      if (name === "host") needPrivileged(walk, at, "joins the host's network");
      else if (!NAME.test(name)) needPrivileged(walk, at, `unexpected network ${describe(name)}`);
      walkObject(endpoint, at, ENDPOINT_RULES, walk);
    }
  },
};

/**
 * The host network `target` names, if any. The engine resolves a service's network by full id,
 * by name, then by id prefix, on the swarm's networks and then on the manager's own (whose
 * host and bridge stand for the swarm's): whichever of those spellings would reach one of the
 * host's networks is that network. Names are compared without case, to be sure.
 */
function hostNetworkNamed(target: string, walk: Walk): string | undefined {
  const lower = target.toLowerCase();
  if (lower === "host" || lower === "bridge") return lower;
  for (const network of walk.facts.hostNetworks ?? []) {
    const id = network.id.toLowerCase();
    if (lower === network.name.toLowerCase() || lower === id || (lower.length > 0 && id.startsWith(lower))) {
      return network.name;
    }
  }
  return undefined;
}

/** A swarm task's network attachment: a network by name, id or id prefix; "host" and "bridge" are the host's. */
const attachments: Rule = list((entry, field, walk) => {
  walkObject(entry, field, { Target: string, Aliases: plain(isStringList, "a list of names") }, walk);
  const target = isRecord(entry) ? entry.Target : undefined;
  if (!isString(target)) return;
  const host = hostNetworkNamed(target, walk);
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
