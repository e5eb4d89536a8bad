import { CircleAlert } from "lucide-react";
import Link from "next/link";
import type { ReactNode } from "react";
import type { RouterOutputs } from "../api-types";
import { Badge } from "../ui/badge";
import { formatDateTime, formatRelative } from "../ui/format";
import { formatBytes } from "../containers/details/format";

export type FleetEnvironment = RouterOutputs["environments"]["list"][number];

const tones = { up: "green", degraded: "amber", down: "red", paused: "neutral", unknown: "neutral" } as const;

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs text-subtle">{label}</dt>
      <dd className="font-medium tabular-nums [overflow-wrap:anywhere]">{children}</dd>
    </div>
  );
}

/** One host or swarm manager: its state, its engine, what runs on it, and why not when it is down. */
export function EnvironmentCard({ environment }: { environment: FleetEnvironment }) {
  const status = environment.status;
  const state = status?.state ?? "unknown";
  const counts = status?.counts;
  const engine = status?.engine;
  const headingId = `env-${environment.id}`;
  return (
    <article
      aria-labelledby={headingId}
      data-testid="environment-card"
      className="flex flex-col rounded-lg border border-border bg-surface p-4"
    >
      <header className="mb-3 flex items-start justify-between gap-3">
        <div className="min-w-0">
          <h3 id={headingId} className="truncate font-semibold">
            <Link href={`/containers?env=${encodeURIComponent(environment.id)}`} className="hover:underline">
              {environment.name}
            </Link>
          </h3>
          <p className="truncate font-mono text-xs text-subtle" title={environment.url}>
            {environment.url}
          </p>
          {environment.tags.length ? (
            <ul aria-label="Tags" className="mt-1 flex flex-wrap gap-1">
              {environment.tags.map((tag) => (
                <li key={tag}>
                  <Badge>{tag}</Badge>
                </li>
              ))}
            </ul>
          ) : null}
        </div>
        <Badge tone={tones[state]}>{state}</Badge>
      </header>

      {status?.lastError && (state === "down" || state === "degraded" || state === "unknown") ? (
        <div
          role="note"
          className="mb-3 flex gap-2 rounded-md border border-danger-border bg-danger-soft px-3 py-2 text-sm text-danger-strong"
        >
          <CircleAlert aria-hidden className="mt-0.5 size-4 shrink-0" />
          <div className="min-w-0">
            <p className="break-words">{status.lastError.message}</p>
            <p className="mt-0.5 text-xs opacity-80" title={formatDateTime(new Date(status.lastError.since))}>
              Failing since {formatRelative(new Date(status.lastError.since))}
            </p>
            {status.heardAt ? (
              <p className="mt-0.5 text-xs opacity-80" title={formatDateTime(new Date(status.heardAt))}>
                Counts below as of {formatRelative(new Date(status.heardAt))}, when it last answered
              </p>
            ) : null}
          </div>
        </div>
      ) : null}
      {status && status.degradedReasons.length > 0 ? (
        <ul className="mb-3 list-disc pl-5 text-sm text-warning-fg">
          {status.degradedReasons.map((reason) => (
            <li key={reason}>{reason}</li>
          ))}
        </ul>
      ) : null}

      <dl className="grid grid-cols-2 gap-x-4 gap-y-2 text-sm sm:grid-cols-3">
        <Fact label="Engine">{engine ? `Docker ${engine.version}` : "—"}</Fact>
        <Fact label="Role">
          {status?.swarm
            ? status.swarm.role === "manager" && status.swarm.nodes !== undefined
              ? `manager (${status.swarm.nodes} nodes)`
              : status.swarm.role
            : "—"}
        </Fact>
        <Fact label="CPUs / memory">{engine ? `${engine.cpus} / ${formatBytes(engine.memoryBytes)}` : "—"}</Fact>
        <Fact label="Running">
          <span className={counts?.running ? "text-success-fg" : undefined}>{counts?.running ?? "—"}</span>
        </Fact>
        <Fact label="Stopped">{counts?.stopped ?? "—"}</Fact>
        <Fact label="Images">{counts?.images ?? "—"}</Fact>
        <Fact label="Volumes">{counts?.volumes ?? "—"}</Fact>
        {counts?.services !== undefined ? <Fact label="Services">{counts.services}</Fact> : null}
        {status?.latencyMs !== undefined ? <Fact label="Latency">{`${Math.round(status.latencyMs)} ms`}</Fact> : null}
      </dl>
    </article>
  );
}
