// The container list's columns, in order: one file per column. A column says how it is drawn,
// sorted and filtered, its width, and how soon it goes on a narrow screen (priority).
import type { DataColumn } from "../../data-table/features";
import type { ContainerRow } from "../container-list-model";
import { actionsColumn } from "./actions";
import { createdColumn } from "./created";
import { environmentColumn } from "./environment";
import { imageColumn } from "./image";
import { ipColumn } from "./ip";
import { labelsColumn } from "./labels";
import { nameColumn } from "./name";
import { portsColumn } from "./ports";
import { projectColumn } from "./project";
import { stateColumn } from "./state";
import { statusColumn } from "./status";
import { usageColumn } from "./usage";

/** Kept in this browser under this key: the ids of the optional columns shown. */
export const COLUMNS_STORAGE_KEY = "stevedore.containers.columns";

/** The columns, given how to name an environment (sorting by environment sorts by its name). */
export function containerColumns(envName: (id: string) => string): DataColumn<ContainerRow>[] {
  return [
    nameColumn,
    environmentColumn(envName),
    imageColumn,
    stateColumn,
    usageColumn,
    statusColumn,
    portsColumn,
    ipColumn,
    createdColumn,
    projectColumn,
    labelsColumn,
    actionsColumn,
  ];
}
