"use client";

import { useQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import type { ReactNode } from "react";
import type { AppRouter } from "@/server/transport/trpc/root";
import { useTRPC } from "../../trpc";
import { Badge } from "../../ui/badge";
import { formatDateTime } from "../../ui/format";
import { Loading } from "../../ui/loading";
import { Panel } from "../../ui/panel";
import { Table, Th } from "../../ui/table";
import { Cell as Td } from "./cells";
import { engineTime, formatBytes } from "./format";

type Detail = inferRouterOutputs<AppRouter>["containers"]["get"];

function Facts({ items }: { items: [string, ReactNode][] }) {
  return (
    <dl className="grid grid-cols-1 gap-x-6 gap-y-2 text-sm sm:grid-cols-[max-content_1fr]">
      {items.map(([label, value]) => (
        <div key={label} className="contents">
          <dt className="text-subtle">{label}</dt>
          <dd className="min-w-0 break-words text-fg">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

const none = <span className="text-faint">—</span>;
const mono = (text: string) => (text ? <code className="font-mono text-xs">{text}</code> : none);
/** An argument list as a shell would take it back: single quotes where needed. */
const shellQuote = (arg: string) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`);
const argv = (list: string[]) => (list.length ? mono(list.map(shellQuote).join(" ")) : none);
const when = (value: string | undefined) => {
  const t = engineTime(value);
  return t ? <time dateTime={t}>{formatDateTime(t)}</time> : none;
};

function Empty({ children }: { children: ReactNode }) {
  return <p className="text-sm text-subtle">{children}</p>;
}

function StatePanel({ d }: { d: Detail }) {
  const health = d.state.health;
  return (
    <Panel title="State">
      <Facts
        items={[
          ["Status", <span key="s">{d.state.status}</span>],
          ["Health", health ? `${health.status} (failing streak ${health.failingStreak})` : "no health check"],
          ["Restart count", String(d.restartCount)],
          ["Exit code", d.state.running ? none : String(d.state.exitCode)],
          ["Created", when(d.created)],
          ["Started", when(d.state.startedAt)],
          ["Finished", d.state.running ? none : when(d.state.finishedAt)],
          ...(d.state.error ? ([["Error", <span key="e">{d.state.error}</span>]] as [string, ReactNode][]) : []),
        ]}
      />
      {health?.log.length ? (
        <div className="mt-4 space-y-2">
          <h3 className="text-sm font-medium">Health check log</h3>
          <Table label="Health check log">
            <thead>
              <tr>
                <Th>Started</Th>
                <Th>Exit code</Th>
                <Th>Output</Th>
              </tr>
            </thead>
            <tbody>
              {health.log.map((entry) => (
                <tr key={entry.start}>
                  <Td className="whitespace-nowrap">{formatDateTime(entry.start)}</Td>
                  <Td>
                    <Badge tone={entry.exitCode === 0 ? "green" : "red"}>{entry.exitCode}</Badge>
                  </Td>
                  <Td className="font-mono text-xs whitespace-pre-wrap">{entry.output.trim() || "—"}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        </div>
      ) : null}
    </Panel>
  );
}

function ProcessPanel({ d }: { d: Detail }) {
  return (
    <Panel title="Process">
      <Facts
        items={[
          ["Command", argv(d.command)],
          ["Entrypoint", argv(d.entrypoint)],
          ["User", d.user ? mono(d.user) : <span key="u">root (image default)</span>],
          ["Working dir", d.workingDir ? mono(d.workingDir) : "/"],
          ["Hostname", mono(d.hostname)],
          ["TTY", d.tty ? "yes" : "no"],
          ["Stop signal", d.stopSignal ? mono(d.stopSignal) : "SIGTERM (default)"],
          ["Privileged", d.privileged ? <Badge tone="red">privileged</Badge> : "no"],
        ]}
      />
    </Panel>
  );
}

function EnvPanel({ d }: { d: Detail }) {
  return (
    <Panel
      title="Environment variables"
      description={
        d.secretsRevealed
          ? "All values shown: you hold container.inspect.secrets here."
          : "Values of secret-looking names are masked; container.inspect.secrets shows them."
      }
    >
      {d.env.length === 0 ? (
        <Empty>No environment variables.</Empty>
      ) : (
        <Table label="Environment variables">
          <thead>
            <tr>
              <Th>Name</Th>
              <Th>Value</Th>
            </tr>
          </thead>
          <tbody>
            {d.env.map((e) => (
              <tr key={e.name}>
                <Td className="font-mono text-xs">{e.name}</Td>
                <Td className="font-mono text-xs break-all">
                  {"masked" in e && e.masked ? (
                    <span className="inline-flex items-center gap-2">
                      <span aria-label="masked value">{e.value}</span>
                      <Badge tone="amber">masked</Badge>
                    </span>
                  ) : (
                    e.value
                  )}
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </Panel>
  );
}

function NetworkPanel({ d }: { d: Detail }) {
  return (
    <Panel title="Ports and networks" description={`Network mode: ${d.networkMode || "default"}`}>
      <div className="space-y-4">
        {d.ports.length === 0 ? (
          <Empty>No ports exposed.</Empty>
        ) : (
          <Table label="Ports">
            <thead>
              <tr>
                <Th>Container port</Th>
                <Th>Published on</Th>
              </tr>
            </thead>
            <tbody>
              {d.ports.map((p) => (
                <tr key={`${p.containerPort}-${p.hostIp}-${p.hostPort}`}>
                  <Td className="font-mono text-xs">{p.containerPort}</Td>
                  <Td className="font-mono text-xs">
                    {p.hostPort ? `${p.hostIp || "0.0.0.0"}:${p.hostPort}` : "not published"}
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
        {d.networks.length === 0 ? (
          <Empty>Not attached to any network.</Empty>
        ) : (
          <Table label="Networks">
            <thead>
              <tr>
                <Th>Network</Th>
                <Th>IP address</Th>
                <Th>Gateway</Th>
                <Th>MAC</Th>
                <Th>Aliases</Th>
              </tr>
            </thead>
            <tbody>
              {d.networks.map((n) => (
                <tr key={n.name}>
                  <Td className="font-medium">{n.name}</Td>
                  <Td className="font-mono text-xs">
                    {n.ip || "—"}
                    {n.ipv6 ? <span className="block">{n.ipv6}</span> : null}
                  </Td>
                  <Td className="font-mono text-xs">{n.gateway || "—"}</Td>
                  <Td className="font-mono text-xs">{n.mac || "—"}</Td>
                  <Td className="font-mono text-xs">{n.aliases.join(", ") || "—"}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </div>
    </Panel>
  );
}

function MountsPanel({ d }: { d: Detail }) {
  return (
    <Panel title="Mounts">
      {d.mounts.length === 0 ? (
        <Empty>No volumes or bind mounts.</Empty>
      ) : (
        <Table label="Mounts">
          <thead>
            <tr>
              <Th>Type</Th>
              <Th>Source</Th>
              <Th>Destination</Th>
              <Th>Access</Th>
            </tr>
          </thead>
          <tbody>
            {d.mounts.map((m) => (
              <tr key={m.destination}>
                <Td>{m.type}</Td>
                <Td className="font-mono text-xs break-all">{m.name ?? m.source}</Td>
                <Td className="font-mono text-xs break-all">{m.destination}</Td>
                <Td>{m.rw ? "read-write" : <Badge tone="sky">read-only</Badge>}</Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </Panel>
  );
}

function ResourcesPanel({ d }: { d: Detail }) {
  const r = d.resources;
  const unlimited = <span className="text-subtle">unlimited</span>;
  const cpus = r.nanoCpus
    ? `${r.nanoCpus / 1e9} CPUs`
    : r.cpuQuota > 0 && r.cpuPeriod > 0
      ? `${(r.cpuQuota / r.cpuPeriod).toFixed(2)} CPUs (quota ${r.cpuQuota} / period ${r.cpuPeriod})`
      : null;
  return (
    <Panel title="Resources and restart policy">
      <Facts
        items={[
          ["Memory limit", r.memory ? formatBytes(r.memory) : unlimited],
          ["Memory reservation", r.memoryReservation ? formatBytes(r.memoryReservation) : none],
          ["Memory + swap", r.memorySwap > 0 ? formatBytes(r.memorySwap) : r.memorySwap < 0 ? unlimited : none],
          ["CPUs", cpus ?? unlimited],
          ["CPU shares", r.cpuShares ? String(r.cpuShares) : "1024 (default)"],
          ["CPU set", r.cpusetCpus ? mono(r.cpusetCpus) : "any"],
          ["PIDs limit", r.pidsLimit && r.pidsLimit > 0 ? String(r.pidsLimit) : unlimited],
          [
            "Restart policy",
            `${d.restartPolicy.name || "no"}${d.restartPolicy.name === "on-failure" && d.restartPolicy.maximumRetryCount ? ` (at most ${d.restartPolicy.maximumRetryCount} retries)` : ""}`,
          ],
        ]}
      />
    </Panel>
  );
}

function LabelsPanel({ d }: { d: Detail }) {
  const labels = Object.entries(d.labels).sort(([a], [b]) => a.localeCompare(b));
  return (
    <Panel title="Labels">
      {labels.length === 0 ? (
        <Empty>No labels.</Empty>
      ) : (
        <Table label="Labels">
          <thead>
            <tr>
              <Th>Key</Th>
              <Th>Value</Th>
            </tr>
          </thead>
          <tbody>
            {labels.map(([key, value]) => (
              <tr key={key}>
                <Td className="font-mono text-xs break-all">{key}</Td>
                <Td className="font-mono text-xs break-all">{value}</Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </Panel>
  );
}

/** Everything inspect says about a container, grouped as a person reads it. */
export function ContainerOverview({ environmentId, containerId }: { environmentId: string; containerId: string }) {
  const trpc = useTRPC();
  const container = useQuery({
    ...trpc.containers.get.queryOptions({ environmentId, id: containerId }),
    retry: false,
    refetchInterval: 5_000,
  });
  // Errors are the shell's to show (it owns the same query).
  if (!container.data) return container.isPending ? <Loading label="Loading the container…" /> : null;
  const d = container.data;
  return (
    <div className="grid grid-cols-1 gap-4 xl:grid-cols-2">
      <StatePanel d={d} />
      <ProcessPanel d={d} />
      <div className="xl:col-span-2">
        <EnvPanel d={d} />
      </div>
      <div className="xl:col-span-2">
        <NetworkPanel d={d} />
      </div>
      <MountsPanel d={d} />
      <ResourcesPanel d={d} />
      <div className="xl:col-span-2">
        <LabelsPanel d={d} />
      </div>
    </div>
  );
}
