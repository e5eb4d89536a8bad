"use client";

import { Network } from "lucide-react";
import type { RouterOutputs } from "../api-types";
import { columnHelper, type DataColumn } from "../data-table/features";
import { BY_DRIVER_VIEW, removalOfNamed, type FleetResourceSpec } from "../resources/fleet-resource-list";
import { labelsMatch } from "../resources/list-kit";
import { Badge } from "../ui/badge";
import {
  driverAndScopeColumns,
  environmentColumn,
  nameColumn,
  rowActionsColumn,
  type FleetRowActions,
} from "../resources/fleet-columns";

export type NetworkRow = RouterOutputs["networks"]["list"]["items"][number];

export const networkKey = (row: Pick<NetworkRow, "environmentId" | "id">) => `${row.environmentId}/${row.id}`;

/** The engine's own networks: shown, never removed. */
export const isPredefined = (row: NetworkRow) => ["bridge", "host", "none"].includes(row.name) || row.ingress;

export type NetworkRowActions = FleetRowActions<NetworkRow>;

const column = columnHelper<NetworkRow>();

export function networkColumns(envName: (id: string) => string, actions: NetworkRowActions): DataColumn<NetworkRow>[] {
  return [
    nameColumn(actions, { title: (row) => `${row.name} (${row.id.slice(0, 12)})`, minWidth: 200 }),
    environmentColumn(envName),
    ...driverAndScopeColumns<NetworkRow>({ driver: 90, scope: 80 }),
    column.display({
      id: "subnets",
      header: "Subnets",
      cell: ({ row }) => (
        <span className="block truncate font-mono text-xs" title={row.original.subnets.join("\n")}>
          {row.original.subnets.join(", ")}
        </span>
      ),
      meta: { label: "Subnets", width: 170, priority: 35 },
    }),
    column.display({
      id: "gateway",
      header: "Gateway",
      cell: ({ row }) => (
        <span className="block truncate font-mono text-xs">
          {row.original.ipam
            .map((p) => p.gateway)
            .filter(Boolean)
            .join(", ")}
        </span>
      ),
      meta: { label: "Gateway", width: 130, priority: 55 },
    }),
    column.display({
      id: "flags",
      header: "Flags",
      cell: ({ row }) => (
        <span className="flex flex-wrap gap-1">
          {row.original.internal ? <Badge>internal</Badge> : null}
          {row.original.attachable ? <Badge tone="sky">attachable</Badge> : null}
          {row.original.encrypted ? <Badge tone="green">encrypted</Badge> : null}
          {row.original.ipv6 ? <Badge>IPv6</Badge> : null}
          {row.original.ingress ? <Badge tone="amber">ingress</Badge> : null}
        </span>
      ),
      meta: { label: "Flags", width: 200, priority: 50 },
    }),
    rowActionsColumn(
      actions,
      (row) => row.name,
      (row) => !isPredefined(row),
    ),
  ];
}

/** The networks list: its view, search, columns and removal. */
export const networkList: Omit<FleetResourceSpec<NetworkRow, "driver">, "remove"> = {
  title: "Networks",
  noun: ["network", "networks"],
  searchLabel: "name, subnet or label",
  empty: { icon: Network, none: "None of the environments you may see has a network." },
  view: BY_DRIVER_VIEW,
  getRowId: networkKey,
  search: (row, needle) =>
    row.name.toLowerCase().includes(needle) ||
    row.id.startsWith(needle) ||
    row.subnets.some((s) => s.includes(needle)) ||
    labelsMatch(row.labels, needle),
  columns: networkColumns,
  confirmRemove: removalOfNamed("network", "The network is removed; containers must be disconnected from it first."),
  removePermission: "network.delete",
  removed: (row) => `Removed ${row.name}.`,
};
