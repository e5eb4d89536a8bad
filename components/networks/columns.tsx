"use client";

import type { RouterOutputs } from "../api-types";
import { columnHelper, type DataColumn } from "../data-table/features";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";

export type NetworkRow = RouterOutputs["networks"]["list"]["items"][number];

export const networkKey = (row: Pick<NetworkRow, "environmentId" | "id">) => `${row.environmentId}/${row.id}`;

/** The engine's own networks: shown, never removed. */
export const isPredefined = (row: NetworkRow) => ["bridge", "host", "none"].includes(row.name) || row.ingress;

export interface NetworkRowActions {
  open: (row: NetworkRow) => void;
  remove: (row: NetworkRow) => void;
  mayRemove: (row: NetworkRow) => boolean;
}

const column = columnHelper<NetworkRow>();

export function networkColumns(envName: (id: string) => string, actions: NetworkRowActions): DataColumn<NetworkRow>[] {
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
          title={`${row.original.name} (${row.original.id.slice(0, 12)})`}
          onClick={() => actions.open(row.original)}
        >
          {row.original.name}
        </button>
      ),
      meta: { label: "Name", minWidth: 200, sticky: "left" },
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
      meta: { label: "Driver", width: 90, priority: 40 },
    }),
    column.accessor("scope", {
      id: "scope",
      header: "Scope",
      cell: ({ row }) => row.original.scope,
      meta: { label: "Scope", width: 80, priority: 60 },
    }),
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
          {!isPredefined(row.original) && actions.mayRemove(row.original) ? (
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
