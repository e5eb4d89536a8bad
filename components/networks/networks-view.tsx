"use client";

import { useState } from "react";
import { useLiveList } from "../data-table/use-live-list";
import {
  DriverFilter,
  FleetResourceList,
  PruneAndCreate,
  useFleetResourceList,
} from "../resources/fleet-resource-list";
import { useTRPCClient } from "../trpc";
import { networkList } from "./columns";
import { CreateNetworkDialog } from "./create-network-dialog";
import { NetworkDialog } from "./network-dialog";
import { PruneNetworksDialog } from "./prune-networks-dialog";

export function NetworksView() {
  const client = useTRPCClient();
  const live = useLiveList("networks");
  const list = useFleetResourceList("networks", live, live.list.data?.items, {
    ...networkList,
    remove: (row) => client.networks.remove.mutate({ environmentId: row.environmentId, network: row.id }),
  });
  const [creating, setCreating] = useState(false);
  const [pruning, setPruning] = useState(false);

  const creatable = list.environmentsWhere("network.create");
  const prunable = list.environmentsWhere("network.delete");
  const { opened, envName } = list;

  return (
    <FleetResourceList
      list={list}
      actions={
        <PruneAndCreate
          prune={prunable.length ? () => setPruning(true) : null}
          create={creatable.length ? { label: "Create network", onClick: () => setCreating(true) } : null}
        />
      }
      filters={<DriverFilter list={list} rows={live.list.data?.items} />}
    >
      {opened ? (
        <NetworkDialog
          environmentId={opened.environmentId}
          environmentName={envName(opened.environmentId)}
          network={opened}
          onClose={list.close}
        />
      ) : null}
      {creating ? (
        <CreateNetworkDialog
          environments={creatable}
          onClose={() => setCreating(false)}
          onCreated={(result) => {
            setCreating(false);
            list.setDone({
              text: `Created ${result.name} on ${result.environmentName}.${result.warning ? ` ${result.warning}` : ""}`,
              cli: result.cli,
            });
            list.refresh();
          }}
        />
      ) : null}
      {pruning ? (
        <PruneNetworksDialog
          environments={prunable}
          onClose={() => setPruning(false)}
          onPruned={(result) => {
            setPruning(false);
            list.setDone({ text: `Pruned ${result.count} networks on ${result.environmentName}.`, cli: result.cli });
            list.refresh();
          }}
        />
      ) : null}
    </FleetResourceList>
  );
}
