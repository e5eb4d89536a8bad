"use client";

import { useQuery } from "@tanstack/react-query";
import { Layers3, Plus } from "lucide-react";
import Link from "next/link";
import { useMemo } from "react";
import type { RouterOutputs } from "../api-types";
import { holdsSomewhere } from "../auth/viewer";
import { useViewer } from "../auth/viewer-context";
import { DataTable } from "../data-table/data-table";
import { columnHelper, type DataColumn } from "../data-table/features";
import { TableStates } from "../data-table/table-states";
import { useDataTable } from "../data-table/use-data-table";
import { PageHeader } from "../page-header";
import { useTRPC } from "../trpc";
import { Alert } from "../ui/alert";
import { ButtonLink } from "../ui/button";
import { formatDateTime } from "../ui/format";
import { StackStateBadge } from "./stack-state-badge";

type StackRow = RouterOutputs["stacks"]["list"]["items"][number] & { swarm: string };

export const stackHref = (environmentId: string, name: string) =>
  `/stacks/${encodeURIComponent(environmentId)}/${encodeURIComponent(name)}`;

const column = columnHelper<StackRow>();
const stackColumns: DataColumn<StackRow>[] = [
  column.accessor((s) => s.name.toLowerCase(), {
    id: "name",
    header: "Name",
    enableHiding: false,
    cell: ({ row: { original: s } }) => (
      <Link
        className="block truncate font-medium text-primary-fg hover:underline"
        href={stackHref(s.environmentId, s.name)}
      >
        {s.name}
      </Link>
    ),
    meta: { minWidth: 160, sticky: "left" },
  }),
  column.accessor("state", {
    id: "state",
    header: "State",
    cell: ({ row: { original: s } }) => (
      <div className="flex min-w-0 items-center gap-2">
        <StackStateBadge state={s.state} />
        {s.failure ? (
          <span className="truncate text-xs text-danger-fg" title={s.failure.error}>
            {s.failure.service}: {s.failure.error}
          </span>
        ) : null}
      </div>
    ),
    meta: { minWidth: 180, priority: 10 },
  }),
  column.accessor((s) => s.services.length, {
    id: "services",
    header: "Services",
    cell: ({ row: { original: s } }) => (
      <span className="whitespace-nowrap">
        {s.services.length} · {s.running}/{s.desired} tasks running
      </span>
    ),
    meta: { width: 200, priority: 20 },
  }),
  column.accessor("swarm", {
    id: "swarm",
    header: "Swarm (manager)",
    cell: ({ row }) => <span className="block truncate">{row.original.swarm}</span>,
    meta: { minWidth: 140, priority: 30 },
  }),
  column.accessor((s) => s.latest?.version ?? 0, {
    id: "version",
    header: "Deployed",
    cell: ({ row: { original: s } }) =>
      s.latest ? (
        <span className="block truncate">
          v{s.latest.version} by {s.latest.deployedBy}, {formatDateTime(s.latest.deployedAt)}
        </span>
      ) : (
        <span className="text-subtle">outside Stevedore</span>
      ),
    meta: { minWidth: 220, priority: 40 },
  }),
];

const stackId = (s: StackRow) => `${s.clusterId}/${s.name}`;
const NOUN = ["stack", "stacks"] as const;

/** Every stack of every swarm the viewer may read stacks on, whoever deployed it. */
export function StacksView() {
  const trpc = useTRPC();
  const viewer = useViewer();
  const stacks = useQuery({ ...trpc.stacks.list.queryOptions(), refetchInterval: 5_000, staleTime: 0 });
  const clusters = stacks.data?.clusters ?? [];
  const rows = useMemo<StackRow[] | undefined>(
    () =>
      stacks.data?.items.map((s) => ({
        ...s,
        swarm: stacks.data.clusters.find((c) => c.clusterId === s.clusterId)?.name ?? s.clusterId.slice(0, 12),
      })),
    [stacks.data],
  );
  const model = useDataTable({ data: rows, columns: stackColumns, getRowId: stackId });
  return (
    <>
      <PageHeader
        title="Stacks"
        description="Compose files deployed to swarms, by Stevedore or with docker stack deploy."
      >
        {holdsSomewhere(viewer, "stack.deploy") ? (
          <ButtonLink variant="primary" href="/stacks/new">
            <Plus aria-hidden className="size-4" />
            Deploy a stack
          </ButtonLink>
        ) : null}
      </PageHeader>
      {stacks.data?.errors.map((e) => (
        <div key={e.clusterId} className="mb-3">
          <Alert title="A swarm did not answer">{e.message}</Alert>
        </div>
      ))}
      <TableStates
        query={stacks}
        what="the stacks"
        total={rows?.length ?? 0}
        shown={rows?.length ?? 0}
        empty={{
          icon: Layers3,
          title: clusters.length ? "No stacks yet" : "No swarm to show",
          body: clusters.length
            ? "Deploy a compose file to a swarm, or deploy one with docker stack deploy: it shows here too."
            : "Stacks live on swarms: add a swarm manager's endpoint as an environment (or ask for a role on one).",
        }}
      >
        <DataTable model={model} label="Stacks" noun={NOUN} />
      </TableStates>
    </>
  );
}
