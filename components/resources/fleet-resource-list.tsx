"use client";

// One fleet-wide resource list (images, volumes, networks): the live rows of every environment
// the viewer may read on the shared data table, with search and filters in the URL, the
// loading / error / empty states, the per-environment error banners, the `docker` line of
// what was just done, and the confirmation of a row's removal. A resource says what differs
// (its columns, search, filters, header buttons and dialogs); `useFleetResourceList` holds the
// state, `FleetResourceList` draws it.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Plus, type LucideIcon } from "lucide-react";
import { useMemo, useState, type ReactNode } from "react";
import type { Permission } from "@/server/rbac/catalogue";
import { useViewer } from "../auth/viewer-context";
import { CliResult } from "../containers/cli-result";
import { holdsOn } from "../containers/holds-on";
import { DataTable } from "../data-table/data-table";
import type { DataColumn } from "../data-table/features";
import type { LiveKind } from "../data-table/live-list-model";
import { TableStates } from "../data-table/table-states";
import { FilterField, SearchBox, Toolbar } from "../data-table/toolbar";
import { useDataTable } from "../data-table/use-data-table";
import type { useLiveList } from "../data-table/use-live-list";
import { useUrlView } from "../data-table/use-url-view";
import { isFiltered, withoutFilters, type ViewSpec } from "../data-table/url-view";
import { PageHeader } from "../page-header";
import { errorMessage } from "../trpc-errors";
import { useTRPC } from "../trpc";
import { Button } from "../ui/button";
import { cn } from "../ui/cn";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { controlClass } from "../ui/field";
import type { FleetRowActions } from "./fleet-columns";
import { EnvironmentErrors, EnvironmentFilter, LiveStatus, useEnvironmentNames, useStable } from "./list-kit";

/** The kinds listed fleet-wide this way (the containers list has its own, larger view). */
export type FleetResourceKind = Extract<LiveKind, "images" | "volumes" | "networks">;

type Live<K extends FleetResourceKind> = ReturnType<typeof useLiveList<K>>;

/** What was just done, with its `docker` line. */
export interface Done {
  text: string;
  cli: string;
}

export interface FleetResourceSpec<T extends { environmentId: string }, F extends string> {
  /** "Volumes": the page's heading and the table's name. */
  title: string;
  noun: readonly [string, string];
  /** "name, stack or label": what the search box searches. */
  searchLabel: string;
  /** The empty list's icon, and what it says when the viewer has environments. */
  empty: { icon: LucideIcon; none: string };
  /** Search, filters (`env` among them) and sort, kept in the URL. */
  view: ViewSpec<F | "env">;
  getRowId: (row: T) => string;
  /** Whether a row matches the search; `needle` comes trimmed and in lower case. */
  search: (row: T, needle: string) => boolean;
  /** Module-level: called again only when the environments' names change. */
  columns: (envName: (id: string) => string, actions: FleetRowActions<T>) => DataColumn<T>[];
  /** Who may remove a row, on its environment. */
  removePermission: Permission;
  /** Removes the row (an exception is shown in the confirmation), answering its `docker` line. */
  remove: (row: T) => Promise<{ cli: string }>;
  /** Called as the removal of `row` is asked, before the confirmation shows (to reset its options). */
  onAskRemove?: (row: T) => void;
  /** The confirmation of a row's removal: its title, button and what it says. */
  confirmRemove: (row: T | null, envName: (id: string) => string) => { title: string; label: string; body: ReactNode };
  /** What is said once it is gone. */
  removed: (row: T, envName: (id: string) => string) => string;
}

/**
 * A resource list's state: `live` is the kind's `useLiveList`, `rows` its items (or rows made
 * from them, as images count their containers).
 */
export function useFleetResourceList<
  K extends FleetResourceKind,
  T extends { environmentId: string },
  F extends string,
>(kind: K, live: Live<K>, rows: readonly T[] | undefined, spec: FleetResourceSpec<T, F>) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const viewer = useViewer();
  const { view, setView, setFilter } = useUrlView<F | "env">(spec.view);
  const envName = useEnvironmentNames(live.environments.data);

  const [opened, setOpened] = useState<T | null>(null);
  const [removing, setRemoving] = useState<T | null>(null);
  const [done, setDone] = useState<Done | null>(null);

  const open = useStable((row: T) => setOpened(row));
  const askRemove = useStable((row: T) => {
    spec.onAskRemove?.(row);
    setRemoving(row);
  });
  const mayRemove = useStable((row: T) => holdsOn(viewer, spec.removePermission, row.environmentId));
  const actions = useMemo<FleetRowActions<T>>(
    () => ({ open, remove: askRemove, mayRemove }),
    [open, askRemove, mayRemove],
  );
  const { columns: columnsOf } = spec;
  const columns = useMemo(() => columnsOf(envName, actions), [columnsOf, envName, actions]);

  const model = useDataTable({
    data: rows,
    columns,
    getRowId: spec.getRowId,
    view,
    onSortChange: (sort) => setView({ sort }),
    search: spec.search,
  });

  const refresh = () => void queryClient.invalidateQueries({ queryKey: trpc[kind].list.queryKey() });
  const remove = useMutation({
    mutationFn: spec.remove,
    onSuccess: (result, row) => {
      setRemoving(null);
      setDone({ text: spec.removed(row, envName), cli: result.cli });
      refresh();
    },
  });

  const envs = live.environments.data ?? [];
  /** The environments where the viewer holds `permission` (to offer create, pull, prune there). */
  const environmentsWhere = (permission: Permission) => envs.filter((e) => holdsOn(viewer, permission, e.id));

  return {
    spec,
    live,
    view,
    setView,
    setFilter,
    envName,
    envs,
    environmentsWhere,
    model,
    opened,
    close: () => setOpened(null),
    removing,
    askRemove,
    remove,
    cancelRemove: () => {
      setRemoving(null);
      remove.reset();
    },
    done,
    setDone,
    refresh,
  };
}

