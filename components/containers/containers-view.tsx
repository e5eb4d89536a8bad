"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Container, Search } from "lucide-react";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useMemo, useState } from "react";
import { useViewer } from "../auth/viewer-context";
import { EmptyState } from "../empty-state";
import { PageHeader } from "../page-header";
import { errorMessage } from "../trpc-errors";
import { useTRPC, useTRPCClient } from "../trpc";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { CopyButton } from "../ui/copy-button";
import { controlClass } from "../ui/field";
import { Loading } from "../ui/loading";
import { QueryError } from "../ui/query-error";
import { ACTIONS, type ActionSpec } from "./container-actions";
import { paramsFromView, viewFromParams, visibleRows, type ContainerRow, type ListView } from "./container-list-model";
import { ContainersTable } from "./containers-table";
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

  const act = useMutation({
    mutationFn: async ({ row, action }: { row: ContainerRow; action: ActionSpec }) => {
      const target = { environmentId: row.environmentId, id: row.id };
      const c = client.containers;
      switch (action.name) {
        case "remove":
          return c.remove.mutate({ ...target, force: true });
        case "start":
          return c.start.mutate(target);
        case "stop":
          return c.stop.mutate(target);
        case "restart":
          return c.restart.mutate(target);
        case "pause":
          return c.pause.mutate(target);
        case "unpause":
          return c.unpause.mutate(target);
        case "kill":
          return c.kill.mutate(target);
      }
    },
    onSuccess: (result, { row, action }) => {
      setAsking(null);
      setDone({ text: `${action.done} ${row.name}.`, cli: result.cli });
      // The live feed brings the new state within a second; a refetch covers a feed that is down.
      void queryClient.invalidateQueries({ queryKey: trpc.containers.list.queryKey() });
    },
  });

  const setView = (patch: Partial<ListView>) => {
    router.replace(`${pathname}${paramsFromView({ ...view, ...patch })}`, { scroll: false });
  };

  const names = useMemo(() => new Map((environments.data ?? []).map((e) => [e.id, e.name])), [environments.data]);
  const envName = (id: string) => names.get(id) ?? id;
  const rows = useMemo(
    () => (list.data ? visibleRows([...list.data.items], view, (id) => names.get(id) ?? id) : []),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- view is rebuilt from the URL each render
    [list.data, names, view.q, view.env, view.state, view.sort, view.dir],
  );

  const choose = (row: ContainerRow, action: ActionSpec) => {
    act.reset();
    setDone(null);
    if (action.confirm) setAsking({ row, action });
    else act.mutate({ row, action });
  };

  const filtered = Boolean(view.q || view.env || view.state);
  const errors = list.data?.errors ?? [];

  return (
    <>
      <PageHeader title="Containers" description="Containers across every environment you may see.">
        <span className="text-xs text-slate-500 dark:text-slate-400" data-testid="live-status">
          {liveStatus === "pending" ? "Live" : liveStatus === "connecting" ? "Connecting to live updates…" : null}
          {liveStatus === "error" ? "Live updates stopped; reload to resume." : null}
        </span>
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
        <label className="flex items-center gap-2 text-sm text-slate-700 dark:text-slate-300">
          Environment
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
        </label>
        <label className="flex items-center gap-2 text-sm text-slate-700 dark:text-slate-300">
          State
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
        </label>
        {filtered ? (
          <Button variant="quiet" size="sm" onClick={() => setView({ q: "", env: "", state: "" })}>
            Clear filters
          </Button>
        ) : null}
      </div>

      <div className="space-y-3">
        {errors.map((error) => (
          <Alert key={error.environmentId} tone="warning" title={`${envName(error.environmentId)} unreachable`}>
            {error.message}{" "}
            <span className="text-xs opacity-75">
              ({error.code}, after {error.latencyMs} ms)
            </span>
          </Alert>
        ))}
        {done ? (
          <Alert tone="success" title={done.text}>
            <div className="flex flex-wrap items-center gap-2">
              <span>Equivalent command:</span>
              <code
                className="rounded bg-white/70 px-1.5 py-0.5 font-mono text-xs dark:bg-slate-900/70"
                data-testid="cli"
              >
                {done.cli}
              </code>
              <CopyButton text={done.cli} />
              <Button size="sm" variant="quiet" onClick={() => setDone(null)}>
                Dismiss
              </Button>
            </div>
          </Alert>
        ) : null}
        {act.error && !asking ? <Alert title="The action failed">{errorMessage(act.error)}</Alert> : null}

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
            <button
              type="button"
              className="font-medium underline"
              onClick={() => setView({ q: "", env: "", state: "" })}
            >
              Clear them
            </button>
            .
          </EmptyState>
        ) : (
          <ContainersTable
            rows={rows}
            total={list.data.items.length}
            view={view}
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
