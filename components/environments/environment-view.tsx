"use client";

// One environment: its status, its disk use by kind with the system prune, and its engine's
// events as they happen.
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../trpc";
import { PageHeader } from "../page-header";
import { Loading } from "../ui/loading";
import { QueryError } from "../ui/query-error";
import { DiskPanel } from "./disk-panel";
import { EventsPanel } from "./events-panel";
import { StatusBadge } from "./status-badge";

export function EnvironmentView({ environmentId }: { environmentId: string }) {
  const trpc = useTRPC();
  const environment = useQuery(trpc.environments.get.queryOptions({ environmentId }));
  if (environment.isPending) return <Loading label="Loading the environment…" />;
  if (environment.isError)
    return <QueryError error={environment.error} what="the environment" onRetry={() => void environment.refetch()} />;
  const { name, url } = environment.data;
  return (
    <>
      <PageHeader title={`Environment ${name}`} description={url}>
        <StatusBadge status={environment.data.status} />
      </PageHeader>
      <div className="space-y-6">
        <DiskPanel environmentId={environmentId} environmentName={name} />
        <EventsPanel environmentId={environmentId} />
      </div>
    </>
  );
}
