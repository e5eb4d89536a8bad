"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Gauge, Pause, Pencil, Play, RefreshCw, Trash2 } from "lucide-react";
import Link from "next/link";
import { createContext, useContext, useMemo, useState } from "react";
import type { RouterOutputs } from "../api-types";
import { holdsOn } from "../containers/holds-on";
import { useViewer } from "../auth/viewer-context";
import { DataTable } from "../data-table/data-table";
import { columnHelper, type DataColumn } from "../data-table/features";
import { useDataTable } from "../data-table/use-data-table";
import { errorMessage } from "../trpc-errors";
import { useTRPC } from "../trpc";
import { Alert } from "../ui/alert";
import { Badge } from "../ui/badge";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { formatDateTime } from "../ui/format";
import { IconButton } from "../ui/icon-button";
import { EnvironmentFormDialog } from "./environment-form-dialog";
import { StatusBadge } from "./status-badge";

type Environment = RouterOutputs["environments"]["list"][number];

interface RowActions {
  edit: (env: Environment) => void;
  remove: (env: Environment) => void;
  /** probe the host now instead of waiting for the next retry */
  check: (env: Environment) => void;
  setPaused: (env: Environment, paused: boolean) => void;
  /** the environment a check or pause is under way for */
  busy: string | null;
}
const EnvironmentActions = createContext<RowActions>({
  edit: () => undefined,
  remove: () => undefined,
  check: () => undefined,
  setPaused: () => undefined,
  busy: null,
});

function ActionsCell({ env }: { env: Environment }) {
  const viewer = useViewer();
  const { edit, remove, check, setPaused, busy } = useContext(EnvironmentActions);
  const manages = holdsOn(viewer, "environment.manage", env.id);
  const paused = env.paused;
  return (
    <div className="flex justify-end gap-1">
      <Link
        href={`/environments/${encodeURIComponent(env.id)}`}
        aria-label={`Disk use and events of ${env.name}`}
        title={`Disk use and events of ${env.name}`}
        className="inline-grid size-8 place-items-center rounded-md text-subtle hover:bg-hover hover:text-fg"
      >
        <Gauge aria-hidden className="size-4" />
      </Link>
      {paused ? null : (
        <IconButton
          icon={RefreshCw}
          label={`Check ${env.name} now`}
          disabled={busy === env.id}
          onClick={() => check(env)}
        />
      )}
      {manages ? (
        <>
          <IconButton
            icon={paused ? Play : Pause}
            label={paused ? `Resume ${env.name}` : `Pause ${env.name}`}
            disabled={busy === env.id}
            onClick={() => setPaused(env, !paused)}
          />
          <IconButton icon={Pencil} label={`Edit ${env.name}`} onClick={() => edit(env)} />
          <IconButton icon={Trash2} tone="danger" label={`Remove ${env.name}`} onClick={() => remove(env)} />
        </>
      ) : null}
    </div>
  );
}

const column = columnHelper<Environment>();
const environmentColumns: DataColumn<Environment>[] = [
  column.accessor((env) => env.name.toLowerCase(), {
    id: "name",
    header: "Name",
    enableHiding: false,
    // The row leads to what runs there: the containers list filtered to this environment.
    cell: ({ row }) => (
      <Link
        href={`/containers?env=${encodeURIComponent(row.original.id)}`}
        className="block truncate font-medium text-primary-fg hover:underline"
        title={`Containers on ${row.original.name}`}
      >
        {row.original.name}
      </Link>
    ),
    meta: { minWidth: 140, sticky: "left" },
  }),
  column.accessor((env) => env.status?.state ?? "unknown", {
    id: "status",
    header: "Status",
    cell: ({ row }) => <StatusBadge status={row.original.status} />,
    meta: { width: 190, priority: 10 },
  }),
  column.accessor("url", {
    id: "url",
    header: "Docker URL",
    cell: ({ row: { original: env } }) => (
      <span className="block truncate font-mono text-xs" title={env.url}>
        {env.url}
        {env.tls.key ? <span className="ml-2 font-sans text-subtle">TLS</span> : null}
        {env.ssh.key ? <span className="ml-2 font-sans text-subtle">ssh key</span> : null}
        {env.ssh.hostKey ? (
          <span
            className="ml-2 font-sans text-subtle"
            title="The SSH host key pinned at first use: Stevedore refuses the host if it shows another."
          >
            host key {env.ssh.hostKey.type} {env.ssh.hostKey.fingerprint}
          </span>
        ) : null}
      </span>
    ),
    meta: { minWidth: 200, priority: 30 },
  }),
  column.accessor((env) => env.group ?? "", {
    id: "group",
    header: "Group and tags",
    cell: ({ row: { original: env } }) => (
      <div className="flex flex-wrap items-center gap-1">
        {env.group ? <span className="mr-1 text-sm">{env.group}</span> : null}
        {env.tags.map((tag) => (
          <Badge key={tag}>{tag}</Badge>
        ))}
        {!env.group && env.tags.length === 0 ? <span className="text-faint">—</span> : null}
      </div>
    ),
    meta: { minWidth: 150, priority: 40 },
  }),
  column.accessor((env) => new Date(env.createdAt).getTime(), {
    id: "added",
    header: "Added",
    cell: ({ row }) => <span className="whitespace-nowrap">{formatDateTime(row.original.createdAt)}</span>,
    meta: { width: 190, priority: 50 },
  }),
  column.display({
    id: "actions",
    enableHiding: false,
    cell: ({ row }) => <ActionsCell env={row.original} />,
    meta: { label: "Actions", width: 208, sticky: "right", align: "end" },
  }),
];

