"use client";

import { useQuery } from "@tanstack/react-query";
import { Plus, Server } from "lucide-react";
import { useState } from "react";
import { holdsEverywhere } from "../auth/viewer";
import { useViewer } from "../auth/viewer-context";
import { EmptyState } from "../empty-state";
import { PageHeader } from "../page-header";
import { useTRPC } from "../trpc";
import { Button } from "../ui/button";
import { Loading } from "../ui/loading";
import { QueryError } from "../ui/query-error";
import { EnvironmentFormDialog } from "./environment-form-dialog";
import { EnvironmentsTable } from "./environments-table";
import { LocalSocketOffer } from "./local-socket-offer";

export function EnvironmentsView() {
  const trpc = useTRPC();
  const viewer = useViewer();
  // Status comes from the fleet's probes; look again now and then rather than show a stale "up".
  const environments = useQuery({ ...trpc.environments.list.queryOptions(), refetchInterval: 15_000 });
  const [adding, setAdding] = useState(false);
  // Adding one needs environment.manage on all of them (server: permittedProcedure(..., { everywhere })).
  const mayAdd = holdsEverywhere(viewer, "environment.manage");
  return (
    <>
      <PageHeader title="Environments" description="Docker hosts and swarm managers you may see.">
        {mayAdd ? (
          <Button variant="primary" onClick={() => setAdding(true)}>
            <Plus aria-hidden className="size-4" />
            Add environment
          </Button>
        ) : null}
      </PageHeader>
      <div className="mb-4 empty:hidden">
        <LocalSocketOffer first={environments.data?.length === 0} />
      </div>
      {environments.isPending ? (
        <Loading label="Loading environments…" />
      ) : environments.isError ? (
        <QueryError error={environments.error} what="the environments" onRetry={() => void environments.refetch()} />
      ) : environments.data.length === 0 ? (
        <EmptyState icon={Server} title={mayAdd ? "No environments yet" : "No environments for you"}>
          {mayAdd
            ? "An environment is a Docker endpoint: a local socket, tcp://host:port or ssh://user@host. Add the first one."
            : "You have not been given a role on any environment yet. Ask an administrator."}
        </EmptyState>
      ) : (
        <EnvironmentsTable environments={environments.data} />
      )}
      {mayAdd && adding ? (
        <EnvironmentFormDialog
          open
          onClose={() => setAdding(false)}
          groups={[...new Set((environments.data ?? []).map((e) => e.group).filter((g): g is string => Boolean(g)))]}
        />
      ) : null}
    </>
  );
}
