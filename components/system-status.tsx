"use client";

import { useQuery } from "@tanstack/react-query";
import { Database } from "lucide-react";
import { useTRPC } from "./trpc";

export function SystemStatus() {
  const trpc = useTRPC();
  const health = useQuery({ ...trpc.system.health.queryOptions(), refetchInterval: 15_000 });
  return (
    <section aria-labelledby="system-status" className="self-start rounded-lg border border-border bg-surface p-4">
      <h2 id="system-status" className="mb-3 flex items-center gap-2 text-sm font-medium text-muted">
        <Database aria-hidden className="size-4" /> Stevedore
      </h2>
      {health.isPending ? (
        <p className="animate-pulse text-sm text-subtle">Checking the database…</p>
      ) : health.isError ? (
        <p role="alert" className="text-sm text-danger-fg">
          Cannot reach Stevedore&apos;s API: {health.error.message}
        </p>
      ) : (
        <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
          <dt className="text-subtle">Database</dt>
          <dd data-testid="db-status" className={health.data.db === "up" ? "text-success-fg" : "text-danger-fg"}>
            {health.data.db === "up" ? "up" : "down"} ({health.data.embeddedDatabase ? "embedded" : "external Postgres"}
            )
          </dd>
          <dt className="text-subtle">Version</dt>
          <dd>{health.data.version}</dd>
        </dl>
      )}
    </section>
  );
}
