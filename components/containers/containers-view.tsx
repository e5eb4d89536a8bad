"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Container, Plus, Search } from "lucide-react";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useMemo, useState } from "react";
import { useViewer } from "../auth/viewer-context";
import { EmptyState } from "../empty-state";
import { PageHeader } from "../page-header";
import { errorMessage } from "../trpc-errors";
import { useTRPC, useTRPCClient } from "../trpc";
import { Alert } from "../ui/alert";
import { formatDateTime, formatRelative } from "../ui/format";
import { Button, ButtonLink } from "../ui/button";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { CliResult } from "./cli-result";
import { controlClass } from "../ui/field";
import { Loading } from "../ui/loading";
import { QueryError } from "../ui/query-error";
import { applicable, BULK_ACTIONS, runBulk, type BulkOutcome } from "./bulk";
import { ColumnChooser, useColumnChoice } from "./column-chooser";
import { ACTIONS, callContainerAction, type ActionSpec } from "./container-actions";
import {
  isFiltered,
  NO_FILTERS,
  paramsFromView,
  projectOf,
  rowKey,
  viewFromParams,
  visibleRows,
  type ContainerRow,
  type ListView,
} from "./container-list-model";
import { ContainersTable } from "./containers-table";
import { UsageCell } from "./stats/usage-cell";
import { usageKey, useContainerUsage } from "./stats/use-container-usage";
import { holdsOn } from "./holds-on";
import { useLiveContainers } from "./use-live-containers";

const STATES = ["running", "exited", "paused", "restarting", "created", "dead"];

