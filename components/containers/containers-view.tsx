"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Container, Plus } from "lucide-react";
import { createPortal } from "react-dom";
import { useCallback, useLayoutEffect, useMemo, useRef, useState } from "react";
import { holdsSomewhere } from "../auth/viewer";
import { useViewer } from "../auth/viewer-context";
import { BulkBar } from "../data-table/bulk-bar";
import { ColumnChooser } from "../data-table/column-chooser";
import { TableStates } from "../data-table/table-states";
import { FilterField, SearchBox, Toolbar } from "../data-table/toolbar";
import { useColumnChoice } from "../data-table/use-column-choice";
import { useDataTable } from "../data-table/use-data-table";
import { useLiveList } from "../data-table/use-live-list";
import { useUrlView } from "../data-table/use-url-view";
import { isFiltered, withoutFilters } from "../data-table/url-view";
import { PageHeader } from "../page-header";
import { errorMessage } from "../trpc-errors";
import { useTRPC, useTRPCClient } from "../trpc";
import { Alert } from "../ui/alert";
import { formatDateTime, formatRelative } from "../ui/format";
import { Button, ButtonLink } from "../ui/button";
import { cn } from "../ui/cn";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { controlClass } from "../ui/field";
import { applicable, BULK_ACTIONS, runBulk, type BulkOutcome } from "./bulk";
import { CliResult } from "./cli-result";
import { COLUMNS_STORAGE_KEY, containerColumns } from "./columns";
import { ACTIONS, callContainerAction, type ActionSpec } from "./container-actions";
import {
  CONTAINERS_VIEW,
  firstScreenFor,
  matchesSearch,
  projectOf,
  rowKey,
  sameView,
  STATES,
  type ContainerRow,
} from "./container-list-model";
import { ContainersTable } from "./containers-table";
import type { ContainerRowActions } from "./containers-table-context";
import { UpdateContainerDialog } from "./create/update-dialog";
import { RecreateDialog, recreatedSaid } from "./details/recreate-dialog";
import { holdsOn } from "./holds-on";
import type { RouterOutputs } from "../api-types";
import type { FirstScreen } from "@/server/modules/containers/contract";

const rowName = (row: ContainerRow) => row.name;

/** A callback whose identity never changes but that always runs the latest `fn`. */
function useStableCallback<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void {
  const latest = useRef(fn);
  useLayoutEffect(() => {
    latest.current = fn;
  });
  return useCallback((...args: A) => latest.current(...args), []);
}

/** The first screen the page's server render read (and drew), with the view it was read for. */
export interface InitialFirstScreen {
  first: FirstScreen;
  answer: RouterOutputs["containers"]["list"];
  /** Its rows' environments, [id, name], those the caller may read (until environments.list comes). */
  environmentNames: [string, string][];
}

