"use client";

import { useMemo, useState } from "react";
import { DataTable } from "../data-table/data-table";
import type { DataTableModel } from "../data-table/use-data-table";
import type { ContainerRow } from "./container-list-model";
import {
  ContainerRowActionsContext,
  ContainerUsageContext,
  type ContainerRowActions,
} from "./containers-table-context";
import { useContainerUsage } from "./stats/use-container-usage";
import { IconSprite } from "../ui/sprite-icon";
import { ROW_ICONS } from "./row-icons";

const NOUN = ["container", "containers"] as const;
/**
 * Every row's height: the tallest cell (a running container's CPU / memory figures, 33 px; the
 * actions button is 32) inside the cells' padding, and the border.
 */
const ROW_PX = 50;

/**
 * The containers table: the shared DataTable with the columns in ./columns, the row actions
 * the list handles, and CPU / memory fetched only for the running rows drawn now, and only
 * while that column is shown.
 */
export function ContainersTable({
  model,
  actions,
  partial = false,
}: {
  model: DataTableModel<ContainerRow>;
  /** Stable (memoised): a new object re-renders every row's menu. */
  actions: ContainerRowActions;
  /** The rows are the first screen only, the whole list still on its way: no count is claimed. */
  partial?: boolean;
}) {
  const [drawn, setDrawn] = useState<ContainerRow[]>([]);
  const drawnRunning = useMemo(() => drawn.filter((row) => row.state === "running"), [drawn]);
  const usageShown = model.table.getVisibleLeafColumns().some((c) => c.id === "usage");
  const usage = useContainerUsage(drawnRunning, { enabled: usageShown });
  return (
    <ContainerRowActionsContext value={actions}>
      <ContainerUsageContext value={usage}>
        <IconSprite icons={ROW_ICONS} />
        <DataTable
          model={model}
          label="Containers"
          noun={partial ? undefined : NOUN}
          footer={partial ? `The first ${model.rows.length} shown; loading the rest…` : undefined}
          onRowsDrawn={setDrawn}
          rowHeight={ROW_PX}
        />
      </ContainerUsageContext>
    </ContainerRowActionsContext>
  );
}