const environmentId = (env: Environment) => env.id;
const NOUN = ["environment", "environments"] as const;

export function EnvironmentsTable({ environments }: { environments: Environment[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [removing, setRemoving] = useState<Environment | null>(null);
  const [editing, setEditing] = useState<Environment | null>(null);
  const groups = [...new Set(environments.map((e) => e.group).filter((g): g is string => Boolean(g)))].sort();
  const remove = useMutation(
    trpc.environments.remove.mutationOptions({
      onSuccess: async () => {
        setRemoving(null);
        await queryClient.invalidateQueries({ queryKey: trpc.environments.list.queryKey() });
      },
    }),
  );
  const [problem, setProblem] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.environments.list.queryKey() });
  const onFailed = (error: unknown) => setProblem(errorMessage(error));
  const probe = useMutation(trpc.environments.probe.mutationOptions({ onSettled: refresh, onError: onFailed }));
  const pause = useMutation(trpc.environments.setPaused.mutationOptions({ onSettled: refresh, onError: onFailed }));
  const { reset } = remove;
  const { mutate: probeNow } = probe;
  const { mutate: setPausedNow } = pause;
  const busyId = probe.isPending
    ? (probe.variables?.environmentId ?? null)
    : pause.isPending
      ? (pause.variables?.environmentId ?? null)
      : null;
  const actions = useMemo<RowActions>(
    () => ({
      edit: setEditing,
      remove: (env) => {
        reset();
        setRemoving(env);
      },
      check: (env) => {
        setProblem(null);
        probeNow({ environmentId: env.id });
      },
      setPaused: (env, paused) => {
        setProblem(null);
        setPausedNow({ environmentId: env.id, paused });
      },
      busy: busyId,
    }),
    [reset, probeNow, setPausedNow, busyId],
  );
  // In the server's order (by name) until a header asks for another.
  const model = useDataTable({ data: environments, columns: environmentColumns, getRowId: environmentId });
  return (
    <>
      {problem ? (
        <div className="mb-3">
          <Alert title="The action failed">{problem}</Alert>
        </div>
      ) : null}
      <EnvironmentActions value={actions}>
        <DataTable model={model} label="Environments" noun={NOUN} />
      </EnvironmentActions>
      {editing ? (
        <EnvironmentFormDialog
          key={editing.id}
          open
          onClose={() => setEditing(null)}
          environment={editing}
          groups={groups}
        />
      ) : null}
      <ConfirmDialog
        open={removing !== null}
        onClose={() => setRemoving(null)}
        title={`Remove ${removing?.name ?? "environment"}?`}
        confirmLabel="Remove environment"
        onConfirm={() => removing && remove.mutate({ environmentId: removing.id })}
        pending={remove.isPending}
        error={remove.error ? errorMessage(remove.error) : null}
      >
        Stevedore forgets this endpoint and every role binding on it. The Docker host itself is not touched.
      </ConfirmDialog>
    </>
  );
}
