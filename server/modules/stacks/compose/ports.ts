// Short port syntax as the CLI reads it: go-connections' nat.ParsePortSpec, then
// swarmopts.ConvertPortToPortConfig (every short port is an ingress port; a host IP is
// ignored with a warning).
import { isIP } from "node:net";

export interface PortMapping {
  proto: string;
  containerPort: number;
  hostIp: string;
  hostPort: string;
}

export interface ServicePort {
  mode: string;
  target: number;
  published: number;
  protocol: string;
}

function parsePortRange(text: string): [number, number] {
  if (text === "") throw new Error("empty string specified for ports");
  const dash = text.indexOf("-");
  const parse = (s: string) => {
    if (!/^\d+$/.test(s)) throw new Error(`invalid port: ${s}`);
    const n = Number(s);
    if (n > 65535) throw new Error(`invalid port: ${s}`);
    return n;
  };
  if (dash < 0) {
    const n = parse(text);
    return [n, n];
  }
  const start = parse(text.slice(0, dash));
  const end = parse(text.slice(dash + 1));
  if (end < start) throw new Error(`invalid range specified for port: ${text}`);
  return [start, end];
}

function splitParts(raw: string): [string, string, string] {
  const parts = raw.split(":");
  const n = parts.length;
  const containerPort = parts[n - 1]!;
  if (n === 1) return ["", "", containerPort];
  if (n === 2) return ["", parts[0]!, containerPort];
  if (n === 3) return [parts[0]!, parts[1]!, containerPort];
  return [parts.slice(0, n - 2).join(":"), parts[n - 2]!, containerPort];
}

/** nat.ParsePortSpec; throws with the CLI's words. */
export function parsePortSpec(raw: string): PortMapping[] {
  const parts = splitParts(raw);
  let ip = parts[0];
  const hostPort = parts[1];
  let containerPort = parts[2];
  let proto = "tcp";
  const slash = containerPort.lastIndexOf("/");
  if (slash >= 0) {
    proto = containerPort.slice(slash + 1);
    containerPort = containerPort.slice(0, slash);
  }
  if (ip.startsWith("[")) ip = ip.replace(/^\[(.*)\]$/, "$1");
  if (ip !== "" && isIP(ip) === 0) throw new Error(`invalid IP address: ${ip}`);
  if (containerPort === "") throw new Error(`no port specified: ${raw}<empty>`);
  let start: number;
  let end: number;
  try {
    [start, end] = parsePortRange(containerPort);
  } catch {
    throw new Error(`invalid containerPort: ${containerPort}`);
  }
  let hostStart = 0;
  let hostEnd = 0;
  if (hostPort !== "") {
    try {
      [hostStart, hostEnd] = parsePortRange(hostPort);
    } catch {
      throw new Error(`invalid hostPort: ${hostPort}`);
    }
  }
  if (hostPort !== "" && end - start !== hostEnd - hostStart && end !== start) {
    throw new Error(`invalid ranges specified for container and host Ports: ${containerPort} and ${hostPort}`);
  }
  const lower = proto.toLowerCase();
  if (!["tcp", "udp", "sctp"].includes(lower)) throw new Error(`invalid proto: ${proto}`);
  const out: PortMapping[] = [];
  for (let i = 0; i <= end - start; i++) {
    let host = hostPort === "" ? "" : String(hostStart + i);
    if (start === end && hostStart !== hostEnd) host = `${host}-${hostEnd}`;
    out.push({ proto: lower, containerPort: start + i, hostIp: ip, hostPort: host });
  }
  return out;
}

/** loader.toServicePortConfigs: one short entry -> its port configs, plus warnings. */
export function shortPortToServicePorts(raw: string, warn: (text: string) => void): ServicePort[] {
  const mappings = parsePortSpec(raw);
  // nat.ParsePortSpecs groups by "port/proto" and the loader walks the keys sorted as strings
  const byKey = new Map<string, PortMapping[]>();
  for (const m of mappings) {
    const key = `${m.containerPort}/${m.proto}`;
    byKey.set(key, [...(byKey.get(key) ?? []), m]);
  }
  const out: ServicePort[] = [];
  for (const key of [...byKey.keys()].sort()) {
    for (const binding of byKey.get(key)!) {
      if (binding.hostIp !== "" && !["0.0.0.0", "::"].includes(binding.hostIp)) {
        const host = binding.hostIp.includes(":") ? `[${binding.hostIp}]` : binding.hostIp;
        warn(`ignoring IP-address (${host}:${binding.hostPort}:${key}) service will listen on '0.0.0.0'`);
      }
      let hostStart = 0;
      let hostEnd = 0;
      if (binding.hostPort !== "") {
        try {
          [hostStart, hostEnd] = parsePortRange(binding.hostPort);
        } catch {
          throw new Error(`invalid hostport binding (${binding.hostPort}) for port (${binding.containerPort})`);
        }
      }
      for (let p = hostStart; p <= hostEnd; p++) {
        out.push({ mode: "ingress", target: binding.containerPort, published: p, protocol: binding.proto });
      }
    }
  }
  return out;
}
