"use client";

import type { RouterOutputs } from "../api-types";
import { columnHelper, type DataColumn } from "../data-table/features";
import { Button } from "../ui/button";
import { formatRelative } from "../ui/format";

export type VolumeRow = RouterOutputs["volumes"]["list"]["items"][number];

export const volumeKey = (row: Pick<VolumeRow, "environmentId" | "name">) => `${row.environmentId}/${row.name}`;

export const projectOfVolume = (row: VolumeRow) => row.stack?.namespace ?? row.compose?.project ?? null;

export interface VolumeRowActions {
  open: (row: VolumeRow) => void;
  remove: (row: VolumeRow) => void;
  mayRemove: (row: VolumeRow) => boolean;
}

const column = columnHelper<VolumeRow>();

/** The volumes list's columns; `actions` must be stable (a new object redraws every row). */
export function volumeColumns(envName: (id: string) => string, actions: VolumeRowActions): DataColumn<VolumeRow>[] {
  return [
    column.accessor("name", {
      id: "name",
      header: "Name",
      enableHiding: false,
      sortFn: (a, b) => a.original.name.localeCompare(b.original.name),
      cell: ({ row }) => (
        <button
          type="button"
          className="block max-w-full truncate text-left font-medium hover:underline"
          title={row.original.name}
          onClick={() => actions.open(row.original)}
        >
          {row.original.name}
        </button>
      ),
      meta: { label: "Name", minWidth: 220, sticky: "left" },
    }),
    column.accessor("environmentId", {
      id: "env",
      header: "Environment",
      sortFn: (a, b) => envName(a.original.environmentId).localeCompare(envName(b.original.environmentId)),
      filterFn: (row, _id, value: string) => !value || row.original.environmentId === value,
      cell: ({ row }) => <span className="block truncate text-muted">{envName(row.original.environmentId)}</span>,
      meta: { label: "Environment", width: 140, priority: 30 },
    }),
    column.accessor("driver", {
      id: "driver",
      header: "Driver",
      sortFn: (a, b) => a.original.driver.localeCompare(b.original.driver),
      filterFn: (row, _id, value: string) => !value || row.original.driver === value,
      cell: ({ row }) => <span className="font-mono text-xs">{row.original.driver}</span>,
      meta: { label: "Driver", width: 100, priority: 40 },
    }),
    column.accessor("scope", {
      id: "scope",
      header: "Scope",
      cell: ({ row }) => row.original.scope,
      meta: { label: "Scope", width: 90, priority: 60 },
    }),
    column.display({
      id: "project",
      header: "Stack / project",
      cell: ({ row }) => <span className="block truncate">{projectOfVolume(row.original) ?? ""}</span>,
      meta: { label: "Stack / project", width: 150, priority: 50 },
    }),
    column.display({
      id: "labels",
      header: "Labels",
      cell: ({ row }) => {
        const labels = Object.entries(row.original.labels);
        return (
          <span
            className="block truncate font-mono text-xs text-muted"
            title={labels.map(([k, v]) => `${k}=${v}`).join("\n")}
          >
            {labels.length ? labels.map(([k, v]) => `${k}=${v}`).join(", ") : ""}
          </span>
        );
      },
      meta: { label: "Labels", minWidth: 160, priority: 70, defaultHidden: true },
    }),
    column.accessor((row) => row.createdAt ?? "", {
      id: "created",
      header: "Created",
      sortFn: (a, b) => (a.original.createdAt ?? "").localeCompare(b.original.createdAt ?? ""),
      cell: ({ row }) => (
        <span className="text-muted">{row.original.createdAt ? formatRelative(row.original.createdAt) : ""}</span>
      ),
      meta: { label: "Created", width: 120, priority: 45 },
    }),
    column.display({
      id: "actions",
      header: () => <span className="sr-only">Actions</span>,
      enableHiding: false,
      cell: ({ row }) => (
        <div className="flex justify-end gap-1">
          <Button
            size="sm"
            variant="quiet"
            onClick={() => actions.open(row.original)}
            aria-label={`Open ${row.original.name}`}
          >
            Open
          </Button>
          {actions.mayRemove(row.original) ? (
            <Button
              size="sm"
              variant="quiet-danger"
              onClick={() => actions.remove(row.original)}
              aria-label={`Remove ${row.original.name}`}
            >
              Remove…
            </Button>
          ) : null}
        </div>
      ),
      meta: { label: "Actions", width: 150, sticky: "right", align: "end" },
    }),
  ];
}
