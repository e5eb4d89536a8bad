"use client";

import { Plus, Server } from "lucide-react";
import { useState } from "react";
import { holdsEverywhere } from "../auth/viewer";
import { useViewer } from "../auth/viewer-context";
import { PageHeader } from "../page-header";
import { TableStates } from "../data-table/table-states";
import { useLiveEnvironments } from "../data-table/use-live-list";
import { Button } from "../ui/button";
import { EnvironmentFormDialog } from "./environment-form-dialog";
import { EnvironmentsTable } from "./environments-table";
import { LocalSocketOffer } from "./local-socket-offer";

export function EnvironmentsView() {
  const viewer = useViewer();
  // Status comes from the fleet's probes, pushed by the live feed as it changes.
  const { environments } = useLiveEnvironments();
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
      <TableStates
        query={environments}
        what="the environments"
        total={environments.data?.length ?? 0}
        shown={environments.data?.length ?? 0}
        empty={{
          icon: Server,
          title: mayAdd ? "No environments yet" : "No environments for you",
          body: mayAdd
            ? "An environment is a Docker endpoint: a local socket, tcp://host:port or ssh://user@host. Add the first one."
            : "You have not been given a role on any environment yet. Ask an administrator.",
        }}
      >
        {environments.data ? <EnvironmentsTable environments={environments.data} /> : null}
      </TableStates>
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
