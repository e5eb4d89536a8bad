"use client";

import { HardDrive } from "lucide-react";
import type { RouterOutputs } from "../api-types";
import { columnHelper, type DataColumn } from "../data-table/features";
import { BY_DRIVER_VIEW, removalOfNamed, type FleetResourceSpec } from "../resources/fleet-resource-list";
import { labelsMatch } from "../resources/list-kit";
import {
  driverAndScopeColumns,
  environmentColumn,
  nameColumn,
  rowActionsColumn,
  type FleetRowActions,
} from "../resources/fleet-columns";
import { formatRelative } from "../ui/format";

export type VolumeRow = RouterOutputs["volumes"]["list"]["items"][number];

export const volumeKey = (row: Pick<VolumeRow, "environmentId" | "name">) => `${row.environmentId}/${row.name}`;

export const projectOfVolume = (row: VolumeRow) => row.stack?.namespace ?? row.compose?.project ?? null;

export type VolumeRowActions = FleetRowActions<VolumeRow>;

const column = columnHelper<VolumeRow>();

/** The volumes list's columns; `actions` must be stable (a new object redraws every row). */
export function volumeColumns(envName: (id: string) => string, actions: VolumeRowActions): DataColumn<VolumeRow>[] {
  return [
    nameColumn(actions, { title: (row) => row.name, minWidth: 220 }),
    environmentColumn(envName),
    ...driverAndScopeColumns<VolumeRow>({ driver: 100, scope: 90 }),
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
    rowActionsColumn(actions, (row) => row.name),
  ];
}

/** The volumes list: its view, search, columns and removal. */
export const volumeList: Omit<FleetResourceSpec<VolumeRow, "driver">, "remove"> = {
  title: "Volumes",
  noun: ["volume", "volumes"],
  searchLabel: "name, stack or label",
  empty: { icon: HardDrive, none: "None of the environments you may see has a volume." },
  view: BY_DRIVER_VIEW,
  getRowId: volumeKey,
  search: (row, needle) =>
    row.name.toLowerCase().includes(needle) ||
    (projectOfVolume(row)?.toLowerCase().includes(needle) ?? false) ||
    labelsMatch(row.labels, needle),
  columns: volumeColumns,
  confirmRemove: removalOfNamed("volume", "The volume and every file in it are deleted. There is no undo."),
  removePermission: "volume.delete",
  removed: (row) => `Removed ${row.name}.`,
};
