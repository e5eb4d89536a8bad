"use client";

// What the container list's cells need beyond their row, handed down by context so that rows
// stay memoised: a usage figure arriving re-renders the usage cells, not every row.
import { createContext, useContext } from "react";
import type { ActionSpec } from "./container-actions";
import type { ContainerRow } from "./container-list-model";
import type { UsageItem } from "./stats/use-container-usage";

export interface ContainerRowActions {
  /** Run (or ask to confirm) a lifecycle action on a row. */
  choose: (row: ContainerRow, action: ActionSpec) => void;
  /** Open the Update dialog for a row. */
  update: (row: ContainerRow) => void;
  /** Open the Recreate dialog for a row. */
  recreate: (row: ContainerRow) => void;
}

export const ContainerRowActionsContext = createContext<ContainerRowActions>({
  choose: () => undefined,
  update: () => undefined,
  recreate: () => undefined,
});
export const useContainerRowActions = () => useContext(ContainerRowActionsContext);

export const ContainerUsageContext = createContext<ReadonlyMap<string, UsageItem>>(new Map());
export const useContainerUsageMap = () => useContext(ContainerUsageContext);
