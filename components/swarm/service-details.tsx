"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { shellQuote } from "@/server/workloads/cli";
import { useSubscription } from "@trpc/tanstack-react-query";
import { ListTree } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMemo, useState } from "react";
import type { RouterOutputs } from "../api-types";
import { useViewer } from "../auth/viewer-context";
import { CliResult } from "../containers/cli-result";
import { holdsOn } from "../containers/holds-on";
import { LogsViewer } from "../containers/logs/logs-viewer";
import { DataTable } from "../data-table/data-table";
import { columnHelper } from "../data-table/features";
import { TableStates } from "../data-table/table-states";
import { useDataTable } from "../data-table/use-data-table";
import { PageHeader } from "../page-header";
import { errorMessage } from "../trpc-errors";
import { useTRPC } from "../trpc";
import { Alert } from "../ui/alert";
import { Badge } from "../ui/badge";
import { Button, ButtonLink } from "../ui/button";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { Dialog } from "../ui/dialog";
import { TextField } from "../ui/field";
import { formatRelative } from "../ui/format";
import { Loading } from "../ui/loading";
import { QueryError } from "../ui/query-error";
import { ReplicasBadge, TaskStateBadge } from "./badges";
import { serviceHref } from "./hrefs";
import { currentAndEarlier } from "./task-history";
import { taskConsoleHref } from "./task-console";
import { portsOf } from "./services-table";
import { LiveStatus, useSwarmLive } from "./use-swarm-live";

type Detail = RouterOutputs["services"]["get"];
type TaskRow = Detail["tasks"][number];
type Rollout = RouterOutputs["services"]["rollout"] extends AsyncIterable<infer P> ? P : never;
const NOUN = ["task", "tasks"] as const;
const EARLIER_NOUN = ["earlier task", "earlier tasks"] as const;

const column = columnHelper<TaskRow>();
/** The tasks' columns; `consoleHref`: where a running task's console opens (absent: no console column). */
function taskColumns(consoleHref?: (task: TaskRow) => string) {
  return [
    column.accessor("name", {
      id: "name",
      header: "Task",
      cell: ({ row }) => (
        <span className="font-medium" title={row.original.id}>
          {row.original.name}
        </span>
      ),
      meta: { label: "Task", minWidth: 140 },
    }),
    column.accessor((t) => t.nodeHostname ?? t.nodeId, {
      id: "node",
      header: "Node",
      cell: ({ row }) => (
        <span data-testid="task-node">{row.original.nodeHostname ?? row.original.nodeId.slice(0, 12)}</span>
      ),
      meta: { label: "Node", width: 130 },
    }),
    column.accessor("state", {
      id: "state",
      header: "State",
      cell: ({ row }) => <TaskStateBadge state={row.original.state} />,
      meta: { label: "State", width: 110 },
    }),
    column.accessor("desiredState", { id: "desired", header: "Desired", meta: { label: "Desired", width: 100 } }),
    column.accessor((t) => t.error ?? "", {
      id: "error",
      header: "Error",
      cell: ({ row }) => (
        <span className="truncate text-sm" title={row.original.error}>
          {row.original.error ?? ""}
          {row.original.exitCode !== undefined ? ` (exit ${row.original.exitCode})` : ""}
        </span>
      ),
      meta: { label: "Error", minWidth: 160, priority: 10 },
    }),
    column.accessor((t) => t.since ?? t.updatedAt, {
      id: "since",
      header: "Since",
      cell: ({ row }) => formatRelative(row.original.since ?? row.original.updatedAt),
      meta: { label: "Since", width: 120, priority: 20 },
    }),
    ...(consoleHref
      ? [
          column.display({
            id: "console",
            header: "Console",
            cell: ({ row }) =>
              row.original.state === "running" && row.original.containerId ? (
                <Link
                  className="text-sm text-primary underline"
                  href={consoleHref(row.original)}
                  aria-label={`Console in ${row.original.name}`}
                >
                  Console
                </Link>
              ) : null,
            meta: { label: "Console", width: 90 },
          }),
        ]
      : []),
  ];
}

/** The replaced tasks' columns: the same, without a console (none of them runs). */
const historyColumns = taskColumns();

