"use client";

import { useQuery } from "@tanstack/react-query";
import { Layers } from "lucide-react";
import Link from "next/link";
import type { RouterOutputs } from "../api-types";
import { DataTable } from "../data-table/data-table";
import { columnHelper } from "../data-table/features";
import { TableStates } from "../data-table/table-states";
import { SearchBox, Toolbar } from "../data-table/toolbar";
import { useDataTable } from "../data-table/use-data-table";
import { useUrlView } from "../data-table/use-url-view";
import { useTRPC } from "../trpc";
import { Alert } from "../ui/alert";
import { Badge } from "../ui/badge";
import { ReplicasBadge } from "./badges";
import { serviceHref, SERVICES_VIEW } from "./hrefs";

type ServiceRow = RouterOutputs["services"]["list"]["items"][number];
const NOUN = ["service", "services"] as const;

export function portsOf(row: Pick<ServiceRow, "ports">): string {
  return row.ports
    .map(
      (p) =>
        `${p.publishedPort ?? ""}${p.publishedPort ? ":" : ""}${p.targetPort}/${p.protocol}${p.publishMode === "host" ? " (host)" : ""}`,
    )
    .join(", ");
}

const column = columnHelper<ServiceRow>();
const COLUMNS = [
  column.accessor("name", {
    id: "name",
    header: "Name",
    cell: ({ row }) => (
      <Link
        href={serviceHref(row.original.environmentId, row.original.id)}
        prefetch={false}
        className="font-medium hover:underline"
        title={row.original.id}
      >
        {row.original.name}
      </Link>
    ),
    meta: { label: "Name", minWidth: 160 },
  }),
  column.accessor("mode", { id: "mode", header: "Mode", meta: { label: "Mode", width: 130 } }),
  column.accessor((row) => row.running, {
    id: "replicas",
    header: "Replicas",
    cell: ({ row }) => (
      <span data-testid="service-replicas">
        <ReplicasBadge {...row.original} />
      </span>
    ),
    meta: { label: "Replicas", width: 100 },
  }),
  column.accessor("image", {
    id: "image",
    header: "Image",
    cell: ({ row }) => (
      <span className="truncate font-mono text-xs">{row.original.image.replace(/@sha256:.*/, "")}</span>
    ),
    meta: { label: "Image", minWidth: 180, priority: 10 },
  }),
  column.display({
    id: "ports",
    header: "Ports",
    cell: ({ row }) => <span className="font-mono text-xs">{portsOf(row.original)}</span>,
    meta: { label: "Ports", width: 150, priority: 30 },
  }),
  column.display({
    id: "update",
    header: "Update",
    cell: ({ row }) => {
      const state = row.original.updateStatus?.state;
      if (!state) return null;
      const bad = state.includes("paused") || state === "rollback_completed";
      return <Badge tone={bad ? "red" : state.endsWith("completed") ? "green" : "sky"}>{state}</Badge>;
    },
    meta: { label: "Update", width: 160, priority: 20 },
  }),
  column.accessor((row) => row.stack?.namespace ?? "", {
    id: "stack",
    header: "Stack",
    meta: { label: "Stack", width: 120, priority: 40 },
  }),
];

const matches = (row: ServiceRow, needle: string) =>
  row.name.toLowerCase().includes(needle) || row.image.toLowerCase().includes(needle);

/** The swarm's services with their running / desired tasks, each once per cluster. */
export function ServicesTable() {
  const trpc = useTRPC();
  const list = useQuery(trpc.services.list.queryOptions());
  const { view, setView } = useUrlView(SERVICES_VIEW);
  const model = useDataTable({
    data: list.data?.items,
    columns: COLUMNS,
    getRowId: (row) => `${row.clusterId}:${row.id}`,
    view,
    onSortChange: (sort) => setView({ sort }),
    search: matches,
  });
  return (
    <div className="space-y-3">
      <Toolbar>
        <SearchBox
          label="Search services by name or image"
          placeholder="Search name or image"
          value={view.q}
          onChange={(q) => setView({ q })}
        />
      </Toolbar>
      {(list.data?.errors ?? []).map((e) => (
        <Alert key={e.clusterId} tone="warning" title="A swarm did not answer">
          {e.message}
        </Alert>
      ))}
      <TableStates
        query={list}
        what="the services"
        total={model.total}
        shown={model.rows.length}
        empty={{ icon: Layers, title: "No services", body: "No swarm you may see runs a service yet." }}
        onClearFilters={() => setView({ q: "" })}
      >
        <DataTable model={model} label="Services" noun={NOUN} />
      </TableStates>
    </div>
  );
}
