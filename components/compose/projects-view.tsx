"use client";

// Compose projects of the standalone engines the viewer may read containers on, grouped by their
// `com.docker.compose.project` label, whoever brought them up.
import { useQuery } from "@tanstack/react-query";
import { Blocks } from "lucide-react";
import Link from "next/link";
import type { RouterOutputs } from "../api-types";
import { DataTable } from "../data-table/data-table";
import { columnHelper, type DataColumn } from "../data-table/features";
import { TableStates } from "../data-table/table-states";
import { useDataTable } from "../data-table/use-data-table";
import { PageHeader } from "../page-header";
import { useTRPC } from "../trpc";
import { Alert } from "../ui/alert";
import { projectHref } from "./project-href";
import { ProjectStateBadge } from "./project-state-badge";

type ProjectRow = RouterOutputs["composeProjects"]["list"]["items"][number];

const column = columnHelper<ProjectRow>();
const projectColumns: DataColumn<ProjectRow>[] = [
  column.accessor("name", {
    id: "name",
    header: "Project",
    enableHiding: false,
    cell: ({ row: { original: p } }) => (
      <Link
        className="block truncate font-medium text-primary-fg hover:underline"
        href={projectHref(p.environmentId, p.name)}
      >
        {p.name}
      </Link>
    ),
    meta: { minWidth: 160, sticky: "left" },
  }),
  column.accessor("state", {
    id: "state",
    header: "State",
    cell: ({ row: { original: p } }) => (
      <span className="flex items-center gap-2 whitespace-nowrap">
        <ProjectStateBadge state={p.state} />
        <span className="text-xs text-muted">
          {p.running}/{p.total} running
        </span>
      </span>
    ),
    meta: { width: 190, priority: 10 },
  }),
  column.accessor((p) => p.services.join(", "), {
    id: "services",
    header: "Services",
    cell: ({ getValue }) => <span className="block truncate font-mono text-xs">{getValue()}</span>,
    meta: { minWidth: 160, priority: 20 },
  }),
  column.accessor("environmentName", {
    id: "environment",
    header: "Environment",
    cell: ({ getValue }) => <span className="block truncate">{getValue()}</span>,
    meta: { minWidth: 140, priority: 30 },
  }),
  column.accessor((p) => p.workingDir ?? "", {
    id: "workingDir",
    header: "Brought up from",
    cell: ({ getValue }) => <span className="block truncate font-mono text-xs text-muted">{getValue() || "—"}</span>,
    meta: { minWidth: 180, priority: 40 },
  }),
];

const NOUN = ["project", "projects"] as const;

export function ComposeProjectsView() {
  const trpc = useTRPC();
  const projects = useQuery({ ...trpc.composeProjects.list.queryOptions(), refetchInterval: 5_000, staleTime: 0 });
  const rows = projects.data?.items;
  const model = useDataTable({ data: rows, columns: projectColumns, getRowId: (p) => `${p.environmentId}/${p.name}` });
  return (
    <>
      <PageHeader
        title="Compose projects"
        description="Containers that docker compose brought up on an engine, grouped by project: start, stop, restart or remove each as a whole."
      />
      {projects.data?.errors.map((e) => (
        <div key={e.environmentId} className="mb-3">
          <Alert title="An environment did not answer">{e.message}</Alert>
        </div>
      ))}
      <TableStates
        query={projects}
        what="the compose projects"
        total={rows?.length ?? 0}
        shown={rows?.length ?? 0}
        empty={{
          icon: Blocks,
          title: "No compose projects",
          body: "Projects show here once docker compose up has run on an engine you may see.",
        }}
      >
        <DataTable model={model} label="Compose projects" noun={NOUN} />
      </TableStates>
    </>
  );
}
