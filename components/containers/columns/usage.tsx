"use client";

import { columnHelper } from "../../data-table/features";
import type { ContainerRow } from "../container-list-model";
import { useContainerUsageMap } from "../containers-table-context";
import { UsageCell } from "../stats/usage-cell";
import { usageKey } from "../stats/use-container-usage";

/** Reads the usage figures from context: a new sample re-renders these cells, not the rows. */
function Usage({ row }: { row: ContainerRow }) {
  const usage = useContainerUsageMap();
  return <UsageCell usage={usage.get(usageKey(row.environmentId, row.id))} running={row.state === "running"} />;
}

export const usageColumn = columnHelper<ContainerRow>().display({
  id: "usage",
  header: "CPU / memory",
  cell: ({ row }) => <Usage row={row.original} />,
  meta: { label: "CPU / memory", width: 120, priority: 50 },
});
