"use client";

import { columnHelper } from "../../data-table/features";
import type { ContainerRow } from "../container-list-model";
import { RowActionsMenu } from "../row-actions-menu";

export const actionsColumn = columnHelper<ContainerRow>().display({
  id: "actions",
  enableHiding: false,
  cell: ({ row }) => <RowActionsMenu row={row.original} />,
  meta: { label: "Actions", width: 48, sticky: "right", align: "end" },
});
