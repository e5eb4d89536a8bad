import { columnHelper } from "../../data-table/features";
import { matchesFilter, type ContainerRow } from "../container-list-model";

export const imageColumn = columnHelper<ContainerRow>().accessor("image", {
  id: "image",
  header: "Image",
  sortFn: (a, b) => a.original.image.toLowerCase().localeCompare(b.original.image.toLowerCase()),
  filterFn: (row, _id, value: string) => matchesFilter("image", row.original, value),
  cell: ({ row }) => (
    <span className="block truncate font-mono text-xs" title={row.original.image}>
      {row.original.image}
    </span>
  ),
  meta: { label: "Image", width: 130, priority: 40 },
});
