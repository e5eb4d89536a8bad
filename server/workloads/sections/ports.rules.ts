// Policy rules for the ports section. Publishing a port is plain (on a container's host
// address or a swarm node's), whatever its number.
import "server-only";
import {
  absent,
  bool,
  describe,
  isEmpty,
  isInt,
  isRecord,
  isString,
  list,
  needPrivileged,
  object,
  oneOf,
  plain,
  string,
  walkObject,
  type Rule,
  type Rules,
} from "../policy/walk";

const PORT_KEY = /^\d{1,5}(\/(tcp|udp|sctp))?$/;

const PORT_BINDING_RULES: Rules = {
  HostIp: plain((v) => isString(v) && /^[0-9a-fA-F.:]*$/.test(v), "an IP address"),
  HostPort: plain((v) => isString(v) && /^(\d{1,5}(-\d{1,5})?)?$/.test(v), "a port number"),
};

const portBindings: Rule = (value, field, walk) => {
  if (absent(value)) return;
  if (!isRecord(value)) return needPrivileged(walk, field, `unexpected value ${describe(value)}`);
  for (const [key, bindings] of Object.entries(value)) {
    const at = `${field}.${key}`;
    if (!PORT_KEY.test(key)) needPrivileged(walk, at, `unexpected port key ${describe(key)}`);
    if (absent(bindings)) continue;
    if (!Array.isArray(bindings)) {
      needPrivileged(walk, at, `unexpected value ${describe(bindings)}`);
      continue;
    }
    bindings.forEach((binding, i) => walkObject(binding, `${at}[${i}]`, PORT_BINDING_RULES, walk));
  }
};

const portNumber = plain((v) => isInt(v) && v >= 0 && v <= 65535, "a port number");

export const portsRules = {
  Config: {
    ExposedPorts: plain(
      (v) => isRecord(v) && Object.entries(v).every(([k, x]) => PORT_KEY.test(k) && isEmpty(x)),
      'ports like {"80/tcp": {}}',
    ),
  },
  HostConfig: { PortBindings: portBindings, PublishAllPorts: bool },
  ServiceSpec: {
    EndpointSpec: object({
      Mode: plain(oneOf("", "vip", "dnsrr"), "vip or dnsrr"),
      Ports: list(
        object({
          Name: string,
          Protocol: plain(oneOf("", "tcp", "udp", "sctp"), "tcp, udp or sctp"),
          TargetPort: portNumber,
          PublishedPort: portNumber,
          PublishMode: plain(oneOf("", "ingress", "host"), "ingress or host"),
        }),
      ),
    }),
  },
} satisfies Record<string, Rules>;
