"use client";

import type { RouterOutputs } from "../api-types";
import { Alert } from "../ui/alert";
import { Badge } from "../ui/badge";

type Overview = RouterOutputs["swarm"]["clusters"]["items"][number];

/** One cluster at a glance: managers and quorum, nodes by state, services, recent failures. */
export function ClusterSummary({ cluster }: { cluster: Overview }) {
  const q = cluster.quorum;
  return (
    <section
      aria-label={`Swarm ${cluster.label}`}
      className="space-y-3 rounded-lg border border-border bg-surface p-4"
      data-testid="cluster-summary"
    >
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 className="text-base font-semibold">
          Swarm <span className="font-mono text-sm">{cluster.id.slice(0, 12)}</span>
        </h2>
        <span className="text-xs text-subtle">
          read through {cluster.source.name} ({cluster.source.from === "picture" ? "live picture" : "engine"})
        </span>
      </div>
      <dl className="grid grid-cols-2 gap-3 text-sm sm:grid-cols-4">
        <div>
          <dt className="text-muted">Managers</dt>
          <dd>
            {q.reachable} of {q.managers} reachable · majority {q.majority}{" "}
            <Badge tone={q.hasMajority ? "green" : "red"}>{q.hasMajority ? "quorum" : "no quorum"}</Badge>
          </dd>
        </div>
        <div>
          <dt className="text-muted">Leader</dt>
          <dd>{q.leader?.hostname ?? "none"}</dd>
        </div>
        <div>
          <dt className="text-muted">Nodes</dt>
          <dd>
            {cluster.nodes.ready} ready of {cluster.nodes.total}
            {cluster.nodes.down ? `, ${cluster.nodes.down} down` : ""}
            {cluster.nodes.drain ? `, ${cluster.nodes.drain} drained` : ""}
          </dd>
        </div>
        <div>
          <dt className="text-muted">Services</dt>
          <dd>
            {cluster.services
              ? `${cluster.services.converged} of ${cluster.services.total} converged`
              : "not yours to read"}
          </dd>
        </div>
      </dl>
      {cluster.warnings.map((warning) => (
        <Alert key={warning} tone="warning" title="Quorum">
          {warning}
        </Alert>
      ))}
      {cluster.recentFailures.length ? (
        <div>
          <h3 className="text-sm font-medium">Tasks that failed in the last hour</h3>
          <ul className="mt-1 space-y-1 text-sm">
            {cluster.recentFailures.slice(0, 5).map((task) => (
              <li key={task.id}>
                <span className="font-medium">{task.name}</span> on {task.nodeHostname ?? "?"}: {task.state}
                {task.exitCode !== undefined ? ` (exit ${task.exitCode})` : ""}
                {task.error ? ` — ${task.error}` : ""}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}
