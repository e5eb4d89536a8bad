import { columnHelper } from "../../data-table/features";
import { formatPorts, type ContainerRow } from "../container-list-model";

/** The first published port, and how many more (all of them in the tooltip). */
function Ports({ row }: { row: ContainerRow }) {
  const ports = formatPorts(row.ports);
  if (!ports.length) return <span className="text-faint">—</span>;
  return (
    <span className="block truncate font-mono text-xs" title={ports.join("\n")}>
      {ports[0]}
      {ports.length > 1 ? <span className="font-sans text-subtle"> +{ports.length - 1}</span> : null}
    </span>
  );
}

export const portsColumn = columnHelper<ContainerRow>().display({
  id: "ports",
  header: "Ports",
  cell: ({ row }) => <Ports row={row.original} />,
  meta: { label: "Ports", width: 110, priority: 70 },
});
