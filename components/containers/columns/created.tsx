import { columnHelper } from "../../data-table/features";
import { formatDateTime, formatRelative } from "../../ui/format";
import type { ContainerRow } from "../container-list-model";

export const createdColumn = columnHelper<ContainerRow>().accessor("created", {
  id: "created",
  header: "Created",
  sortFn: (a, b) => a.original.created - b.original.created,
  cell: ({ row }) => {
    const created = new Date(row.original.created * 1000);
    return (
      <span className="whitespace-nowrap" title={formatDateTime(created)}>
        {formatRelative(created)}
      </span>
    );
  },
  meta: { label: "Created", width: 120, priority: 90, defaultHidden: true },
});
