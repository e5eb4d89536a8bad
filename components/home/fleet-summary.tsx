import type { FleetEnvironment } from "./environment-card";

function Stat({ label, value, tone }: { label: string; value: number; tone?: "green" | "red" | "amber" }) {
  const color =
    tone === "green" && value
      ? "text-success-fg"
      : tone === "red" && value
        ? "text-danger-fg"
        : tone === "amber" && value
          ? "text-warning-fg"
          : "";
  return (
    <div>
      <dt className="text-xs text-subtle">{label}</dt>
      <dd className={`text-xl font-semibold tabular-nums ${color}`}>{value.toLocaleString()}</dd>
    </div>
  );
}

/** The whole fleet in one line: how many hosts answer and how much runs on them. */
export function FleetSummary({ environments }: { environments: FleetEnvironment[] }) {
  const count = (state: string) => environments.filter((env) => (env.status?.state ?? "unknown") === state).length;
  const sum = (pick: (env: FleetEnvironment) => number | undefined) =>
    environments.reduce((total, env) => total + (pick(env) ?? 0), 0);
  return (
    <section aria-labelledby="fleet-summary" className="rounded-lg border border-border bg-surface p-4">
      <h2 id="fleet-summary" className="mb-2 text-sm font-medium text-muted">
        All environments
      </h2>
      <dl className="grid grid-cols-3 gap-4 sm:grid-cols-6">
        <Stat label="Environments" value={environments.length} />
        <Stat label="Up" value={count("up")} tone="green" />
        <Stat label="Degraded" value={count("degraded")} tone="amber" />
        <Stat label="Down" value={count("down")} tone="red" />
        <Stat label="Running containers" value={sum((env) => env.status?.counts?.running)} />
        <Stat label="Stopped containers" value={sum((env) => env.status?.counts?.stopped)} />
      </dl>
    </section>
  );
}
