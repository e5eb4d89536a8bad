"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { HardDrive, Plus } from "lucide-react";
import { useMemo, useState } from "react";
import { holdsSomewhere } from "../auth/viewer";
import { useViewer } from "../auth/viewer-context";
import { CliResult } from "../containers/cli-result";
import { holdsOn } from "../containers/holds-on";
import { DataTable } from "../data-table/data-table";
import { TableStates } from "../data-table/table-states";
import { FilterField, SearchBox, Toolbar } from "../data-table/toolbar";
import { useDataTable } from "../data-table/use-data-table";
import { useLiveList } from "../data-table/use-live-list";
import { useUrlView } from "../data-table/use-url-view";
import { isFiltered, withoutFilters, type ViewSpec } from "../data-table/url-view";
import { PageHeader } from "../page-header";
import {
  EnvironmentErrors,
  EnvironmentFilter,
  LiveStatus,
  useEnvironmentNames,
  useStable,
} from "../resources/list-kit";
import { errorMessage } from "../trpc-errors";
import { useTRPC, useTRPCClient } from "../trpc";
import { Button } from "../ui/button";
import { cn } from "../ui/cn";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { controlClass } from "../ui/field";
import { projectOfVolume, volumeColumns, volumeKey, type VolumeRow, type VolumeRowActions } from "./columns";
import { CreateVolumeDialog } from "./create-volume-dialog";
import { PruneVolumesDialog } from "./prune-volumes-dialog";
import { VolumeDialog } from "./volume-dialog";

const VOLUMES_VIEW: ViewSpec<"env" | "driver"> = {
  filters: ["env", "driver"],
  sortable: ["name", "env", "driver", "created"],
  defaultSort: { id: "name", desc: false },
};
const NOUN = ["volume", "volumes"] as const;

const matches = (row: VolumeRow, needle: string) =>
  row.name.toLowerCase().includes(needle) ||
  (projectOfVolume(row)?.toLowerCase().includes(needle) ?? false) ||
  Object.entries(row.labels).some(([k, v]) => `${k}=${v}`.toLowerCase().includes(needle));

