"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Network, Plus } from "lucide-react";
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
import { networkColumns, networkKey, type NetworkRow, type NetworkRowActions } from "./columns";
import { CreateNetworkDialog } from "./create-network-dialog";
import { NetworkDialog } from "./network-dialog";
import { PruneNetworksDialog } from "./prune-networks-dialog";

const NETWORKS_VIEW: ViewSpec<"env" | "driver"> = {
  filters: ["env", "driver"],
  sortable: ["name", "env", "driver", "created"],
  defaultSort: { id: "name", desc: false },
};
const NOUN = ["network", "networks"] as const;

const matches = (row: NetworkRow, needle: string) =>
  row.name.toLowerCase().includes(needle) ||
  row.id.startsWith(needle) ||
  row.subnets.some((s) => s.includes(needle)) ||
  Object.entries(row.labels).some(([k, v]) => `${k}=${v}`.toLowerCase().includes(needle));

export function NetworksView() {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const viewer = useViewer();
  const { list, environments, liveStatus } = useLiveList("networks");
  const { view, setView, setFilter } = useUrlView(NETWORKS_VIEW);

  const envName = useEnvironmentNames(environments.data);

  const [opened, setOpened] = useState<NetworkRow | null>(null);
  const [removing, setRemoving] = useState<NetworkRow | null>(null);
  const [creating, setCreating] = useState(false);
  const [pruning, setPruning] = useState(false);
  const [done, setDone] = useState<{ text: string; cli: string } | null>(null);

  const open = useStable((row: NetworkRow) => setOpened(row));
  const askRemove = useStable((row: NetworkRow) => setRemoving(row));
  const mayRemove = useStable((row: NetworkRow) => holdsOn(viewer, "network.delete", row.environmentId));
  const actions = useMemo<NetworkRowActions>(
    () => ({ open, remove: askRemove, mayRemove }),
    [open, askRemove, mayRemove],
  );
  const columns = useMemo(() => networkColumns(envName, actions), [envName, actions]);

  const model = useDataTable({
    data: list.data?.items,
    columns,
    getRowId: networkKey,
    view,
    onSortChange: (sort) => setView({ sort }),
    search: matches,
  });

  const refresh = () => void queryClient.invalidateQueries({ queryKey: trpc.networks.list.queryKey() });
  const remove = useMutation({
    mutationFn: (row: NetworkRow) =>
      client.networks.remove.mutate({ environmentId: row.environmentId, network: row.id }),
    onSuccess: (result, row) => {
      setRemoving(null);
      setDone({ text: `Removed ${row.name}.`, cli: result.cli });
      refresh();
    },
  });

  const envs = environments.data ?? [];
  const creatable = envs.filter((e) => holdsOn(viewer, "network.create", e.id));
  const prunable = envs.filter((e) => holdsOn(viewer, "network.delete", e.id));
  const drivers = useMemo(() => [...new Set((list.data?.items ?? []).map((v) => v.driver))].sort(), [list.data]);
  const clearFilters = () => setView((old) => withoutFilters(old));
  const errors = list.data?.errors ?? [];

  return (
    <>
      <PageHeader title="Networks" description="Networks across every environment you may see.">
        <LiveStatus status={liveStatus} />
        {holdsSomewhere(viewer, "network.delete") && prunable.length ? (
          <Button onClick={() => setPruning(true)}>Prune…</Button>
        ) : null}
        {holdsSomewhere(viewer, "network.create") && creatable.length ? (
          <Button variant="primary" onClick={() => setCreating(true)}>
            <Plus aria-hidden className="size-4" />
            Create network
          </Button>
        ) : null}
      </PageHeader>

      <Toolbar>
        <SearchBox
          label="Search by name, subnet or label"
          placeholder="Search name, subnet or label"
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
          what="the networks"
          total={model.total}
          shown={model.rows.length}
          empty={{
            icon: Network,
            title: "No networks",
            body:
              envs.length === 0
                ? "You have no environments yet. Add one under Environments, or ask an administrator for a role on one."
                : "None of the environments you may see has a network.",
          }}
          onClearFilters={clearFilters}
        >
          <DataTable model={model} label="Networks" noun={NOUN} />
        </TableStates>
      </div>

      {opened ? (
        <NetworkDialog
          environmentId={opened.environmentId}
          environmentName={envName(opened.environmentId)}
          network={opened}
          onClose={() => setOpened(null)}
        />
      ) : null}
      {creating ? (
        <CreateNetworkDialog
          environments={creatable}
          onClose={() => setCreating(false)}
          onCreated={(result) => {
            setCreating(false);
            setDone({
              text: `Created ${result.name} on ${result.environmentName}.${result.warning ? ` ${result.warning}` : ""}`,
              cli: result.cli,
            });
            refresh();
          }}
        />
      ) : null}
      {pruning ? (
        <PruneNetworksDialog
          environments={prunable}
          onClose={() => setPruning(false)}
          onPruned={(result) => {
            setPruning(false);
            setDone({ text: `Pruned ${result.count} networks on ${result.environmentName}.`, cli: result.cli });
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
        confirmLabel="Remove network"
        onConfirm={() => removing && remove.mutate(removing)}
        pending={remove.isPending}
        error={remove.error ? errorMessage(remove.error) : null}
      >
        <p>
          The network is removed; containers must be disconnected from it first. It is on{" "}
          <span className="font-medium">{removing ? envName(removing.environmentId) : ""}</span>.
        </p>
      </ConfirmDialog>
    </>
  );
}
