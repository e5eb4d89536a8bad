import { columnHelper } from "../../data-table/features";
import { matchesFilter, type ContainerRow } from "../container-list-model";
import { ContainerStateBadge } from "../state-badge";

export const stateColumn = columnHelper<ContainerRow>().accessor("state", {
  id: "state",
  header: "State",
  sortFn: (a, b) => a.original.state.localeCompare(b.original.state),
  filterFn: (row, _id, value: string) => matchesFilter("state", row.original, value),
  cell: ({ row }) => <ContainerStateBadge state={row.original.state} health={row.original.health} />,
  meta: { label: "State", width: 100, priority: 20 },
});
