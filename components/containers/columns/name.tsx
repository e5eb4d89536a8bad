"use client";

import { useViewer } from "../../auth/viewer-context";
import { columnHelper } from "../../data-table/features";
import type { ContainerRow } from "../container-list-model";
import { detailsHref } from "../details/format";
import { holdsOn } from "../holds-on";
import { RowLink } from "../../ui/row-link";
import { RowIcon } from "../row-icons";

const quickClass = "inline-grid size-7 shrink-0 place-items-center rounded-md text-subtle hover:bg-hover hover:text-fg";

/**
 * The name (to the details page) and, beside it, the pages opened most: logs, console, stats.
 * Plain links (RowLink): rows scroll past by the hundred; none prefetches.
 */
function NameCell({ row }: { row: ContainerRow }) {
  const viewer = useViewer();
  const base = detailsHref(row.environmentId, row.id);
  const running = row.state === "running";
  const logs = holdsOn(viewer, "container.logs", row.environmentId);
  const console = running && holdsOn(viewer, "container.exec", row.environmentId);
  return (
    <div className="flex items-center gap-1">
      <RowLink
        href={base}
        className="min-w-0 flex-1 truncate font-medium hover:underline"
        title={`${row.name} (${row.id.slice(0, 12)})`}
      >
        {row.name}
      </RowLink>
      {logs ? (
        <RowLink href={`${base}/logs`} className={quickClass} aria-label={`Logs of ${row.name}`} title="Logs">
          <RowIcon name="logs" />
        </RowLink>
      ) : null}
      {console ? (
        <RowLink href={`${base}/console`} className={quickClass} aria-label={`Console of ${row.name}`} title="Console">
          <RowIcon name="console" />
        </RowLink>
      ) : null}
      {running ? (
        <RowLink href={`${base}/stats`} className={quickClass} aria-label={`Stats of ${row.name}`} title="Stats">
          <RowIcon name="stats" />
        </RowLink>
      ) : null}
    </div>
  );
}

export const nameColumn = columnHelper<ContainerRow>().accessor("name", {
  id: "name",
  header: "Name",
  enableHiding: false,
  sortFn: (a, b) => a.original.name.localeCompare(b.original.name),
  cell: ({ row }) => <NameCell row={row.original} />,
  meta: { label: "Name", minWidth: 180, sticky: "left" },
});
