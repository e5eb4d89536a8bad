import { projectHref } from "../../compose/project-href";
import { columnHelper } from "../../data-table/features";
import { matchesFilter, projectOf, type ContainerRow } from "../container-list-model";
import { RowLink } from "../../ui/row-link";

function Project({ row }: { row: ContainerRow }) {
  const text = row.stack
    ? `${row.stack.namespace}${row.stack.service ? ` / ${row.stack.service}` : ""}`
    : row.compose
      ? `${row.compose.project} / ${row.compose.service}`
      : null;
  if (!text) return <span className="text-faint">—</span>;
  if (!row.stack && row.compose) {
    return (
      <RowLink
        className="block truncate text-xs text-primary-fg hover:underline"
        href={projectHref(row.environmentId, row.compose.project)}
        title={`Compose project: ${text}`}
      >
        {text}
      </RowLink>
    );
  }
  return (
    <span
      className="block truncate text-xs text-muted"
      title={`${row.stack ? "Swarm stack" : "Compose project"}: ${text}`}
    >
      {text}
    </span>
  );
}

/** The swarm stack or compose project; filtered by the URL's `stack`. */
export const projectColumn = columnHelper<ContainerRow>().accessor((row) => projectOf(row) ?? "", {
  id: "stack",
  enableSorting: false,
  header: "Stack / project",
  filterFn: (row, _id, value: string) => matchesFilter("stack", row.original, value),
  cell: ({ row }) => <Project row={row.original} />,
  meta: { label: "Stack / project", width: 150, priority: 80, defaultHidden: true },
});
