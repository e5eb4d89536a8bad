"use client";

import { useWindowVirtualizer } from "@tanstack/react-virtual";
import { ArrowDown, ArrowUp, ArrowUpDown } from "lucide-react";
import Link from "next/link";
import { useEffect, useLayoutEffect, useRef, useState, type ReactNode } from "react";
import type { ActionSpec } from "./container-actions";
import { formatPorts, projectOf, rowKey, type ContainerRow, type ListView, type SortKey } from "./container-list-model";
import type { ColumnKey } from "./columns";
import { detailsHref } from "./details/format";
import { RowActionsMenu } from "./row-actions-menu";
import { ContainerStateBadge } from "./state-badge";
import { formatDateTime, formatRelative } from "../ui/format";
import { ActionsHeader, Td, Th } from "../ui/table";

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

/** Rows drawn beyond the window, so a quick scroll or a keyboard jump does not show blanks. */
const OVERSCAN = 12;
const ESTIMATED_ROW_PX = 45;

/**
 * Every container the viewer may see, one row each, virtualised against the window's scroll:
 * only the rows near the viewport are in the DOM, so thousands of containers scroll smoothly,
 * while the page keeps one scroll bar and the header sticks.
 */
export function ContainersTable({
  rows,
  total,
  view,
  columns,
  onSort,
  envName,
  actionsFor,
  consoleHrefFor,
  onChoose,
  selected,
  onSelect,
  usage,
  onRowsDrawn,
}: {
  rows: ContainerRow[];
  total: number;
  view: ListView;
  columns: ReadonlySet<ColumnKey>;
  onSort: (key: SortKey) => void;
  envName: (id: string) => string;
  actionsFor: (row: ContainerRow) => ActionSpec[];
  consoleHrefFor: (row: ContainerRow) => string | null;
  onChoose: (row: ContainerRow, action: ActionSpec) => void;
  selected: ReadonlySet<string>;
  onSelect: (keys: string[], on: boolean) => void;
  /** the compact CPU/memory cell for a row, when the usage column is shown */
  usage?: (row: ContainerRow) => ReactNode;
  /** told which rows are drawn now, to fetch what only they need (usage) */
  onRowsDrawn?: (rows: ContainerRow[]) => void;
}) {
  const tableRef = useRef<HTMLTableElement>(null);
  const [scrollMargin, setScrollMargin] = useState(0);
  useLayoutEffect(() => {
    const measure = () => setScrollMargin((tableRef.current?.getBoundingClientRect().top ?? 0) + window.scrollY);
    measure();
    window.addEventListener("resize", measure);
    return () => window.removeEventListener("resize", measure);
  }, []);
  const virtualizer = useWindowVirtualizer({
    count: rows.length,
    estimateSize: () => ESTIMATED_ROW_PX,
    overscan: OVERSCAN,
    scrollMargin,
    getItemKey: (index) => rowKey(rows[index]!),
  });
  const items = virtualizer.getVirtualItems();
  const before = items.length ? items[0]!.start - scrollMargin : 0;
  const after = items.length ? virtualizer.getTotalSize() - (items[items.length - 1]!.end - scrollMargin) : 0;
  const drawn = items.map((item) => rowKey(rows[item.index]!)).join(" ");
  useEffect(() => {
    if (!onRowsDrawn) return;
    const keys = new Set(drawn.split(" "));
    onRowsDrawn(rows.filter((row) => keys.has(rowKey(row))));
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only when the drawn set changes
  }, [drawn]);
  const show = (key: ColumnKey) => columns.has(key);
  const width = 3 + [...columns].length;

  const keys = rows.map(rowKey);
  const chosen = keys.filter((k) => selected.has(k)).length;
  const allChosen = rows.length > 0 && chosen === rows.length;

  return (
    <>
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
        <table
          ref={tableRef}
          aria-label="Containers"
          aria-rowcount={rows.length + 1}
          className="w-full text-left text-sm"
        >
          <thead>
            <tr>
              <Th className="w-8">
                <input
                  type="checkbox"
                  aria-label={allChosen ? "Select none" : "Select all shown"}
                  checked={allChosen}
                  ref={(box) => {
                    if (box) box.indeterminate = chosen > 0 && !allChosen;
                  }}
                  onChange={(e) => onSelect(keys, e.target.checked)}
                  className="size-4 accent-sky-600"
                />
              </Th>
              {show("environment") ? (
                <SortHeader label="Environment" sortKey="environment" view={view} onSort={onSort} />
              ) : null}
              <SortHeader label="Name" sortKey="name" view={view} onSort={onSort} />
              {show("image") ? <SortHeader label="Image" sortKey="image" view={view} onSort={onSort} /> : null}
              {show("state") ? <SortHeader label="State" sortKey="state" view={view} onSort={onSort} /> : null}
              {show("usage") ? <Th>CPU / memory</Th> : null}
              {show("status") ? <Th>Status</Th> : null}
              {show("ports") ? <Th>Ports</Th> : null}
              {show("ip") ? <Th>IP</Th> : null}
              {show("created") ? <SortHeader label="Created" sortKey="created" view={view} onSort={onSort} /> : null}
              {show("project") ? <Th>Stack / project</Th> : null}
              <ActionsHeader />
            </tr>
          </thead>
          <tbody>
            {before > 0 ? (
              <tr aria-hidden>
                <td colSpan={width} style={{ height: before, padding: 0 }} />
              </tr>
            ) : null}
            {items.map((item) => {
              const row = rows[item.index]!;
              const key = rowKey(row);
              const ports = formatPorts(row.ports);
              const created = new Date(row.created * 1000);
              const project = projectOf(row);
              const isChosen = selected.has(key);
              return (
                <tr
                  key={key}
                  data-index={item.index}
                  ref={virtualizer.measureElement}
                  aria-rowindex={item.index + 2}
                  aria-selected={isChosen}
                  className={isChosen ? "bg-sky-50 dark:bg-sky-950/40" : "hover:bg-slate-50 dark:hover:bg-slate-800/40"}
                >
                  <Td className="w-8">
                    <input
                      type="checkbox"
                      aria-label={`Select ${row.name}`}
                      checked={isChosen}
                      onChange={(e) => onSelect([key], e.target.checked)}
                      className="size-4 accent-sky-600"
                    />
                  </Td>
                  {show("environment") ? (
                    <Td className="whitespace-nowrap text-slate-600 dark:text-slate-400">
                      {envName(row.environmentId)}
                    </Td>
                  ) : null}
                  <Td className="font-medium">
                    <Link
                      href={detailsHref(row.environmentId, row.id)}
                      className="block max-w-52 truncate hover:underline"
                      title={`${row.name} (${row.id.slice(0, 12)})`}
                    >
                      {row.name}
                    </Link>
                  </Td>
                  {show("image") ? (
                    <Td className="font-mono text-xs">
                      <span className="block max-w-52 truncate" title={row.image}>
                        {row.image}
                      </span>
                    </Td>
                  ) : null}
                  {show("state") ? (
                    <Td>
                      <ContainerStateBadge state={row.state} health={row.health} />
                    </Td>
                  ) : null}
                  {show("usage") ? <Td className="whitespace-nowrap">{usage ? usage(row) : "—"}</Td> : null}
                  {show("status") ? (
                    <Td className="whitespace-nowrap text-slate-600 dark:text-slate-400">{row.status}</Td>
                  ) : null}
                  {show("ports") ? (
                    <Td className="font-mono text-xs">
                      {ports.length
                        ? ports.map((p) => (
                            <span key={p} className="block whitespace-nowrap">
                              {p}
                            </span>
                          ))
                        : "—"}
                    </Td>
                  ) : null}
                  {show("ip") ? (
                    <Td className="font-mono text-xs whitespace-nowrap">
                      {row.networks.filter((n) => n.ip).length
                        ? row.networks
                            .filter((n) => n.ip)
                            .map((n) => (
                              <span key={n.networkId || n.name} className="block" title={n.name}>
                                {n.ip}
                              </span>
                            ))
                        : "—"}
                    </Td>
                  ) : null}
                  {show("created") ? (
                    <Td className="whitespace-nowrap" title={formatDateTime(created)}>
                      {formatRelative(created)}
                    </Td>
                  ) : null}
                  {show("project") ? (
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
                        (project ?? "—")
                      )}
                    </Td>
                  ) : null}
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
            {after > 0 ? (
              <tr aria-hidden>
                <td colSpan={width} style={{ height: after, padding: 0 }} />
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
      <p className="mt-2 text-xs text-slate-500 dark:text-slate-400" data-testid="row-count">
        {rows.length === total ? `${total} containers` : `${rows.length} of ${total} containers`}
        {chosen ? ` · ${chosen} selected` : ""}
      </p>
    </>
  );
}