export function ContainersView() {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const viewer = useViewer();
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const view = viewFromParams(new URLSearchParams(params.toString()));
  const { list, environments, liveStatus } = useLiveContainers();

  const [asking, setAsking] = useState<{ row: ContainerRow; action: ActionSpec } | null>(null);
  const [done, setDone] = useState<{ text: string; cli: string } | null>(null);

  const perform = ({ row, action }: { row: ContainerRow; action: ActionSpec }) =>
    callContainerAction(client.containers, { environmentId: row.environmentId, id: row.id }, action);
  const act = useMutation({
    mutationFn: perform,
    onSuccess: (result, { row, action }) => {
      setAsking(null);
      setDone({ text: `${action.done} ${row.name}.`, cli: result.cli });
      // The live feed brings the new state within a second; a refetch covers a feed that is down.
      void queryClient.invalidateQueries({ queryKey: trpc.containers.list.queryKey() });
    },
  });

  const [columns, chooseColumns] = useColumnChoice();
  // CPU and memory only for the running rows drawn now, and only while the column is shown.
  const [drawn, setDrawn] = useState<ContainerRow[]>([]);
  const drawnRunning = useMemo(() => drawn.filter((row) => row.state === "running"), [drawn]);
  const usage = useContainerUsage(drawnRunning, { enabled: columns.has("usage") });

  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const select = (keys: string[], on: boolean) =>
    setSelected((current) => {
      const next = new Set(current);
      for (const key of keys) {
        if (on) next.add(key);
        else next.delete(key);
      }
      return next;
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
      select(
        outcomes.filter((o) => o.ok).map((o) => rowKey(o.row)),
        false,
      );
      void queryClient.invalidateQueries({ queryKey: trpc.containers.list.queryKey() });
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

  const setView = (patch: Partial<ListView>) => {
    router.replace(`${pathname}${paramsFromView({ ...view, ...patch })}`, { scroll: false });
  };

  const names = useMemo(() => new Map((environments.data ?? []).map((e) => [e.id, e.name])), [environments.data]);
  const envName = (id: string) => names.get(id) ?? id;
  const rows = useMemo(
    () => (list.data ? visibleRows([...list.data.items], view, (id) => names.get(id) ?? id) : []),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- view is rebuilt from the URL each render
    [list.data, names, view.q, view.env, view.state, view.image, view.label, view.stack, view.sort, view.dir],
  );

  const stacks = useMemo(
    () => [...new Set((list.data?.items ?? []).map(projectOf).filter((p): p is string => p !== null))].sort(),
    [list.data],
  );
  // The selection only ever holds rows that exist and are shown.
  const chosenRows = rows.filter((row) => selected.has(rowKey(row)));
  const mayCreate =
    viewer.permissions.everywhere.includes("container.create") ||
    Object.values(viewer.permissions.byEnvironment).some((p) => p.includes("container.create"));

  const choose = (row: ContainerRow, action: ActionSpec) => {
    act.reset();
    setDone(null);
    setBulkDone(null);
    if (action.confirm) setAsking({ row, action });
    else act.mutate({ row, action });
  };

  const filtered = isFiltered(view);
  const errors = list.data?.errors ?? [];
  // Environments whose rows were older than a healthy engine's when they were read (it has gone
  // quiet; the liveness check will say within seconds whether it is down): say how old.
  const stale = (list.data?.freshness ?? []).filter((f) => f.stale);

  return (
    <>
      <PageHeader title="Containers" description="Containers across every environment you may see.">
        <span className="text-xs text-slate-500 dark:text-slate-400" data-testid="live-status">
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

      <div className="mb-4 flex flex-wrap items-end gap-3">
        <label className="relative block w-72 max-w-full">
          <span className="sr-only">Search by name or image</span>
          <Search aria-hidden className="pointer-events-none absolute top-2 left-2.5 size-4 text-slate-400" />
          <input
            type="search"
            value={view.q}
            onChange={(e) => setView({ q: e.target.value })}
            placeholder="Search name or image"
            className={`${controlClass} pl-8`}
          />
        </label>
        <FilterField label="Environment">
          <select
            value={view.env}
            onChange={(e) => setView({ env: e.target.value })}
            className={`${controlClass} w-44`}
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
            value={view.state}
            onChange={(e) => setView({ state: e.target.value })}
            className={`${controlClass} w-36`}
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
            value={view.image}
            onChange={(e) => setView({ image: e.target.value })}
            placeholder="e.g. nginx"
            className={`${controlClass} w-36`}
          />
        </FilterField>
        <FilterField label="Label">
          <input
            type="search"
            value={view.label}
            onChange={(e) => setView({ label: e.target.value })}
            placeholder="key or key=value"
            className={`${controlClass} w-44 font-mono text-xs`}
          />
        </FilterField>
        {stacks.length ? (
          <FilterField label="Stack">
            <select
              value={view.stack}
              onChange={(e) => setView({ stack: e.target.value })}
              className={`${controlClass} w-40`}
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
          <Button variant="quiet" size="sm" onClick={() => setView(NO_FILTERS)}>
            Clear filters
          </Button>
        ) : null}
        <div className="ml-auto">
          <ColumnChooser columns={columns} onChange={chooseColumns} />
        </div>
      </div>

      {chosenRows.length ? (
        <div
          role="toolbar"
          aria-label="Selected containers"
          className="sticky top-0 z-20 mb-3 flex flex-wrap items-center gap-2 rounded-lg border border-sky-200 bg-sky-50 px-3 py-2 text-sm dark:border-sky-900 dark:bg-sky-950/60"
        >
          <span className="font-medium">{chosenRows.length} selected</span>
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
          <Button size="sm" variant="quiet" onClick={() => setSelected(new Set())}>
            Clear selection
          </Button>
          {bulk.isPending ? <span className="text-slate-600 dark:text-slate-300">Working…</span> : null}
        </div>
      ) : null}

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

        {list.isPending ? (
          <Loading label="Loading containers…" />
        ) : list.isError ? (
          <QueryError error={list.error} what="the containers" onRetry={() => void list.refetch()} />
        ) : list.data.items.length === 0 ? (
          <EmptyState icon={Container} title="No containers">
            {environments.data?.length === 0
              ? "You have no environments yet. Add one under Environments, or ask an administrator for a role on one."
              : "None of the environments you may see has a container right now."}
          </EmptyState>
        ) : rows.length === 0 ? (
          <EmptyState icon={Search} title="Nothing matches">
            No container matches these filters.{" "}
            <button type="button" className="font-medium underline" onClick={() => setView(NO_FILTERS)}>
              Clear them
            </button>
            .
          </EmptyState>
        ) : (
          <ContainersTable
            rows={rows}
            total={list.data.items.length}
            view={view}
            columns={columns}
            usage={(row) => <UsageCell usage={usage.get(usageKey(row.environmentId, row.id))} />}
            onRowsDrawn={setDrawn}
            selected={selected}
            onSelect={select}
            onSort={(sort) => setView({ sort, dir: view.sort === sort && view.dir === "asc" ? "desc" : "asc" })}
            envName={envName}
            actionsFor={(row) =>
              ACTIONS.filter((a) => a.when(row.state) && holdsOn(viewer, a.permission, row.environmentId))
            }
            consoleHrefFor={(row) =>
              row.state === "running" && holdsOn(viewer, "container.exec", row.environmentId)
                ? `/containers/${encodeURIComponent(row.environmentId)}/${encodeURIComponent(row.id)}/console`
                : null
            }
            onChoose={choose}
          />
        )}
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
              {row.name} <span className="text-slate-500 dark:text-slate-400">on {envName(row.environmentId)}</span>
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

/** A filter's name beside its control, on one line. */
function FilterField({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <label className="flex items-center gap-2 text-sm text-slate-700 dark:text-slate-300">
      {label}
      {children}
    </label>
  );
}