export function VolumesView() {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const viewer = useViewer();
  const { list, environments, liveStatus } = useLiveList("volumes");
  const { view, setView, setFilter } = useUrlView(VOLUMES_VIEW);

  const envName = useEnvironmentNames(environments.data);

  const [opened, setOpened] = useState<VolumeRow | null>(null);
  const [removing, setRemoving] = useState<VolumeRow | null>(null);
  const [creating, setCreating] = useState(false);
  const [pruning, setPruning] = useState(false);
  const [done, setDone] = useState<{ text: string; cli: string } | null>(null);

  const open = useStable((row: VolumeRow) => setOpened(row));
  const askRemove = useStable((row: VolumeRow) => setRemoving(row));
  const mayRemove = useStable((row: VolumeRow) => holdsOn(viewer, "volume.delete", row.environmentId));
  const actions = useMemo<VolumeRowActions>(
    () => ({ open, remove: askRemove, mayRemove }),
    [open, askRemove, mayRemove],
  );
  const columns = useMemo(() => volumeColumns(envName, actions), [envName, actions]);

  const model = useDataTable({
    data: list.data?.items,
    columns,
    getRowId: volumeKey,
    view,
    onSortChange: (sort) => setView({ sort }),
    search: matches,
  });

  const refresh = () => void queryClient.invalidateQueries({ queryKey: trpc.volumes.list.queryKey() });
  const remove = useMutation({
    mutationFn: (row: VolumeRow) => client.volumes.remove.mutate({ environmentId: row.environmentId, name: row.name }),
    onSuccess: (result, row) => {
      setRemoving(null);
      setDone({ text: `Removed ${row.name}.`, cli: result.cli });
      refresh();
    },
  });

  const envs = environments.data ?? [];
  const creatable = envs.filter((e) => holdsOn(viewer, "volume.create", e.id));
  const prunable = envs.filter((e) => holdsOn(viewer, "volume.delete", e.id));
  const drivers = useMemo(() => [...new Set((list.data?.items ?? []).map((v) => v.driver))].sort(), [list.data]);
  const clearFilters = () => setView((old) => withoutFilters(old));
  const errors = list.data?.errors ?? [];

  return (
    <>
      <PageHeader title="Volumes" description="Volumes across every environment you may see.">
        <LiveStatus status={liveStatus} />
        {holdsSomewhere(viewer, "volume.delete") && prunable.length ? (
          <Button onClick={() => setPruning(true)}>Prune…</Button>
        ) : null}
        {holdsSomewhere(viewer, "volume.create") && creatable.length ? (
          <Button variant="primary" onClick={() => setCreating(true)}>
            <Plus aria-hidden className="size-4" />
            Create volume
          </Button>
        ) : null}
      </PageHeader>

      <Toolbar>
        <SearchBox
          label="Search by name, stack or label"
          placeholder="Search name, stack or label"
          value={view.q}
          onChange={(q) => setView({ q })}
        />
        <EnvironmentFilter environments={envs} value={view.filters.env} onChange={(id) => setFilter("env", id)} />
        <FilterField label="Driver">
          <select
            value={view.filters.driver}
            onChange={(e) => setFilter("driver", e.target.value)}
            className={cn(controlClass, "w-32")}
          >
            <option value="">All</option>
            {drivers.map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
        </FilterField>
        {isFiltered(view) ? (
          <Button variant="quiet" size="sm" onClick={clearFilters}>
            Clear filters
          </Button>
        ) : null}
      </Toolbar>

      <div className="space-y-3">
        <EnvironmentErrors errors={errors} envName={envName} />
        {done ? <CliResult text={done.text} cli={done.cli} onDismiss={() => setDone(null)} /> : null}
        <TableStates
          query={list}
          what="the volumes"
          total={model.total}
          shown={model.rows.length}
          empty={{
            icon: HardDrive,
            title: "No volumes",
            body:
              envs.length === 0
                ? "You have no environments yet. Add one under Environments, or ask an administrator for a role on one."
                : "None of the environments you may see has a volume.",
          }}
          onClearFilters={clearFilters}
        >
          <DataTable model={model} label="Volumes" noun={NOUN} />
        </TableStates>
      </div>

      {opened ? (
        <VolumeDialog
          environmentId={opened.environmentId}
          environmentName={envName(opened.environmentId)}
          name={opened.name}
          onClose={() => setOpened(null)}
        />
      ) : null}
      {creating ? (
        <CreateVolumeDialog
          environments={creatable}
          onClose={() => setCreating(false)}
          onCreated={(result) => {
            setCreating(false);
            setDone({ text: `Created ${result.name} on ${result.environmentName}.`, cli: result.cli });
            refresh();
          }}
        />
      ) : null}
      {pruning ? (
        <PruneVolumesDialog
          environments={prunable}
          onClose={() => setPruning(false)}
          onPruned={(result) => {
            setPruning(false);
            setDone({ text: `Pruned ${result.count} volumes on ${result.environmentName}.`, cli: result.cli });
            refresh();
          }}
        />
      ) : null}
      <ConfirmDialog
        open={removing !== null}
        onClose={() => {
          setRemoving(null);
          remove.reset();
        }}
        title={removing ? `Remove ${removing.name}?` : ""}
        confirmLabel="Remove volume"
        onConfirm={() => removing && remove.mutate(removing)}
        pending={remove.isPending}
        error={remove.error ? errorMessage(remove.error) : null}
      >
        <p>
          The volume and every file in it are deleted. There is no undo. It is on{" "}
          <span className="font-medium">{removing ? envName(removing.environmentId) : ""}</span>.
        </p>
      </ConfirmDialog>
    </>
  );
}
