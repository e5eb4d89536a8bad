import { columnHelper } from "../../data-table/features";
import { matchesFilter, type ContainerRow } from "../container-list-model";

/** The environment's name; sorted by name, filtered by id (the URL's `env`). */
export const environmentColumn = (envName: (id: string) => string) =>
  columnHelper<ContainerRow>().accessor("environmentId", {
    id: "env",
    header: "Environment",
    sortFn: (a, b) => envName(a.original.environmentId).localeCompare(envName(b.original.environmentId)),
    filterFn: (row, _id, value: string) => matchesFilter("env", row.original, value),
    cell: ({ row }) => (
      <span className="block truncate text-muted" title={envName(row.original.environmentId)}>
        {envName(row.original.environmentId)}
      </span>
    ),
    meta: { label: "Environment", width: 110, priority: 30 },
  });
