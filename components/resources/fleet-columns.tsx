"use client";

// The columns every fleet-wide resource list (images, volumes, networks) has in common: the
// name that opens the row, its environment, driver and scope, and the row's Open / Remove…
// buttons. Each list's own columns (components/<resource>/columns.tsx) sit between them.
import type { RowData } from "@tanstack/react-table";
import { columnHelper, type DataColumn } from "../data-table/features";
import { Button } from "../ui/button";

/** What a list's row buttons do; must be stable (a new object redraws every row). */
export interface FleetRowActions<T> {
  open: (row: T) => void;
  remove: (row: T) => void;
  mayRemove: (row: T) => boolean;
}

interface Named {
  environmentId: string;
  name: string;
}

/** The row's name, a button that opens it; kept in view while the table scrolls sideways. */
export function nameColumn<T extends Named>(
  actions: Pick<FleetRowActions<T>, "open">,
  { title, minWidth }: { title: (row: T) => string; minWidth: number },
): DataColumn<T> {
  const column = columnHelper<T>();
  return column.accessor((row) => row.name, {
    id: "name",
    header: "Name",
    enableHiding: false,
    sortFn: (a, b) => a.original.name.localeCompare(b.original.name),
    cell: ({ row }) => (
      <button
        type="button"
        className="block max-w-full truncate text-left font-medium hover:underline"
        title={title(row.original)}
        onClick={() => actions.open(row.original)}
      >
        {row.original.name}
      </button>
    ),
    meta: { label: "Name", minWidth, sticky: "left" },
  });
}

/** The environment's name; its filter is the list's `env` one. */
export function environmentColumn<T extends { environmentId: string }>(envName: (id: string) => string): DataColumn<T> {
  const column = columnHelper<T>();
  return column.accessor((row) => row.environmentId, {
    id: "env",
    header: "Environment",
    sortFn: (a, b) => envName(a.original.environmentId).localeCompare(envName(b.original.environmentId)),
    filterFn: (row, _id, value: string) => !value || row.original.environmentId === value,
    cell: ({ row }) => <span className="block truncate text-muted">{envName(row.original.environmentId)}</span>,
    meta: { label: "Environment", width: 140, priority: 30 },
  });
}

/** The driver (filtered by the list's `driver` filter) and the scope, as volumes and networks have. */
export function driverAndScopeColumns<T extends { driver: string; scope: string }>(widths: {
  driver: number;
  scope: number;
}): DataColumn<T>[] {
  const column = columnHelper<T>();
  return [
    column.accessor((row) => row.driver, {
      id: "driver",
      header: "Driver",
      sortFn: (a, b) => a.original.driver.localeCompare(b.original.driver),
      filterFn: (row, _id, value: string) => !value || row.original.driver === value,
      cell: ({ row }) => <span className="font-mono text-xs">{row.original.driver}</span>,
      meta: { label: "Driver", width: widths.driver, priority: 40 },
    }),
    column.accessor((row) => row.scope, {
      id: "scope",
      header: "Scope",
      cell: ({ row }) => row.original.scope,
      meta: { label: "Scope", width: widths.scope, priority: 60 },
    }),
  ];
}

/**
 * Open, and Remove… where the caller may (`removable` says where the engine would refuse
 * anyway, as for its own networks); `label` names the row to a screen reader.
 */
export function rowActionsColumn<T extends RowData>(
  actions: FleetRowActions<T>,
  label: (row: T) => string,
  removable: (row: T) => boolean = () => true,
): DataColumn<T> {
  const column = columnHelper<T>();
  return column.display({
    id: "actions",
    header: () => <span className="sr-only">Actions</span>,
    enableHiding: false,
    cell: ({ row }) => (
      <div className="flex justify-end gap-1">
        <Button
          size="sm"
          variant="quiet"
          onClick={() => actions.open(row.original)}
          aria-label={`Open ${label(row.original)}`}
        >
          Open
        </Button>
        {removable(row.original) && actions.mayRemove(row.original) ? (
          <Button
            size="sm"
            variant="quiet-danger"
            onClick={() => actions.remove(row.original)}
            aria-label={`Remove ${label(row.original)}`}
          >
            Remove…
          </Button>
        ) : null}
      </div>
    ),
    meta: { label: "Actions", width: 150, sticky: "right", align: "end" },
  });
}
