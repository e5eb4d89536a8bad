"use client";

import { useQuery } from "@tanstack/react-query";
import { Boxes, Plus } from "lucide-react";
import { holdsSomewhere } from "../auth/viewer";
import { useViewer } from "../auth/viewer-context";
import { ButtonLink } from "../ui/button";
import { EmptyState } from "../empty-state";
import { PageHeader } from "../page-header";
import { useTRPC } from "../trpc";
import { Alert } from "../ui/alert";
import { Loading } from "../ui/loading";
import { QueryError } from "../ui/query-error";
import { ClusterSummary } from "./cluster-summary";
import { NodesTable } from "./nodes-table";
import { ServicesTable } from "./services-table";
import { LiveStatus, useSwarmLive } from "./use-swarm-live";

/** The Swarm page: each cluster at a glance, then its nodes and its services, kept live. */
export function SwarmView() {
  const trpc = useTRPC();
  const clusters = useQuery(trpc.swarm.clusters.queryOptions());
  const managers = (clusters.data?.items ?? []).map((c) => c.source.environmentId);
  const live = useSwarmLive(managers);
  const viewer = useViewer();
  const mayCreate = holdsSomewhere(viewer, "service.create") && managers.length > 0;

  return (
    <>
      <PageHeader title="Swarm" description="Swarm clusters: managers and quorum, nodes, services and their tasks.">
        {managers.length ? <LiveStatus status={live} /> : null}
        {mayCreate ? (
          <ButtonLink variant="primary" href="/swarm/services/new">
            <Plus aria-hidden className="size-4" />
            Create service
          </ButtonLink>
        ) : null}
      </PageHeader>
      {clusters.isPending ? (
        <Loading label="Loading the swarms…" />
      ) : clusters.isError ? (
        <QueryError error={clusters.error} what="the swarms" onRetry={() => void clusters.refetch()} />
      ) : clusters.data.items.length === 0 && clusters.data.errors.length === 0 ? (
        <EmptyState icon={Boxes} title="No swarm">
          None of the environments you may see is a swarm manager. Add a manager&apos;s engine under Environments (its
          workers can be added too: their containers stay reachable, and they join their cluster).
        </EmptyState>
      ) : (
        <div className="space-y-8">
          {clusters.data.errors.map((e) => (
            <Alert key={e.clusterId} title="A swarm did not answer">
              {e.message}
            </Alert>
          ))}
          {clusters.data.items.map((cluster) => (
            <ClusterSummary key={cluster.id} cluster={cluster} />
          ))}
          <section aria-labelledby="nodes-heading" className="space-y-2">
            <h2 id="nodes-heading" className="text-lg font-semibold">
              Nodes
            </h2>
            <NodesTable />
          </section>
          <section aria-labelledby="services-heading" className="space-y-2">
            <h2 id="services-heading" className="text-lg font-semibold">
              Services
            </h2>
            <ServicesTable />
          </section>
        </div>
      )}
    </>
  );
}
