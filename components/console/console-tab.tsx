"use client";

import { ChevronDown, ChevronUp, Eye, RotateCw } from "lucide-react";
import dynamic from "next/dynamic";
import { useRef, useState } from "react";
import { Button } from "../ui/button";
import { controlClass } from "../ui/field";
import type { ConsoleStatus, SessionTarget } from "./console-session";
import type { TerminalHandle } from "./terminal";

// xterm.js touches `window` when it loads: browser only.
const ConsoleTerminal = dynamic(() => import("./terminal"), {
  ssr: false,
  loading: () => <p className="p-3 font-mono text-xs text-faint">Loading the terminal…</p>,
});

function StatusLine({ status, size }: { status: ConsoleStatus; size: { cols: number; rows: number } | null }) {
  const dot =
    status.phase === "connected"
      ? "bg-signal-ok"
      : status.phase === "connecting"
        ? "animate-pulse bg-signal-busy"
        : status.failed
          ? "bg-signal-fail"
          : "bg-signal-idle";
  return (
    <div className="flex min-w-0 flex-1 items-center gap-2 text-sm">
      <span aria-hidden className={`size-2 shrink-0 rounded-full ${dot}`} />
      <p role="status" data-testid="console-status" className="min-w-0 text-fg">
        {status.phase === "connecting" ? "Connecting…" : null}
        {status.phase === "connected" ? (
          <>
            Connected: <code className="font-mono text-xs">{status.command}</code>
          </>
        ) : null}
        {status.phase === "ended" ? (
          <span className={status.failed ? "text-danger-fg" : undefined}>Ended. {status.message}</span>
        ) : null}
      </p>
      {size ? (
        <span data-testid="console-size" className="ml-auto shrink-0 font-mono text-xs text-subtle">
          {size.cols}×{size.rows}
        </span>
      ) : null}
    </div>
  );
}

/** One console session: its status, search, a way back in after it ends, and its terminal. */
export function ConsoleTab({
  environmentId,
  containerId,
  target,
  visible,
  status,
  onStatus,
}: {
  environmentId: string;
  containerId: string;
  target: SessionTarget;
  visible: boolean;
  status: ConsoleStatus;
  onStatus: (status: ConsoleStatus) => void;
}) {
  const [attempt, setAttempt] = useState(0);
  const [size, setSize] = useState<{ cols: number; rows: number } | null>(null);
  const [needle, setNeedle] = useState("");
  const terminal = useRef<TerminalHandle>(null);
  const readOnly = status.phase === "connected" ? status.readOnly : null;

  return (
    <div className="flex min-h-0 flex-1 flex-col">
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
          <input
            type="search"
            aria-label="Search the terminal"
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
      {readOnly ? (
        <p
          data-testid="console-read-only"
          className="mb-2 flex items-center gap-2 rounded-md border border-warning-border bg-warning-soft px-3 py-1.5 text-sm text-warning-strong"
        >
          <Eye aria-hidden className="size-4 shrink-0" />
          {/^read-only/i.test(readOnly) ? readOnly : `read-only: ${readOnly}`}
        </p>
      ) : null}
      <div className="min-h-0 flex-1 overflow-hidden rounded-lg border border-border-strong bg-terminal p-2">
        <ConsoleTerminal
          key={attempt}
          handle={terminal}
          environmentId={environmentId}
          containerId={containerId}
          target={target}
          visible={visible}
          onStatus={onStatus}
          onSize={setSize}
        />
      </div>
    </div>
  );
}
