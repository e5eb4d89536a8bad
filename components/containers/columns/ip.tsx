import { columnHelper } from "../../data-table/features";
import type { ContainerRow } from "../container-list-model";

function Addresses({ row }: { row: ContainerRow }) {
  const addresses = row.networks.filter((n) => n.ip);
  if (!addresses.length) return <span className="text-faint">—</span>;
  return (
    <span className="block truncate font-mono text-xs" title={addresses.map((n) => `${n.ip} (${n.name})`).join("\n")}>
      {addresses[0]!.ip}
      {addresses.length > 1 ? <span className="font-sans text-subtle"> +{addresses.length - 1}</span> : null}
    </span>
  );
}

export const ipColumn = columnHelper<ContainerRow>().display({
  id: "ip",
  header: "IP",
  cell: ({ row }) => <Addresses row={row.original} />,
  meta: { label: "IP", width: 130, priority: 85, defaultHidden: true },
});
