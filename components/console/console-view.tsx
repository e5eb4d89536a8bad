"use client";

import { useQuery } from "@tanstack/react-query";
import { ArrowLeft, ChevronDown, ChevronUp, RotateCw } from "lucide-react";
import dynamic from "next/dynamic";
import Link from "next/link";
import { useRef, useState } from "react";
import { useViewer } from "../auth/viewer-context";
import { holdsOn } from "../containers/holds-on";
import { ContainerStateBadge } from "../containers/state-badge";
import { useTRPC } from "../trpc";
import { Button } from "../ui/button";
import { controlClass } from "../ui/field";
import { NoPermission } from "../ui/no-permission";
import type { ConsoleStatus } from "./console-session";
import type { TerminalHandle } from "./terminal";

// xterm.js touches `window` when it loads: browser only.
const ExecTerminal = dynamic(() => import("./terminal"), {
  ssr: false,
  loading: () => <p className="p-3 font-mono text-xs text-slate-400">Loading the terminal…</p>,
});

const healthOf = (status: string | undefined) =>
  status === "healthy" || status === "unhealthy" || status === "starting" ? status : undefined;

function StatusLine({ status, size }: { status: ConsoleStatus; size: { cols: number; rows: number } | null }) {
  const dot =
    status.phase === "connected"
      ? "bg-emerald-500"
      : status.phase === "connecting"
        ? "animate-pulse bg-amber-400"
        : status.failed
          ? "bg-red-500"
          : "bg-slate-400";
  return (
    <div className="flex min-w-0 flex-1 items-center gap-2 text-sm">
      <span aria-hidden className={`size-2 shrink-0 rounded-full ${dot}`} />
      <p role="status" data-testid="console-status" className="min-w-0 text-slate-700 dark:text-slate-300">
        {status.phase === "connecting" ? "Connecting…" : null}
        {status.phase === "connected" ? (
          <>
            Connected: <code className="font-mono text-xs">{status.command}</code>
          </>
        ) : null}
        {status.phase === "ended" ? (
          <span className={status.failed ? "text-red-700 dark:text-red-400" : undefined}>Ended. {status.message}</span>
        ) : null}
      </p>
      {size ? (
        <span
          data-testid="console-size"
          className="ml-auto shrink-0 font-mono text-xs text-slate-500 dark:text-slate-400"
        >
          {size.cols}×{size.rows}
        </span>
      ) : null}
    </div>
  );
}

/** A terminal into one container: status, search, and a way back in after it ends. */
export function ConsoleView({ environmentId, containerId }: { environmentId: string; containerId: string }) {
  const trpc = useTRPC();
  const viewer = useViewer();
  const allowed = holdsOn(viewer, "container.exec", environmentId);
  const container = useQuery({ ...trpc.containers.get.queryOptions({ environmentId, id: containerId }), retry: false });
  const environments = useQuery(trpc.environments.list.queryOptions());
  const envName = environments.data?.find((e) => e.id === environmentId)?.name ?? environmentId;
  const name = container.data?.name.replace(/^\//, "") ?? containerId.slice(0, 12);

  const [attempt, setAttempt] = useState(0);
  const [status, setStatus] = useState<ConsoleStatus>({ phase: "connecting" });
  const [size, setSize] = useState<{ cols: number; rows: number } | null>(null);
  const [needle, setNeedle] = useState("");
  const terminal = useRef<TerminalHandle>(null);

  return (
    <div className="flex h-[calc(100vh-3rem)] min-h-96 flex-col">
      <header className="mb-4 space-y-2">
        <Link
          href="/containers"
          className="inline-flex items-center gap-1 text-sm text-slate-600 hover:text-slate-900 dark:text-slate-400 dark:hover:text-slate-100"
        >
          <ArrowLeft aria-hidden className="size-4" />
          Containers
        </Link>
        <div className="flex flex-wrap items-center gap-3">
          <h1 className="text-2xl font-semibold tracking-tight">Console: {name}</h1>
          {container.data ? (
            <ContainerStateBadge
              state={container.data.state.status}
              health={healthOf(container.data.state.health?.status)}
            />
          ) : null}
          <span className="text-sm text-slate-600 dark:text-slate-400">on {envName}</span>
        </div>
      </header>

      {!allowed ? (
        <NoPermission permission="container.exec">
          You do not have permission to open a console here. Ask an administrator for a role with the container.exec
          permission on this environment.
        </NoPermission>
      ) : (
        <>
          <div className="mb-2 flex flex-wrap items-center gap-3">
            <StatusLine status={status} size={size} />
            <form
              className="flex items-center gap-1"
              role="search"
              onSubmit={(e) => {
                e.preventDefault();
                terminal.current?.findNext(needle);
              }}
            >
              <label className="sr-only" htmlFor="console-search">
                Search the terminal
              </label>
              <input
                id="console-search"
                type="search"
                value={needle}
                onChange={(e) => setNeedle(e.target.value)}
                placeholder="Search output"
                className={`${controlClass} w-44 py-1 text-xs`}
              />
              <Button
                size="icon"
                variant="quiet"
                aria-label="Previous match"
                onClick={() => terminal.current?.findPrevious(needle)}
              >
                <ChevronUp aria-hidden className="size-4" />
              </Button>
              <Button size="icon" variant="quiet" aria-label="Next match" type="submit">
                <ChevronDown aria-hidden className="size-4" />
              </Button>
            </form>
            {status.phase === "ended" ? (
              <Button variant="primary" size="sm" onClick={() => setAttempt((n) => n + 1)}>
                <RotateCw aria-hidden className="size-3.5" />
                Reconnect
              </Button>
            ) : null}
          </div>
          <div className="min-h-0 flex-1 overflow-hidden rounded-lg border border-slate-300 bg-slate-950 p-2 dark:border-slate-700">
            <ExecTerminal
              key={attempt}
              handle={terminal}
              environmentId={environmentId}
              containerId={containerId}
              onStatus={setStatus}
              onSize={setSize}
            />
          </div>
          <p className="mt-2 text-xs text-slate-500 dark:text-slate-400">
            Selecting text copies it; paste with Ctrl+Shift+V (⌘V on a Mac). The session is recorded in the audit trail.
          </p>
        </>
      )}
    </div>
  );
}
