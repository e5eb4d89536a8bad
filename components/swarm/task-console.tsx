"use client";

// A console in one task's container (docker exec -it on the engine of the node it runs on),
// through /api/ws/task-exec: the container console's terminal, opened from a task row. The
// server decides whether the task can have one (running, its node's engine an environment) and
// says why not.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { useViewer } from "../auth/viewer-context";
import { ConsoleTab } from "../console/console-tab";
import type { ConsoleStatus, SessionTarget } from "../console/console-session";
import { holdsOn } from "../containers/holds-on";
import { PageHeader } from "../page-header";
import { useTRPC } from "../trpc";
import { Alert } from "../ui/alert";
import { Loading } from "../ui/loading";
import { NoPermission } from "../ui/no-permission";
import { QueryError } from "../ui/query-error";
import { serviceHref } from "./hrefs";

export function taskConsoleHref(environmentId: string, serviceId: string, taskId: string): string {
  return `${serviceHref(environmentId, serviceId)}/tasks/${encodeURIComponent(taskId)}/console`;
}

export function TaskConsolePage({
  environmentId,
  serviceId,
  taskId,
}: {
  environmentId: string;
  serviceId: string;
  taskId: string;
}) {
  const trpc = useTRPC();
  const viewer = useViewer();
  const detail = useQuery({
    ...trpc.services.get.queryOptions({ environmentId, id: serviceId }),
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });
  const [status, setStatus] = useState<ConsoleStatus>({ phase: "connecting" });
  const [target] = useState<SessionTarget>({ kind: "exec", command: "auto", taskId });
  if (!holdsOn(viewer, "service.exec", environmentId)) return <NoPermission permission="service.exec" />;
  if (detail.isPending) return <Loading label="Finding the task…" />;
  if (detail.isError)
    return <QueryError error={detail.error} what="the service" onRetry={() => void detail.refetch()} />;
  const task = detail.data.tasks.find((t) => t.id === taskId);
  const back = (
    <Link className="text-sm text-primary underline" href={serviceHref(environmentId, serviceId)}>
      Back to {detail.data.service.name}
    </Link>
  );
  if (!task)
    return (
      <>
        <PageHeader title="Task console" />
        <Alert title="No such task">
          {detail.data.service.name} has no task {taskId}.
        </Alert>
        {back}
      </>
    );
  return (
    <div className="flex h-[calc(100vh-8rem)] min-h-96 flex-col">
      <PageHeader
        title={`Console in ${task.name}`}
        description={`${detail.data.service.name} · on ${task.nodeHostname ?? task.nodeId.slice(0, 12)} · ${task.state}`}
      >
        {back}
      </PageHeader>
      <ConsoleTab
        environmentId={environmentId}
        containerId={task.containerId ?? ""}
        target={target}
        visible
        status={status}
        onStatus={setStatus}
      />
    </div>
  );
}
