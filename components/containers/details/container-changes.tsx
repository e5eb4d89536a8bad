"use client";

import { useQuery } from "@tanstack/react-query";
import { FileDiff, Search } from "lucide-react";
import { useMemo, useState } from "react";
import { EmptyState } from "../../empty-state";
import { useTRPC } from "../../trpc";
import { Alert } from "../../ui/alert";
import { Badge } from "../../ui/badge";
import { Button } from "../../ui/button";
import { controlClass } from "../../ui/field";
import { Loading } from "../../ui/loading";
import { QueryError } from "../../ui/query-error";
import { Table, Th } from "../../ui/table";
import { Cell } from "./cells";

const KINDS = {
  A: { label: "Added", tone: "green" },
  C: { label: "Changed", tone: "amber" },
  D: { label: "Deleted", tone: "red" },
} as const;

/** `docker diff`: what the container's writable layer added, changed and deleted. */
export function ContainerChanges({ environmentId, containerId }: { environmentId: string; containerId: string }) {
  const trpc = useTRPC();
  const diff = useQuery({ ...trpc.containers.changes.queryOptions({ environmentId, id: containerId }), retry: false });
  const [needle, setNeedle] = useState("");
  const [kind, setKind] = useState<"" | "A" | "C" | "D">("");
  const shown = useMemo(
    () =>
      (diff.data?.changes ?? []).filter(
        (c) => (!kind || c.kind === kind) && (!needle || c.path.toLowerCase().includes(needle.toLowerCase())),
      ),
    [diff.data, kind, needle],
  );
  if (diff.isPending) return <Loading label="Loading filesystem changes…" />;
  if (diff.isError) {
    return <QueryError error={diff.error} what="the filesystem changes" onRetry={() => void diff.refetch()} />;
  }
  const counts = { A: 0, C: 0, D: 0 };
  for (const c of diff.data.changes) counts[c.kind]++;
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h2 className="text-base font-semibold">Filesystem changes</h2>
          <p className="text-sm text-muted">
            What differs from the image (<code className="font-mono text-xs">docker diff</code>): {counts.A} added,{" "}
            {counts.C} changed, {counts.D} deleted. Volumes and bind mounts are not included.
          </p>
        </div>
        <div className="flex flex-wrap items-center gap-2">
          <label className="relative block w-64">
            <span className="sr-only">Filter paths</span>
            <Search aria-hidden className="pointer-events-none absolute top-2 left-2.5 size-4 text-faint" />
            <input
              type="search"
              value={needle}
              onChange={(e) => setNeedle(e.target.value)}
              placeholder="Filter paths"
              className={`${controlClass} pl-8`}
            />
          </label>
          <label className="flex items-center gap-2 text-sm text-fg">
            Kind
            <select
              value={kind}
              onChange={(e) => setKind(e.target.value as typeof kind)}
              className={`${controlClass} w-32`}
            >
              <option value="">All</option>
              <option value="A">Added</option>
              <option value="C">Changed</option>
              <option value="D">Deleted</option>
            </select>
          </label>
          <Button size="sm" onClick={() => void diff.refetch()} pending={diff.isFetching}>
            Refresh
          </Button>
        </div>
      </div>
      {diff.data.truncated ? (
        <Alert tone="warning" title="Only part of the changes is shown">
          The container has {diff.data.total} changed paths; the first {diff.data.changes.length} (by path) are listed.
        </Alert>
      ) : null}
      {diff.data.changes.length === 0 ? (
        <EmptyState icon={FileDiff} title="No changes">
          The container&apos;s filesystem is exactly its image&apos;s.
        </EmptyState>
      ) : shown.length === 0 ? (
        <EmptyState icon={Search} title="Nothing matches">
          No changed path matches this filter.
        </EmptyState>
      ) : (
        <Table label="Filesystem changes">
          <thead>
            <tr>
              <Th className="w-28">Kind</Th>
              <Th>Path</Th>
            </tr>
          </thead>
          <tbody>
            {shown.map((c) => (
              <tr key={c.path}>
                <Cell>
                  <Badge tone={KINDS[c.kind].tone}>
                    <span aria-hidden className="mr-1 font-mono">
                      {c.kind}
                    </span>
                    {KINDS[c.kind].label}
                  </Badge>
                </Cell>
                <Cell className="font-mono text-xs break-all">{c.path}</Cell>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </div>
  );
}
