// Published ports. A container binds a host port (on one address, or all); a service
// publishes through the swarm's routing mesh (ingress) or straight on the node (host).
import { z } from "zod";
import { ip, port } from "../fields";
import { listChangeWords } from "../cli";
import { defined, list, num, rec, str } from "../engine-read";
import { defineSection, type ServiceDraft, type SpecSlice, type SpecSliceInput } from "../section";

/** EndpointSpec, shared by the published ports and the endpoint mode. */
export function endpointSpec(draft: ServiceDraft): Record<string, unknown> {
  return (draft.spec.EndpointSpec ??= {}) as Record<string, unknown>;
}

const protocol = z.enum(["tcp", "udp", "sctp"]).default("tcp");

export const portSpec = z
  .object({
    containerPort: port,
    protocol,
    /** absent: the engine picks a free port */
    hostPort: port.optional(),
    hostIp: ip.optional(),
  })
  .strict();

export const servicePortSpec = z
  .object({
    containerPort: port,
    protocol,
    /** absent: the swarm picks one */
    hostPort: port.optional(),
    /** ingress: every node's port reaches the service; host: only the node a task runs on */
    publishMode: z.enum(["ingress", "host"]).default("ingress"),
  })
  .strict();

export const portsShape = { ports: z.array(portSpec).max(256).default([]) };
export const servicePortsShape = { ports: z.array(servicePortSpec).max(256).default([]) };

type Container = SpecSlice<typeof portsShape>;
type Service = SpecSlice<typeof servicePortsShape>;

function checkTwice(
  ports: { hostPort?: number; protocol: string; hostIp?: string }[],
  ctx: z.RefinementCtx,
  key: (p: { hostPort: number; protocol: string; hostIp?: string }) => string,
  message: (p: { hostPort: number; protocol: string }) => string = (p) => `Host port ${p.hostPort} is used twice.`,
) {
  const published = new Set<string>();
  ports.forEach((p, i) => {
    if (p.hostPort === undefined) return;
    const k = key({ ...p, hostPort: p.hostPort });
    if (published.has(k)) {
      ctx.addIssue({
        code: "custom",
        path: ["ports", i, "hostPort"],
        message: message({ ...p, hostPort: p.hostPort }),
      });
    }
    published.add(k);
  });
}

export const portsSection = defineSection<
  Container,
  Service,
  SpecSliceInput<typeof portsShape>,
  SpecSliceInput<typeof servicePortsShape>
>({
  name: "ports",
  modelled: { Config: ["ExposedPorts"], HostConfig: ["PortBindings"] },
  fields: { "HostConfig.PortBindings": "ports", ExposedPorts: "ports" },
  serviceFields: { "EndpointSpec.Ports": "ports" },

  check(spec, ctx) {
    checkTwice(spec.ports, ctx, (p) => `${p.hostIp ?? ""}:${p.hostPort}/${p.protocol}`);
  },
  toContainer(spec, draft) {
    if (!spec.ports.length) return;
    const exposed: Record<string, Record<string, never>> = {};
    const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
    for (const p of spec.ports) {
      const key = `${p.containerPort}/${p.protocol}`;
      exposed[key] = {};
      (bindings[key] ??= []).push({ HostIp: p.hostIp ?? "", HostPort: p.hostPort ? String(p.hostPort) : "" });
    }
    draft.body.ExposedPorts = exposed;
    draft.host.PortBindings = bindings;
  },
  fromContainer({ host }, notes) {
    const ports: NonNullable<SpecSliceInput<typeof portsShape>["ports"]> = [];
    for (const [key, bindings] of Object.entries(host.PortBindings ?? {})) {
      const [number, protocol = "tcp"] = key.split("/");
      for (const b of bindings ?? [{}]) {
        if (b.HostPort && !/^\d+$/.test(b.HostPort)) {
          notes.dropped.push(`the port range ${b.HostPort} for ${key}`);
          continue;
        }
        ports.push({
          containerPort: Number(number),
          protocol: protocol as "tcp" | "udp" | "sctp",
          ...(b.HostPort && b.HostPort !== "0" ? { hostPort: Number(b.HostPort) } : {}),
          ...(b.HostIp ? { hostIp: b.HostIp } : {}),
        });
      }
    }
    return ports.length ? { ports } : {};
  },
  notCarried({ host }) {
    return host.PublishAllPorts ? ["publish all ports"] : [];
  },
  runWords(spec, cli) {
    for (const p of spec.ports) {
      const host = p.hostPort
        ? `${p.hostIp ? `${p.hostIp.includes(":") ? `[${p.hostIp}]` : p.hostIp}:` : ""}${p.hostPort}:`
        : p.hostIp
          ? `${p.hostIp}::`
          : "";
      cli.flag("-p", `${host}${p.containerPort}${p.protocol === "tcp" ? "" : `/${p.protocol}`}`);
    }
  },

  checkService(spec, ctx) {
    checkTwice(
      spec.ports,
      ctx,
      (p) => `${p.hostPort}/${p.protocol}`,
      (p) => `Port ${p.hostPort}/${p.protocol} is published twice.`,
    );
  },
  toService(spec, draft) {
    if (!spec.ports.length) return;
    spec.ports.forEach((_, i) => (draft.origins[`EndpointSpec.Ports[${i}]`] = `ports.${i}`));
    endpointSpec(draft).Ports = spec.ports.map((p) => ({
      Protocol: p.protocol,
      TargetPort: p.containerPort,
      ...(p.hostPort !== undefined ? { PublishedPort: p.hostPort } : {}),
      PublishMode: p.publishMode,
    }));
  },
  fromService(payload) {
    return {
      ports: list(rec(payload.EndpointSpec).Ports)
        .map(rec)
        .map((p) =>
          defined({
            containerPort: num(p.TargetPort) ?? 0,
            protocol: (str(p.Protocol) ?? "tcp") as "tcp" | "udp" | "sctp",
            hostPort: num(p.PublishedPort) || undefined,
            publishMode: (str(p.PublishMode) ?? "ingress") as "ingress" | "host",
          }),
        ),
    };
  },
  serviceWords(spec, words) {
    for (const p of spec.ports) words.flag("--publish", publishWord(p));
  },
  serviceUpdateWords(before, after, words) {
    words.push(
      ...listChangeWords(before.ports, after.ports, "publish", {
        key: publishWord,
        rm: (p) => `${p.containerPort}/${p.protocol}`,
        add: publishWord,
      }),
    );
  },
});

/** `published=8080,target=80[,protocol=udp][,mode=host]` (--publish) */
function publishWord(p: Service["ports"][number]): string {
  return [
    ...(p.hostPort !== undefined ? [`published=${p.hostPort}`] : []),
    `target=${p.containerPort}`,
    ...(p.protocol !== "tcp" ? [`protocol=${p.protocol}`] : []),
    ...(p.publishMode === "host" ? ["mode=host"] : []),
  ].join(",");
}