export function ContainersView({ initialFirst }: { initialFirst?: InitialFirstScreen } = {}) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const viewer = useViewer();
  const { view, setView, setFilter } = useUrlView(CONTAINERS_VIEW);
  // The top of the view as the page opens is read first and drawn at once; the whole list follows.
  const first = firstScreenFor(view);
  // The server's first screen, when it was read for this same view (it always is, from the URL).
  const served = initialFirst && sameView(initialFirst.first, first) ? initialFirst.answer : undefined;
  const { list, environments, liveStatus } = useLiveList("containers", {
    first,
    ...(served ? { initialFirst: served } : {}),
  });

  // Names change rarely; statuses often. Only a change of names rebuilds the columns.
  const namesKey = JSON.stringify(
    environments.data ? environments.data.map((e) => [e.id, e.name]) : (initialFirst?.environmentNames ?? []),
  );
  const names = useMemo(() => new Map(JSON.parse(namesKey) as [string, string][]), [namesKey]);
  const envName = useCallback((id: string) => names.get(id) ?? id, [names]);
  const columns = useMemo(() => containerColumns(envName), [envName]);
  const choosable = useMemo(() => columns.map((c) => ({ id: c.id!, defaultHidden: c.meta?.defaultHidden })), [columns]);
  const [chosenColumns, chooseColumns, choiceSaved] = useColumnChoice(COLUMNS_STORAGE_KEY, choosable);

  const model = useDataTable({
    data: list.data?.items,
    columns,
    getRowId: rowKey,
    view,
    onSortChange: (sort) => setView({ sort }),
    search: matchesSearch,
    chosenColumns,
    choiceSaved,
    selectable: true,
    rowLabel: rowName,
  });

  // The feed brings an action's outcome within a second; reading the list again is only for
  // when the feed is not connected.
  const refreshUnlessLive = () => {
    if (liveStatus !== "pending") void queryClient.invalidateQueries({ queryKey: trpc.containers.list.queryKey() });
  };

  const [asking, setAsking] = useState<{ row: ContainerRow; action: ActionSpec } | null>(null);
  const [done, setDone] = useState<{ text: string; cli: string } | null>(null);
  const [updating, setUpdating] = useState<ContainerRow | null>(null);
  const perform = ({ row, action }: { row: ContainerRow; action: ActionSpec }) =>
    callContainerAction(client.containers, { environmentId: row.environmentId, id: row.id }, action);
  const act = useMutation({
    mutationFn: perform,
    onSuccess: (result, { row, action }) => {
      setAsking(null);
      setDone({ text: `${action.done} ${row.name}.`, cli: result.cli });
      refreshUnlessLive();
    },
  });

  const [bulkAsking, setBulkAsking] = useState<{ action: ActionSpec; rows: ContainerRow[] } | null>(null);
  const [bulkDone, setBulkDone] = useState<{ action: ActionSpec; outcomes: BulkOutcome[] } | null>(null);
  const bulk = useMutation({
    mutationFn: ({ action, rows: targets }: { action: ActionSpec; rows: ContainerRow[] }) =>
      runBulk(targets, (row) => perform({ row, action })),
    onSuccess: (outcomes, { action }) => {
      setBulkAsking(null);
      setBulkDone({ action, outcomes });
      // What worked leaves the selection; what failed stays chosen, to try again.
      model.setSelected(
        outcomes.filter((o) => o.ok).map((o) => rowKey(o.row)),
        false,
      );
      refreshUnlessLive();
    },
  });
  const may = (row: ContainerRow, action: ActionSpec) => holdsOn(viewer, action.permission, row.environmentId);
  const chooseBulk = (action: ActionSpec, targets: ContainerRow[]) => {
    setDone(null);
    setBulkDone(null);
    bulk.reset();
    if (action.confirm) setBulkAsking({ action, rows: targets });
    else bulk.mutate({ action, rows: targets });
  };

  const choose = useStableCallback((row: ContainerRow, action: ActionSpec) => {
    act.reset();
    setDone(null);
    setBulkDone(null);
    if (action.confirm) setAsking({ row, action });
    else act.mutate({ row, action });
  });
  const update = useStableCallback((row: ContainerRow) => setUpdating(row));
  const [recreating, setRecreating] = useState<ContainerRow | null>(null);
  const recreate = useStableCallback((row: ContainerRow) => {
    setDone(null);
    setRecreating(row);
  });
  const rowActions = useMemo<ContainerRowActions>(() => ({ choose, update, recreate }), [choose, update, recreate]);

  const stacks = useMemo(
    () => [...new Set((list.data?.items ?? []).map(projectOf).filter((p): p is string => p !== null))].sort(),
    [list.data],
  );
  const mayCreate = holdsSomewhere(viewer, "container.create");
  const filtered = isFiltered(view);
  const clearFilters = () => setView((old) => withoutFilters(old));
  const errors = list.data?.errors ?? [];
  // Environments whose rows were older than a healthy engine's when they were read (it has gone
  // quiet; the liveness check will say within seconds whether it is down): say how old.
  const stale = (list.data?.freshness ?? []).filter((f) => f.stale);
  const chosenRows = model.chosen;
  // A first screen with no rows says nothing of the whole list yet (its filters may hide them all).
  const waiting = list.isPlaceholderData && !list.data?.items.length ? { ...list, isPending: true } : list;

  return (
    <>
      <PageHeader title="Containers" description="Containers across every environment you may see.">
        <span className="text-xs text-subtle" data-testid="live-status">
          {liveStatus === "pending" ? "Live" : liveStatus === "connecting" ? "Connecting to live updates…" : null}
          {liveStatus === "error" ? "Live updates stopped; reload to resume." : null}
        </span>
        {mayCreate ? (
          <ButtonLink href="/containers/new" variant="primary">
            <Plus aria-hidden className="size-4" />
            Create container
          </ButtonLink>
        ) : null}
      </PageHeader>

      <Toolbar end={<ColumnChooser columns={columns} chosen={chosenColumns} onChange={chooseColumns} />}>
        <SearchBox
          label="Search by name or image"
          placeholder="Search name or image"
          value={view.q}
          onChange={(q) => setView({ q })}
        />
        <FilterField label="Environment">
          <select
            value={view.filters.env}
            onChange={(e) => setFilter("env", e.target.value)}
            className={cn(controlClass, "w-44")}
          >
            <option value="">All</option>
            {(environments.data ?? []).map((env) => (
              <option key={env.id} value={env.id}>
                {env.name}
              </option>
            ))}
          </select>
        </FilterField>
        <FilterField label="State">
          <select
            value={view.filters.state}
            onChange={(e) => setFilter("state", e.target.value)}
            className={cn(controlClass, "w-36")}
          >
            <option value="">All</option>
            {STATES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </FilterField>
        <FilterField label="Image">
          <input
            type="search"
            value={view.filters.image}
            onChange={(e) => setFilter("image", e.target.value)}
            placeholder="e.g. nginx"
            className={cn(controlClass, "w-36")}
          />
        </FilterField>
        <FilterField label="Label">
          <input
            type="search"
            value={view.filters.label}
            onChange={(e) => setFilter("label", e.target.value)}
            placeholder="key or key=value"
            className={cn(controlClass, "w-44 font-mono text-xs")}
          />
        </FilterField>
        {stacks.length ? (
          <FilterField label="Stack">
            <select
              value={view.filters.stack}
              onChange={(e) => setFilter("stack", e.target.value)}
              className={cn(controlClass, "w-40")}
            >
              <option value="">All</option>
              {stacks.map((stack) => (
                <option key={stack} value={stack}>
                  {stack}
                </option>
              ))}
            </select>
          </FilterField>
        ) : null}
        {filtered ? (
          <Button variant="quiet" size="sm" onClick={clearFilters}>
            Clear filters
          </Button>
        ) : null}
      </Toolbar>

      <BulkBar
        label="Selected containers"
        count={chosenRows.length}
        onClear={model.clearSelection}
        busy={bulk.isPending ? "Working…" : null}
      >
        {BULK_ACTIONS.map((name) => {
          const action = ACTIONS.find((a) => a.name === name)!;
          const targets = applicable(chosenRows, action, may);
          return (
            <Button
              key={name}
              size="sm"
              variant={name === "remove" ? "danger" : "secondary"}
              disabled={targets.length === 0 || bulk.isPending}
              title={
                targets.length < chosenRows.length
                  ? `${targets.length} of the ${chosenRows.length} selected can be ${action.done.toLowerCase()}`
                  : undefined
              }
              onClick={() => chooseBulk(action, targets)}
            >
              {action.label}
              {targets.length !== chosenRows.length ? ` (${targets.length})` : ""}
              {action.confirm ? "…" : ""}
            </Button>
          );
        })}
      </BulkBar>

      <div className="space-y-3">
        {stale.map((f) => (
          <Alert
            key={`stale-${f.environmentId}`}
            tone="warning"
            title={`${envName(f.environmentId)} may be out of date`}
          >
            Its containers are shown as they were {formatRelative(new Date(f.asOf))} (
            <span title={formatDateTime(new Date(f.asOf))}>{new Date(f.asOf).toLocaleTimeString()}</span>): the engine
            has not been heard from since.
          </Alert>
        ))}
        {errors.map((error) => (
          <Alert key={error.environmentId} tone="warning" title={`${envName(error.environmentId)} unreachable`}>
            {error.message}{" "}
            <span className="text-xs opacity-75">
              ({error.code}, after {error.latencyMs} ms)
            </span>
          </Alert>
        ))}
        {done ? <CliResult text={done.text} cli={done.cli} onDismiss={() => setDone(null)} /> : null}
        {act.error && !asking ? <Alert title="The action failed">{errorMessage(act.error)}</Alert> : null}
        {bulkDone ? <BulkResult {...bulkDone} envName={envName} onDismiss={() => setBulkDone(null)} /> : null}

        <TableStates
          query={waiting}
          what="the containers"
          total={model.total}
          shown={model.rows.length}
          empty={{
            icon: Container,
            title: "No containers",
            body:
              environments.data?.length === 0
                ? "You have no environments yet. Add one under Environments, or ask an administrator for a role on one."
                : "None of the environments you may see has a container right now.",
          }}
          onClearFilters={clearFilters}
        >
          <ContainersTable model={model} actions={rowActions} partial={list.isPlaceholderData} />
        </TableStates>
      </div>

      <ConfirmDialog
        open={bulkAsking !== null}
        onClose={() => setBulkAsking(null)}
        title={bulkAsking ? `${bulkAsking.action.label} ${bulkAsking.rows.length} containers?` : ""}
        confirmLabel={bulkAsking ? `${bulkAsking.action.label} ${bulkAsking.rows.length} containers` : ""}
        tone={bulkAsking?.action.name === "restart" ? "primary" : "danger"}
        onConfirm={() => bulkAsking && bulk.mutate(bulkAsking)}
        pending={bulk.isPending}
        error={bulk.error ? errorMessage(bulk.error) : null}
      >
        <p>{bulkAsking?.action.confirm}</p>
        <ul className="mt-2 max-h-40 list-disc overflow-y-auto pl-5 text-sm">
          {bulkAsking?.rows.map((row) => (
            <li key={rowKey(row)}>
              {row.name} <span className="text-subtle">on {envName(row.environmentId)}</span>
            </li>
          ))}
        </ul>
      </ConfirmDialog>

      <ConfirmDialog
        open={asking !== null}
        onClose={() => setAsking(null)}
        title={asking ? `${asking.action.label} ${asking.row.name}?` : ""}
        confirmLabel={asking ? `${asking.action.label} container` : ""}
        tone={asking?.action.name === "restart" ? "primary" : "danger"}
        onConfirm={() => asking && act.mutate(asking)}
        pending={act.isPending}
        error={act.error ? errorMessage(act.error) : null}
      >
        <p>
          {asking?.action.confirm} It runs on{" "}
          <span className="font-medium">{asking ? envName(asking.row.environmentId) : ""}</span>.
        </p>
      </ConfirmDialog>

      {updating
        ? // Out of the table: a cell's alignment and overflow are no business of the dialog's.
          createPortal(
            <UpdateContainerDialog
              open
              onClose={() => setUpdating(null)}
              environmentId={updating.environmentId}
              containerId={updating.id}
              name={updating.name}
            />,
            document.body,
          )
        : null}
      {recreating
        ? createPortal(
            <RecreateDialog
              environmentId={recreating.environmentId}
              containerId={recreating.id}
              name={recreating.name}
              envName={envName(recreating.environmentId)}
              mayPull={holdsOn(viewer, "image.pull", recreating.environmentId)}
              onClose={() => setRecreating(null)}
              onRecreated={(result) => {
                setRecreating(null);
                // The list stays; the new container takes the old one's row (same name).
                setDone(recreatedSaid(result));
              }}
            />,
            document.body,
          )
        : null}
    </>
  );
}

/** What a bulk action did: how many worked, and each failure with its reason. */
function BulkResult({
  action,
  outcomes,
  envName,
  onDismiss,
}: {
  action: ActionSpec;
  outcomes: BulkOutcome[];
  envName: (id: string) => string;
  onDismiss: () => void;
}) {
  const failed = outcomes.filter((o) => !o.ok);
  const worked = outcomes.length - failed.length;
  return (
    <Alert
      tone={failed.length ? "warning" : "success"}
      title={`${action.done} ${worked} of ${outcomes.length} containers${failed.length ? `; ${failed.length} failed` : ""}.`}
    >
      {failed.length ? (
        <ul className="list-disc pl-5">
          {failed.map((o) => (
            <li key={rowKey(o.row)}>
              <span className="font-medium">{o.row.name}</span> on {envName(o.row.environmentId)}: {o.message}
            </li>
          ))}
        </ul>
      ) : null}
      <Button size="sm" variant="quiet" onClick={onDismiss}>
        Dismiss
      </Button>
    </Alert>
  );
}
