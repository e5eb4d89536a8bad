import { columnHelper } from "../../data-table/features";
import { matchesFilter, type ContainerRow } from "../container-list-model";

/** Never shown: it exists for the label filter (`key` or `key=value`). */
export const labelsColumn = columnHelper<ContainerRow>().accessor("labels", {
  id: "label",
  enableSorting: false,
  enableGlobalFilter: false,
  enableHiding: false,
  filterFn: (row, _id, value: string) => matchesFilter("label", row.original, value),
  meta: { label: "Labels", filterOnly: true },
});
