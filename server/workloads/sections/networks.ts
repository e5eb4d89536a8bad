// Networks: the ones the workload joins (with aliases, and a fixed address for a container),
// and, as host access, a network mode that shares another namespace (host, container:<id>).
import { z } from "zod";
import { listChangeWords, shellQuote } from "../cli";
import { list, rec, str, strings } from "../engine-read";
import { ip, networkName } from "../fields";
import { defineSection, type SpecSlice, type SpecSliceInput } from "../section";

export const networkSpec = z
  .object({
    name: networkName,
    aliases: z.array(networkName).max(32).default([]),
    ipv4Address: ip.optional(),
  })
  .strict();
export const serviceNetworkSpec = networkSpec.omit({ ipv4Address: true });

const mode = z.string().trim().max(256);

export const networksShape = { networks: z.array(networkSpec).max(16).default([]) };
export const networksHostAccessShape = {
  /** host, container:<id>, or a plain value (none, bridge, a network) that needs nothing */
  networkMode: mode.optional(),
};
export const serviceNetworksShape = { networks: z.array(serviceNetworkSpec).max(16).default([]) };

type Container = SpecSlice<typeof networksShape> & {
  hostAccess?: SpecSlice<typeof networksHostAccessShape>;
  /** the container's name, for `docker network connect` */
  name?: string;
};
type Service = SpecSlice<typeof serviceNetworksShape>;
type ContainerInput = SpecSliceInput<typeof networksShape> & {
  hostAccess?: SpecSliceInput<typeof networksHostAccessShape>;
};

function checkTwice(networks: { name: string }[], ctx: z.RefinementCtx) {
  const names = new Set<string>();
  networks.forEach((n, i) => {
    if (names.has(n.name)) {
      ctx.addIssue({ code: "custom", path: ["networks", i, "name"], message: `${n.name} is listed twice.` });
    }
    names.add(n.name);
  });
}

export const networksSection = defineSection<
  Container,
  Service,
  ContainerInput,
  SpecSliceInput<typeof serviceNetworksShape>
>({
  name: "networks",
  modelled: { HostConfig: ["NetworkMode"] },
  fields: { "HostConfig.NetworkMode": "hostAccess.networkMode" },
  serviceModelled: ["TaskTemplate.Networks"],

  check(spec, ctx) {
    checkTwice(spec.networks, ctx);
    if (spec.networks.length && spec.hostAccess?.networkMode) {
      ctx.addIssue({
        code: "custom",
        path: ["hostAccess", "networkMode"],
        message: "A network mode and named networks do not go together.",
      });
    }
  },
  toContainer(spec, draft) {
    const modeOf = spec.hostAccess?.networkMode;
    if (modeOf) {
      draft.host.NetworkMode = modeOf;
      return;
    }
    if (!spec.networks.length) return;
    // The first network is the container's mode (as `docker run --network` does); the engine
    // layer connects the others before the container starts.
    draft.host.NetworkMode = spec.networks[0]!.name;
    const endpoints: Record<string, Record<string, unknown>> = {};
    spec.networks.forEach((n, i) => {
      draft.origins[`NetworkingConfig.EndpointsConfig.${n.name}`] = `networks.${i}`;
      endpoints[n.name] = {
        ...(n.aliases.length ? { Aliases: n.aliases } : {}),
        ...(n.ipv4Address ? { IPAMConfig: { IPv4Address: n.ipv4Address } } : {}),
      };
    });
    draft.body.NetworkingConfig = { EndpointsConfig: endpoints };
  },
  fromContainer({ inspect, host }, notes) {
    // The mode first (as docker run --network), then the others.
    const shortId = inspect.Id.slice(0, 12);
    const modeOf = host.NetworkMode ?? "default";
    const attached = Object.entries(inspect.NetworkSettings.Networks ?? {});
    if (modeOf === "host" || modeOf === "none" || modeOf.startsWith("container:")) {
      return { hostAccess: { networkMode: modeOf } };
    }
    const ordered = attached.sort(([a], [b]) => (a === modeOf ? -1 : b === modeOf ? 1 : 0));
    const networks: NonNullable<ContainerInput["networks"]> = [];
    for (const [name, endpoint] of ordered) {
      if (name === "bridge" && (modeOf === "default" || modeOf === "bridge") && ordered.length === 1) continue;
      const aliases = ((endpoint.Aliases ?? []) as string[]).filter((a) => a !== shortId && a !== inspect.Id);
      const fixed = (endpoint.IPAMConfig as { IPv4Address?: string } | null | undefined)?.IPv4Address;
      if (fixed) notes.dropped.push(`the fixed address ${fixed} on ${name} (two containers cannot share it)`);
      networks.push({ name, ...(aliases.length ? { aliases } : {}) });
    }
    return networks.length ? { networks } : {};
  },
  notCarried({ host }) {
    return [
      ...(host.ExtraHosts?.length ? ["extra hosts"] : []),
      ...(host.Dns?.length || host.DnsSearch?.length || host.DnsOptions?.length ? ["DNS servers and options"] : []),
      ...(host.Links?.length ? ["links"] : []),
    ];
  },
  runWords(spec, cli) {
    if (spec.hostAccess?.networkMode) cli.flag("--network", spec.hostAccess.networkMode);
    const [first, ...rest] = spec.networks;
    // docker run joins one network with its own flags; the others are `docker network connect`.
    if (first) {
      cli.flag("--network", first.name);
      for (const a of first.aliases) cli.flag("--network-alias", a);
      if (first.ipv4Address) cli.flag("--ip", first.ipv4Address);
    }
    const target = spec.name ?? "<container>";
    for (const n of rest) {
      const aliases = n.aliases.map((a) => ` --alias ${shellQuote(a)}`).join("");
      const address = n.ipv4Address ? ` --ip ${n.ipv4Address}` : "";
      cli.then.push(`docker network connect${aliases}${address} ${shellQuote(n.name)} ${target}`);
    }
  },

  checkService(spec, ctx) {
    checkTwice(spec.networks, ctx);
  },
  toService(spec, draft) {
    if (!spec.networks.length) return;
    spec.networks.forEach((_, i) => (draft.origins[`TaskTemplate.Networks[${i}]`] = `networks.${i}`));
    draft.task.Networks = spec.networks.map((n) => ({
      Target: draft.refs.network(n.name),
      ...(n.aliases.length ? { Aliases: n.aliases } : {}),
    }));
  },
  // The engine names each network by its ID; older specs list them at the top (Networks).
  fromService(payload, read) {
    const task = rec(payload.TaskTemplate);
    return {
      networks: list(list(task.Networks).length ? task.Networks : payload.Networks)
        .map(rec)
        .map((n) => ({ name: read.networkName(str(n.Target) ?? ""), aliases: strings(n.Aliases) })),
    };
  },
  serviceWords(spec, words) {
    for (const n of spec.networks) words.flag("--network", networkWord(n));
  },
  serviceUpdateWords(before, after, words) {
    words.push(
      ...listChangeWords(before.networks, after.networks, "network", {
        key: (n) => JSON.stringify(n),
        rm: (n) => n.name,
        add: networkWord,
      }),
    );
  },
});

/** `name=backend,alias=api` or just the name (--network) */
function networkWord(n: Service["networks"][number]): string {
  return n.aliases.length ? [`name=${n.name}`, ...n.aliases.map((a) => `alias=${a}`)].join(",") : n.name;
}