function RolloutPanel({ environmentId, serviceId }: { environmentId: string; serviceId: string }) {
  const trpc = useTRPC();
  const [progress, setProgress] = useState<Rollout | null>(null);
  const sub = useSubscription(
    trpc.services.rollout.subscriptionOptions(
      { environmentId, id: serviceId, follow: true },
      { onData: (p) => setProgress(p) },
    ),
  );
  if (!progress) return sub.error ? <Alert title="Could not follow the rollout">{sub.error.message}</Alert> : null;
  const tone = progress.failed ? "red" : progress.done ? "green" : "sky";
  return (
    <section
      aria-label="Rollout"
      className="space-y-2 rounded-lg border border-border bg-surface p-4"
      data-testid="rollout"
    >
      <div className="flex flex-wrap items-center gap-2">
        <h2 className="font-semibold">Rollout</h2>
        <Badge tone={tone}>{progress.phase}</Badge>
        <span className="text-sm text-muted">{progress.summary}</span>
      </div>
      {progress.failure ? (
        <Alert title={`The rollout failed on task ${progress.failure.slot ?? progress.failure.taskId.slice(0, 12)}`}>
          {progress.failure.state}: {progress.failure.error}
          {progress.failure.exitCode !== undefined ? ` (exit code ${progress.failure.exitCode})` : ""}
        </Alert>
      ) : null}
      {progress.updateStatus?.message ? <p className="text-sm text-muted">{progress.updateStatus.message}</p> : null}
      <ul className="grid gap-1 text-sm sm:grid-cols-2">
        {progress.slots.map((s) => (
          <li key={`${s.label}-${s.taskId ?? ""}`} className="flex items-center gap-2">
            <span className="w-16 font-mono">{s.label}</span>
            <TaskStateBadge state={s.state} />
            {s.node ? <span className="text-subtle">{s.node}</span> : null}
            {s.upToDate ? null : <span className="text-xs text-subtle">(previous spec)</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** One service: what it runs, its rollout, its tasks with their history, its merged logs. */
export function ServiceDetails({ environmentId, serviceId }: { environmentId: string; serviceId: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const viewer = useViewer();
  const queryClient = useQueryClient();
  const detail = useQuery({ ...trpc.services.get.queryOptions({ environmentId, id: serviceId }), retry: false });
  const live = useSwarmLive([environmentId]);
  // The preview lines say which swarm, as the lines after an action do (docker --context <name>).
  const environments = useQuery(trpc.environments.list.queryOptions());
  const context = shellQuote(environments.data?.find((env) => env.id === environmentId)?.name ?? environmentId);
  const mayExec = holdsOn(viewer, "service.exec", environmentId);
  const [columns] = useState(() =>
    taskColumns(mayExec ? (t) => taskConsoleHref(environmentId, t.serviceId, t.id) : undefined),
  );
  // The tasks it runs now, apart from the ones it replaced (`docker service ps` shows both, the
  // replaced ones indented): after an update a person looks for the new tasks, not twice as many.
  const split = useMemo(() => (detail.data ? currentAndEarlier(detail.data.tasks) : undefined), [detail.data]);
  const [showEarlier, setShowEarlier] = useState(false);
  const current = useDataTable({ data: split?.current, columns, getRowId: (t) => t.id });
  const earlier = useDataTable({ data: split?.earlier, columns: historyColumns, getRowId: (t) => t.id });

  const [done, setDone] = useState<{ text: string; cli: string } | null>(null);
  const [scaling, setScaling] = useState<string | null>(null);
  const [removing, setRemoving] = useState(false);
  const [tab, setTab] = useState<"tasks" | "logs" | "spec">("tasks");
  const refresh = () => void queryClient.invalidateQueries({ queryKey: trpc.services.get.queryKey() });
  const onDone = (text: string) => (result: { cli: string }) => {
    setDone({ text, cli: result.cli });
    refresh();
  };
  const scale = useMutation(
    trpc.services.scale.mutationOptions({
      onSuccess: (result, input) => {
        setScaling(null);
        onDone(`Scaled to ${input.replicas}.`)(result);
      },
    }),
  );
  const redeploy = useMutation(
    trpc.services.redeploy.mutationOptions({ onSuccess: onDone("Redeploying every task.") }),
  );
  const rollback = useMutation(trpc.services.rollback.mutationOptions({ onSuccess: onDone("Rolling back.") }));
  const remove = useMutation(
    trpc.services.remove.mutationOptions({
      onSuccess: () => router.push("/swarm"),
    }),
  );

  if (detail.isPending) return <Loading label="Loading the service…" />;
  if (detail.isError)
    return <QueryError error={detail.error} what="the service" onRetry={() => void detail.refetch()} />;
  const { service } = detail.data;
  const target = { environmentId, id: service.id };
  const mayUpdate = holdsOn(viewer, "service.update", environmentId);
  const mayRemove = holdsOn(viewer, "service.delete", environmentId);
  const mayLogs = holdsOn(viewer, "service.logs", environmentId);
  const actionError = redeploy.error ?? rollback.error;

  return (
    <>
      <PageHeader
        title={service.name}
        description={`${service.mode} service · ${service.image.replace(/@sha256:.*/, "")}`}
      >
        <LiveStatus status={live} />
      </PageHeader>
      <div className="space-y-4">
        <div className="flex flex-wrap items-center gap-3 text-sm">
          <span data-testid="service-replicas">
            Tasks <ReplicasBadge {...service} />
          </span>
          {portsOf(service) ? <span className="font-mono text-xs">{portsOf(service)}</span> : null}
          {service.stack ? <Badge>stack {service.stack.namespace}</Badge> : null}
          <span className="flex-1" />
          {mayUpdate && service.mode === "replicated" ? (
            <Button size="sm" onClick={() => setScaling(String(service.desired))}>
              Scale…
            </Button>
          ) : null}
          {mayUpdate ? (
            <ButtonLink size="sm" href={`${serviceHref(environmentId, service.id)}/edit`}>
              Update…
            </ButtonLink>
          ) : null}
          {mayUpdate ? (
            <Button size="sm" disabled={redeploy.isPending} onClick={() => redeploy.mutate(target)}>
              Redeploy
            </Button>
          ) : null}
          {mayUpdate && service.canRollback ? (
            <Button size="sm" disabled={rollback.isPending} onClick={() => rollback.mutate(target)}>
              Roll back
            </Button>
          ) : null}
          {mayRemove ? (
            <Button size="sm" variant="danger" onClick={() => setRemoving(true)}>
              Remove…
            </Button>
          ) : null}
        </div>
        {done ? <CliResult text={done.text} cli={done.cli} onDismiss={() => setDone(null)} /> : null}
        {actionError ? <Alert title="The action failed">{errorMessage(actionError)}</Alert> : null}
        <RolloutPanel environmentId={environmentId} serviceId={service.id} />

        <div role="tablist" aria-label="Service" className="flex gap-1 border-b border-border">
          {(["tasks", "logs", "spec"] as const)
            .filter((t) => t !== "logs" || mayLogs)
            .map((t) => (
              <button
                key={t}
                type="button"
                role="tab"
                aria-selected={tab === t}
                onClick={() => setTab(t)}
                className={`px-3 py-1.5 text-sm capitalize ${tab === t ? "border-b-2 border-primary font-medium" : "text-muted"}`}
              >
                {t}
              </button>
            ))}
        </div>
        {tab === "tasks" ? (
          <>
            <TableStates
              query={detail}
              what="the tasks"
              total={current.total}
              shown={current.rows.length}
              empty={{
                icon: ListTree,
                title: "No tasks",
                body: split?.earlier.length
                  ? "The service runs no task now; its earlier tasks are below."
                  : "The service has no task yet.",
              }}
            >
              <DataTable model={current} label="Tasks" noun={NOUN} />
            </TableStates>
            {split?.earlier.length ? (
              <section aria-label="Task history" className="space-y-2">
                <Button
                  size="sm"
                  aria-expanded={showEarlier}
                  aria-controls="earlier-tasks"
                  onClick={() => setShowEarlier((shown) => !shown)}
                >
                  {showEarlier ? "Hide" : "Show"} earlier tasks ({split.earlier.length})
                </Button>
                {showEarlier ? (
                  <div id="earlier-tasks">
                    <DataTable model={earlier} label="Earlier tasks" noun={EARLIER_NOUN} />
                  </div>
                ) : null}
              </section>
            ) : null}
          </>
        ) : tab === "logs" ? (
          <LogsViewer environmentId={environmentId} containerId={service.id} service={{ name: service.name }} />
        ) : (
          <pre className="max-h-[32rem] overflow-auto rounded-lg border border-border bg-surface p-3 font-mono text-xs">
            {JSON.stringify(detail.data.rawSpec, null, 2)}
          </pre>
        )}
      </div>

      <Dialog open={scaling !== null} onClose={() => setScaling(null)} title={`Scale ${service.name}`}>
        <form
          className="space-y-3"
          onSubmit={(e) => {
            e.preventDefault();
            scale.mutate({ ...target, replicas: Number(scaling) });
          }}
        >
          <TextField
            label="Replicas"
            type="number"
            min={0}
            max={10000}
            required
            value={scaling ?? ""}
            onChange={(e) => setScaling(e.target.value)}
          />
          <p className="font-mono text-xs text-muted">
            docker --context {context} service scale {service.name}={scaling}
          </p>
          {scale.error ? <Alert>{errorMessage(scale.error)}</Alert> : null}
          <Button type="submit" variant="primary" disabled={scale.isPending}>
            Scale
          </Button>
        </form>
      </Dialog>
      <ConfirmDialog
        open={removing}
        onClose={() => setRemoving(false)}
        title={`Remove ${service.name}?`}
        confirmLabel="Remove service"
        onConfirm={() => remove.mutate(target)}
        pending={remove.isPending}
        error={remove.error ? errorMessage(remove.error) : null}
      >
        <p>
          Every task of the service stops and is removed.{" "}
          <code className="font-mono text-xs">
            docker --context {context} service rm {service.name}
          </code>
        </p>
      </ConfirmDialog>
    </>
  );
}
