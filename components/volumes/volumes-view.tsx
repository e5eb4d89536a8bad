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
import { volumeList } from "./columns";
import { CreateVolumeDialog } from "./create-volume-dialog";
import { PruneVolumesDialog } from "./prune-volumes-dialog";
import { VolumeDialog } from "./volume-dialog";

export function VolumesView() {
  const client = useTRPCClient();
  const live = useLiveList("volumes");
  const list = useFleetResourceList("volumes", live, live.list.data?.items, {
    ...volumeList,
    remove: (row) => client.volumes.remove.mutate({ environmentId: row.environmentId, name: row.name }),
  });
  const [creating, setCreating] = useState(false);
  const [pruning, setPruning] = useState(false);

  const creatable = list.environmentsWhere("volume.create");
  const prunable = list.environmentsWhere("volume.delete");
  const { opened, envName } = list;

  return (
    <FleetResourceList
      list={list}
      actions={
        <PruneAndCreate
          prune={prunable.length ? () => setPruning(true) : null}
          create={creatable.length ? { label: "Create volume", onClick: () => setCreating(true) } : null}
        />
      }
      filters={<DriverFilter list={list} rows={live.list.data?.items} />}
    >
      {opened ? (
        <VolumeDialog
          environmentId={opened.environmentId}
          environmentName={envName(opened.environmentId)}
          name={opened.name}
          onClose={list.close}
        />
      ) : null}
      {creating ? (
        <CreateVolumeDialog
          environments={creatable}
          onClose={() => setCreating(false)}
          onCreated={(result) => {
            setCreating(false);
            list.setDone({ text: `Created ${result.name} on ${result.environmentName}.`, cli: result.cli });
            list.refresh();
          }}
        />
      ) : null}
      {pruning ? (
        <PruneVolumesDialog
          environments={prunable}
          onClose={() => setPruning(false)}
          onPruned={(result) => {
            setPruning(false);
            list.setDone({ text: `Pruned ${result.count} volumes on ${result.environmentName}.`, cli: result.cli });
            list.refresh();
          }}
        />
      ) : null}
    </FleetResourceList>
  );
}
