"use client";

import Link from "next/link";
import type { RouterOutputs } from "../api-types";
import { columnHelper, type DataColumn } from "../data-table/features";
import { stackHref } from "../stacks/stacks-view";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { formatDateTime } from "../ui/format";

export type SwarmObjectRow = RouterOutputs["secrets"]["list"]["items"][number] & { swarm: string };

export const objectKey = (row: Pick<SwarmObjectRow, "clusterId" | "id">) => `${row.clusterId}/${row.id}`;

export interface ObjectRowActions {
  /** configs only: shows the data */
  open?: (row: SwarmObjectRow) => void;
  rotate: (row: SwarmObjectRow) => void;
  remove: (row: SwarmObjectRow) => void;
  mayWrite: (row: SwarmObjectRow) => boolean;
}

const column = columnHelper<SwarmObjectRow>();

export function objectColumns(actions: ObjectRowActions): DataColumn<SwarmObjectRow>[] {
  return [
    column.accessor("name", {
      id: "name",
      header: "Name",
      enableHiding: false,
      sortFn: (a, b) => a.original.name.localeCompare(b.original.name),
      cell: ({ row }) =>
        actions.open ? (
          <button
            type="button"
            className="block max-w-full truncate text-left font-medium hover:underline"
            onClick={() => actions.open?.(row.original)}
          >
            {row.original.name}
          </button>
        ) : (
          <span className="block truncate font-medium">{row.original.name}</span>
        ),
      meta: { label: "Name", minWidth: 200, sticky: "left" },
    }),
    column.accessor("swarm", {
      id: "swarm",
      header: "Swarm (manager)",
      sortFn: (a, b) => a.original.swarm.localeCompare(b.original.swarm),
      cell: ({ row }) => <span className="block truncate text-muted">{row.original.swarm}</span>,
      meta: { label: "Swarm", width: 150, priority: 40 },
    }),
    column.display({
      id: "usedBy",
      header: "Used by",
      cell: ({ row }) =>
        row.original.usedBy.length === 0 ? (
          <span className="text-subtle">no service</span>
        ) : (
          <ul className="flex flex-wrap gap-x-2 text-xs" aria-label={`Services using ${row.original.name}`}>
            {row.original.usedBy.map((u) => (
              <li key={u.serviceId} className="font-mono" title={u.target ? `mounted at ${u.target}` : undefined}>
                {u.service}
              </li>
            ))}
          </ul>
        ),
      meta: { label: "Used by", minWidth: 180, priority: 10 },
    }),
    column.accessor((r) => r.stack ?? "", {
      id: "stack",
      header: "Stack",
      cell: ({ row }) =>
        row.original.stack ? (
          <Link className="hover:underline" href={stackHref(row.original.environmentId, row.original.stack)}>
            {row.original.stack}
          </Link>
        ) : (
          <span className="text-subtle">—</span>
        ),
      meta: { label: "Stack", width: 120, priority: 30 },
    }),
    column.display({
      id: "labels",
      header: "Labels",
      cell: ({ row }) => (
        <span className="flex flex-wrap gap-1">
          {Object.entries(row.original.labels)
            .filter(([k]) => k !== "com.docker.stack.namespace")
            .map(([k, v]) => (
              <Badge key={k}>
                {k}={v}
              </Badge>
            ))}
        </span>
      ),
      meta: { label: "Labels", width: 180, priority: 50 },
    }),
    column.accessor("createdAt", {
      id: "created",
      header: "Created",
      sortFn: (a, b) => a.original.createdAt.localeCompare(b.original.createdAt),
      cell: ({ row }) => <span className="whitespace-nowrap text-muted">{formatDateTime(row.original.createdAt)}</span>,
      meta: { label: "Created", width: 160, priority: 45 },
    }),
    column.accessor("updatedAt", {
      id: "updated",
      header: "Updated",
      sortFn: (a, b) => a.original.updatedAt.localeCompare(b.original.updatedAt),
      cell: ({ row }) => <span className="whitespace-nowrap text-muted">{formatDateTime(row.original.updatedAt)}</span>,
      meta: { label: "Updated", width: 160, priority: 60 },
    }),
    column.display({
      id: "actions",
      header: () => <span className="sr-only">Actions</span>,
      enableHiding: false,
      cell: ({ row }) =>
        actions.mayWrite(row.original) ? (
          <div className="flex justify-end gap-1">
            <Button
              size="sm"
              variant="quiet"
              onClick={() => actions.rotate(row.original)}
              aria-label={`Rotate ${row.original.name}`}
            >
              Rotate…
            </Button>
            <Button
              size="sm"
              variant="quiet-danger"
              onClick={() => actions.remove(row.original)}
              aria-label={`Remove ${row.original.name}`}
            >
              Remove…
            </Button>
          </div>
        ) : null,
      meta: { label: "Actions", width: 170, sticky: "right", align: "end" },
    }),
  ];
}