export type FleetResourceListState<T extends { environmentId: string }, F extends string> = ReturnType<
  typeof useFleetResourceList<FleetResourceKind, T, F>
>;

/**
 * The header's buttons: Prune… and the primary one that adds (create, pull), each only where
 * the viewer may (null: nowhere); `children` stand between them.
 */
export function PruneAndCreate({
  prune,
  create,
  children,
}: {
  prune: (() => void) | null;
  create: { label: string; icon?: LucideIcon; onClick: () => void } | null;
  children?: ReactNode;
}) {
  const Icon = create?.icon ?? Plus;
  return (
    <>
      {prune ? <Button onClick={prune}>Prune…</Button> : null}
      {children}
      {create ? (
        <Button variant="primary" onClick={create.onClick}>
          <Icon aria-hidden className="size-4" />
          {create.label}
        </Button>
      ) : null}
    </>
  );
}

/** The view of volumes and networks: by environment and driver, sorted by name. */
export const BY_DRIVER_VIEW: ViewSpec<"env" | "driver"> = {
  filters: ["env", "driver"],
  sortable: ["name", "env", "driver", "created"],
  defaultSort: { id: "name", desc: false },
};

/** The driver filter of volumes and networks: the drivers the rows have. */
export function DriverFilter<T extends { environmentId: string; driver: string }>({
  list,
  rows,
}: {
  list: FleetResourceListState<T, "driver">;
  rows: readonly T[] | undefined;
}) {
  const drivers = useMemo(() => [...new Set((rows ?? []).map((row) => row.driver))].sort(), [rows]);
  return (
    <ValueFilter
      label="Driver"
      value={list.view.filters.driver}
      values={drivers}
      onChange={(driver) => list.setFilter("driver", driver)}
    />
  );
}

/**
 * The confirmation of removing a row called by its name: "Remove web-data?", what removing
 * does (`says`), and the environment it is on.
 */
export function removalOfNamed(noun: string, says: string) {
  return (row: { name: string; environmentId: string } | null, envName: (id: string) => string) => ({
    title: row ? `Remove ${row.name}?` : "",
    label: `Remove ${noun}`,
    body: (
      <p>
        {says} It is on <span className="font-medium">{row ? envName(row.environmentId) : ""}</span>.
      </p>
    ),
  });
}

/** A select of the values a column holds ("All" first), for a filter such as the driver. */
export function ValueFilter({
  label,
  value,
  values,
  onChange,
}: {
  label: string;
  value: string;
  values: readonly string[];
  onChange: (value: string) => void;
}) {
  return (
    <FilterField label={label}>
      <select value={value} onChange={(e) => onChange(e.target.value)} className={cn(controlClass, "w-32")}>
        <option value="">All</option>
        {values.map((v) => (
          <option key={v} value={v}>
            {v}
          </option>
        ))}
      </select>
    </FilterField>
  );
}

export function FleetResourceList<T extends { environmentId: string }, F extends string>({
  list,
  actions,
  filters,
  above,
  children,
}: {
  list: FleetResourceListState<T, F>;
  /** The header's buttons (create, pull, prune…), where the viewer may. */
  actions?: ReactNode;
  /** The resource's own filters, after the environment's. */
  filters?: ReactNode;
  /** Shown over the table (transfers under way). */
  above?: ReactNode;
  /** The resource's dialogs. */
  children?: ReactNode;
}) {
  const { live, view, setView, setFilter, envName, envs, model, done, removing, remove } = list;
  const clearFilters = () => setView((old) => withoutFilters(old));
  const confirm = list.spec.confirmRemove(removing, envName);
  const { title, noun, searchLabel, empty } = list.spec;
  const plural = noun[1];
  return (
    <>
      <PageHeader title={title} description={`${title} across every environment you may see.`}>
        <LiveStatus status={live.liveStatus} />
        {actions}
      </PageHeader>

      <Toolbar>
        <SearchBox
          label={`Search by ${searchLabel}`}
          placeholder={`Search ${searchLabel}`}
          value={view.q}
          onChange={(q) => setView({ q })}
        />
        <EnvironmentFilter environments={envs} value={view.filters.env} onChange={(id) => setFilter("env", id)} />
        {filters}
        {isFiltered(view) ? (
          <Button variant="quiet" size="sm" onClick={clearFilters}>
            Clear filters
          </Button>
        ) : null}
      </Toolbar>

      <div className="space-y-3">
        <EnvironmentErrors errors={live.list.data?.errors ?? []} envName={envName} />
        {done ? <CliResult text={done.text} cli={done.cli} onDismiss={() => list.setDone(null)} /> : null}
        {above}
        <TableStates
          query={live.list}
          what={`the ${plural}`}
          total={model.total}
          shown={model.rows.length}
          empty={{
            icon: empty.icon,
            title: `No ${plural}`,
            body:
              envs.length === 0
                ? "You have no environments yet. Add one under Environments, or ask an administrator for a role on one."
                : empty.none,
          }}
          onClearFilters={clearFilters}
        >
          <DataTable model={model} label={title} noun={noun} />
        </TableStates>
      </div>

      {children}
      <ConfirmDialog
        open={removing !== null}
        onClose={list.cancelRemove}
        title={confirm.title}
        confirmLabel={confirm.label}
        onConfirm={() => removing && remove.mutate(removing)}
        pending={remove.isPending}
        error={remove.error ? errorMessage(remove.error) : null}
      >
        {confirm.body}
      </ConfirmDialog>
    </>
  );
}
