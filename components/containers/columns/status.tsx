import { columnHelper } from "../../data-table/features";
import type { ContainerRow } from "../container-list-model";

export const statusColumn = columnHelper<ContainerRow>().accessor("status", {
  id: "status",
  header: "Status",
  enableSorting: false,
  cell: ({ row }) => (
    <span className="block truncate text-muted" title={row.original.status}>
      {row.original.status}
    </span>
  ),
  meta: { label: "Status", width: 120, priority: 60 },
});
