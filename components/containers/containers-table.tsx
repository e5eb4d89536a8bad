"use client";

import { ArrowDown, ArrowUp, ArrowUpDown } from "lucide-react";
import type { ActionSpec } from "./container-actions";
import { formatPorts, rowKey, type ContainerRow, type ListView, type SortKey } from "./container-list-model";
import { RowActionsMenu } from "./row-actions-menu";
import { ContainerStateBadge } from "./state-badge";
import { formatDateTime, formatRelative } from "../ui/format";
import { Table, Td, Th } from "../ui/table";

function SortHeader({
  label,
  sortKey,
  view,
  onSort,
}: {
  label: string;
  sortKey: SortKey;
  view: ListView;
  onSort: (k: SortKey) => void;
}) {
  const active = view.sort === sortKey;
  const Icon = !active ? ArrowUpDown : view.dir === "asc" ? ArrowUp : ArrowDown;
  return (
    <Th aria-sort={active ? (view.dir === "asc" ? "ascending" : "descending") : undefined}>
      <button
        type="button"
        onClick={() => onSort(sortKey)}
        className="inline-flex items-center gap-1 uppercase hover:text-slate-900 dark:hover:text-slate-100"
      >
        {label}
        <Icon aria-hidden className={`size-3 ${active ? "" : "opacity-40"}`} />
      </button>
    </Th>
  );
}

/**
 * Every container the viewer may see, one row each. Not virtualised: a fleet of a few hundred
 * containers renders quickly; thousands would want it.
 */
export function ContainersTable({
  rows,
  total,
  view,
  onSort,
  envName,
  actionsFor,
  consoleHrefFor,
  onChoose,
}: {
  rows: ContainerRow[];
  total: number;
  view: ListView;
  onSort: (key: SortKey) => void;
  envName: (id: string) => string;
  actionsFor: (row: ContainerRow) => ActionSpec[];
  consoleHrefFor: (row: ContainerRow) => string | null;
  onChoose: (row: ContainerRow, action: ActionSpec) => void;
}) {
  return (
    <>
      <Table label="Containers">
        <thead>
          <tr>
            <SortHeader label="Environment" sortKey="environment" view={view} onSort={onSort} />
            <SortHeader label="Name" sortKey="name" view={view} onSort={onSort} />
            <SortHeader label="Image" sortKey="image" view={view} onSort={onSort} />
            <SortHeader label="State" sortKey="state" view={view} onSort={onSort} />
            <Th>Status</Th>
            <Th>Ports</Th>
            <SortHeader label="Created" sortKey="created" view={view} onSort={onSort} />
            <Th>Project</Th>
            <Th>
              <span className="sr-only">Actions</span>
            </Th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const ports = formatPorts(row.ports);
            const created = new Date(row.created * 1000);
            return (
              <tr key={rowKey(row)} className="hover:bg-slate-50 dark:hover:bg-slate-800/40">
                <Td className="whitespace-nowrap text-slate-600 dark:text-slate-400">{envName(row.environmentId)}</Td>
                <Td className="font-medium">
                  <span className="block max-w-52 truncate" title={`${row.name} (${row.id.slice(0, 12)})`}>
                    {row.name}
                  </span>
                </Td>
                <Td className="font-mono text-xs">
                  <span className="block max-w-52 truncate" title={row.image}>
                    {row.image}
                  </span>
                </Td>
                <Td>
                  <ContainerStateBadge state={row.state} health={row.health} />
                </Td>
                <Td className="whitespace-nowrap text-slate-600 dark:text-slate-400">{row.status}</Td>
                <Td className="font-mono text-xs">
                  {ports.length
                    ? ports.map((p) => (
                        <span key={p} className="block whitespace-nowrap">
                          {p}
                        </span>
                      ))
                    : "—"}
                </Td>
                <Td className="whitespace-nowrap" title={formatDateTime(created)}>
                  {formatRelative(created)}
                </Td>
                <Td className="text-xs whitespace-nowrap text-slate-600 dark:text-slate-400">
                  {row.stack ? (
                    <span title="Swarm stack">
                      {row.stack.namespace}
                      {row.stack.service ? ` / ${row.stack.service}` : ""}
                    </span>
                  ) : row.compose ? (
                    <span title="Compose project">
                      {row.compose.project} / {row.compose.service}
                    </span>
                  ) : (
                    "—"
                  )}
                </Td>
                <Td>
                  <RowActionsMenu
                    row={row}
                    actions={actionsFor(row)}
                    consoleHref={consoleHrefFor(row)}
                    onChoose={(action) => onChoose(row, action)}
                  />
                </Td>
              </tr>
            );
          })}
        </tbody>
      </Table>
      <p className="mt-2 text-xs text-slate-500 dark:text-slate-400">
        {rows.length === total ? `${total} containers` : `${rows.length} of ${total} containers`}
      </p>
    </>
  );
}
