"use client";

import { useQuery } from "@tanstack/react-query";
import { Cpu } from "lucide-react";
import { EmptyState } from "../../empty-state";
import { errorCode } from "../../trpc-errors";
import { useTRPC } from "../../trpc";
import { Button } from "../../ui/button";
import { Loading } from "../../ui/loading";
import { QueryError } from "../../ui/query-error";
import { Table, Th } from "../../ui/table";
import { Cell } from "./cells";

/** `docker top`: what runs in the container, as the host's ps sees it. */
export function ContainerProcesses({ environmentId, containerId }: { environmentId: string; containerId: string }) {
  const trpc = useTRPC();
  const top = useQuery({ ...trpc.containers.top.queryOptions({ environmentId, id: containerId }), retry: false });
  const header = (
    <div className="flex flex-wrap items-center justify-between gap-3">
      <div>
        <h2 className="text-base font-semibold">Processes</h2>
        <p className="text-sm text-muted">
          As <code className="font-mono text-xs">docker top</code> shows them: the host&apos;s view, so user names and
          ids are the host&apos;s.
        </p>
      </div>
      <Button size="sm" onClick={() => void top.refetch()} pending={top.isFetching}>
        Refresh
      </Button>
    </div>
  );
  if (top.isPending) return <Loading label="Loading processes…" />;
  if (top.isError) {
    return (
      <div className="space-y-3">
        {header}
        {errorCode(top.error) === "CONFLICT" ? (
          <EmptyState icon={Cpu} title="No processes">
            The container is not running, so nothing runs in it. Start it to see its processes.
          </EmptyState>
        ) : (
          <QueryError error={top.error} what="the processes" onRetry={() => void top.refetch()} />
        )}
      </div>
    );
  }
  const { titles, processes } = top.data;
  return (
    <div className="space-y-3">
      {header}
      {processes.length === 0 ? (
        <EmptyState icon={Cpu} title="No processes">
          Nothing runs in this container right now.
        </EmptyState>
      ) : (
        <Table label="Processes">
          <thead>
            <tr>
              {titles.map((t) => (
                <Th key={t}>{t}</Th>
              ))}
            </tr>
          </thead>
          <tbody>
            {processes.map((p, i) => (
              <tr key={i}>
                {p.map((cell, j) => (
                  <Cell
                    key={j}
                    className={
                      titles[j] === "CMD" || titles[j] === "COMMAND"
                        ? "font-mono text-xs break-words"
                        : "whitespace-nowrap font-mono text-xs"
                    }
                  >
                    {cell}
                  </Cell>
                ))}
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      <p className="text-xs text-subtle" role="status">
        {processes.length} process{processes.length === 1 ? "" : "es"}, read{" "}
        {new Date(top.dataUpdatedAt).toLocaleTimeString()}.
      </p>
    </div>
  );
}
