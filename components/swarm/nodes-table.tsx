"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Server } from "lucide-react";
import { useState } from "react";
import type { RouterOutputs } from "../api-types";
import { useViewer } from "../auth/viewer-context";
import { CliResult } from "../containers/cli-result";
import { holdsOn } from "../containers/holds-on";
import { DataTable } from "../data-table/data-table";
import { columnHelper } from "../data-table/features";
import { TableStates } from "../data-table/table-states";
import { useDataTable } from "../data-table/use-data-table";
import { errorMessage } from "../trpc-errors";
import { useTRPC } from "../trpc";
import { Alert } from "../ui/alert";
import { Badge } from "../ui/badge";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { Loading } from "../ui/loading";
import { AvailabilityBadge, NodeStateBadge } from "./badges";
import { NodeActionButtons, NodeActionDialog, type NodeAction } from "./node-actions";

type NodeRow = RouterOutputs["nodes"]["list"]["items"][number];
type Availability = "active" | "pause" | "drain";
const AVAILABILITIES: readonly Availability[] = ["active", "pause", "drain"];
const NOUN = ["node", "nodes"] as const;

function formatMemory(bytes: number | undefined): string {
  if (!bytes) return "";
  return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
}

const column = columnHelper<NodeRow>();
function nodeColumns(
  onAvailability: (row: NodeRow, to: Availability) => void,
  mayManage: (row: NodeRow) => boolean,
  onAction: (row: NodeRow, action: NodeAction) => void,
) {
  return [
    column.accessor("hostname", {
      id: "hostname",
      header: "Hostname",
      cell: ({ row }) => (
        <span className="font-medium" title={row.original.id}>
          {row.original.hostname}
        </span>
      ),
      meta: { label: "Hostname", minWidth: 140 },
    }),
    column.accessor("role", {
      id: "role",
      header: "Role",
      cell: ({ row }) => (
        <span className="flex items-center gap-1">
          {row.original.role}
          {row.original.leader ? <Badge tone="sky">leader</Badge> : null}
          {row.original.role === "manager" && !row.original.leader && row.original.reachability ? (
            <span className="text-xs text-subtle">{row.original.reachability}</span>
          ) : null}
        </span>
      ),
      meta: { label: "Role", width: 170 },
    }),
    column.accessor("state", {
      id: "state",
      header: "Status",
      cell: ({ row }) => <NodeStateBadge state={row.original.state} />,
      meta: { label: "Status", width: 100 },
    }),
    column.accessor("availability", {
      id: "availability",
      header: "Availability",
      cell: ({ row }) =>
        mayManage(row.original) ? (
          <select
            aria-label={`Availability of ${row.original.hostname}`}
            value={row.original.availability}
            onChange={(e) => onAvailability(row.original, e.target.value as Availability)}
            className="rounded border border-border bg-surface px-1 py-0.5 text-sm"
          >
            {AVAILABILITIES.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        ) : (
          <AvailabilityBadge availability={row.original.availability} />
        ),
      meta: { label: "Availability", width: 130 },
    }),
    column.accessor("tasks", {
      id: "tasks",
      header: "Tasks",
      cell: ({ row }) => <span data-testid="node-tasks">{row.original.tasks}</span>,
      meta: { label: "Tasks", width: 80, align: "end" },
    }),
    column.accessor("engineVersion", {
      id: "engine",
      header: "Engine",
      meta: { label: "Engine", width: 150, priority: 30 },
    }),
    column.accessor("addr", {
      id: "addr",
      header: "Address",
      meta: { label: "Address", width: 130, priority: 20 },
    }),
    column.display({
      id: "resources",
      header: "CPUs / memory",
      cell: ({ row }) => `${row.original.cpus} / ${formatMemory(row.original.memoryBytes)}`,
      meta: { label: "CPUs / memory", width: 140, priority: 40 },
    }),
    column.display({
      id: "labels",
      header: "Labels",
      cell: ({ row }) => (
        <span className="truncate font-mono text-xs">
          {Object.entries(row.original.labels)
            .map(([k, v]) => `${k}=${v}`)
            .join(", ")}
        </span>
      ),
      meta: { label: "Labels", minWidth: 120, priority: 50 },
    }),
    column.display({
      id: "actions",
      header: "Actions",
      cell: ({ row }) =>
        mayManage(row.original) ? (
          <NodeActionButtons row={row.original} onAction={(a) => onAction(row.original, a)} />
        ) : null,
      meta: { label: "Actions", width: 230 },
    }),
  ];
}

/** The swarm's nodes, each once however many of its engines are environments. */
export function NodesTable() {
  const trpc = useTRPC();
  const viewer = useViewer();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.nodes.list.queryOptions());
  const [asking, setAsking] = useState<{ row: NodeRow; to: Availability } | null>(null);
  const [done, setDone] = useState<{ text: string; cli: string } | null>(null);
  const [acting, setActing] = useState<{ row: NodeRow; action: NodeAction } | null>(null);
  const [columns] = useState(() =>
    nodeColumns(
      (row, to) => setAsking({ row, to }),
      (row) => holdsOn(viewer, "node.manage", row.environmentId),
      (row, action) => setActing({ row, action }),
    ),
  );
  const model = useDataTable({
    data: list.data?.items,
    columns,
    getRowId: (row) => `${row.clusterId}:${row.id}`,
    defaultSort: { id: "hostname", desc: false },
  });

  const preview = useQuery({
    ...trpc.nodes.availabilityPreview.queryOptions({
      environmentId: asking?.row.environmentId ?? "",
      id: asking?.row.id ?? "",
      availability: asking?.to ?? "active",
    }),
    enabled: asking !== null,
  });
  const change = useMutation(
    trpc.nodes.setAvailability.mutationOptions({
      onSuccess: (result, input) => {
        setDone({ text: `${asking?.row.hostname ?? input.id} is now ${input.availability}.`, cli: result.cli });
        setAsking(null);
        void queryClient.invalidateQueries({ queryKey: trpc.nodes.list.queryKey() });
      },
    }),
  );

  return (
    <div className="space-y-3">
      {(list.data?.errors ?? []).map((e) => (
        <Alert key={e.clusterId} tone="warning" title="A swarm did not answer">
          {e.message}
        </Alert>
      ))}
      {done ? <CliResult text={done.text} cli={done.cli} onDismiss={() => setDone(null)} /> : null}
      <TableStates
        query={list}
        what="the nodes"
        total={model.total}
        shown={model.rows.length}
        empty={{
          icon: Server,
          title: "No swarm nodes",
          body: "None of the environments you may see is a swarm manager. Add a manager's engine under Environments.",
        }}
      >
        <DataTable model={model} label="Nodes" noun={NOUN} />
      </TableStates>
      {acting ? (
        <NodeActionDialog
          key={`${acting.row.id}:${acting.action}`}
          row={acting.row}
          action={acting.action}
          onClose={() => setActing(null)}
          onDone={(text, cli) => {
            setActing(null);
            setDone({ text, cli });
          }}
        />
      ) : null}
      <ConfirmDialog
        open={asking !== null}
        onClose={() => {
          setAsking(null);
          change.reset();
        }}
        title={asking ? `Set ${asking.row.hostname} to ${asking.to}?` : ""}
        confirmLabel={asking ? `Set to ${asking.to}` : ""}
        tone={asking?.to === "active" ? "primary" : "danger"}
        onConfirm={() =>
          asking &&
          change.mutate({ environmentId: asking.row.environmentId, id: asking.row.id, availability: asking.to })
        }
        pending={change.isPending}
        error={change.error ? errorMessage(change.error) : null}
      >
        {preview.isPending ? (
          <Loading label="Working out which tasks move…" />
        ) : preview.isError ? (
          <p>{errorMessage(preview.error)}</p>
        ) : preview.data ? (
          <div className="space-y-2" data-testid="availability-preview">
            <p>{preview.data.note}</p>
            {preview.data.moving.length ? (
              <div>
                <p className="font-medium">Tasks that will start on other nodes:</p>
                <ul className="list-disc pl-5">
                  {preview.data.moving.map((t) => (
                    <li key={t.id}>
                      {t.serviceName}
                      {t.slot !== undefined ? `.${t.slot}` : ""}
                    </li>
                  ))}
                </ul>
              </div>
            ) : null}
            {preview.data.stopping.length ? (
              <div>
                <p className="font-medium">Tasks that will stop (global services):</p>
                <ul className="list-disc pl-5">
                  {preview.data.stopping.map((t) => (
                    <li key={t.id}>{t.serviceName}</li>
                  ))}
                </ul>
              </div>
            ) : null}
            <code className="block font-mono text-xs">{preview.data.cli}</code>
          </div>
        ) : null}
      </ConfirmDialog>
    </div>
  );
}
