"use client";

import { useSubscription } from "@trpc/tanstack-react-query";
import { Activity } from "lucide-react";
import { useState } from "react";
import type { StatsSample } from "@/server/docker/stats";
import { EmptyState } from "../../empty-state";
import { errorCode, errorMessage } from "../../trpc-errors";
import { useTRPC } from "../../trpc";
import { Alert } from "../../ui/alert";
import { Button } from "../../ui/button";
import { Loading } from "../../ui/loading";
import { formatBytes, formatPercent, formatRate } from "../details/format";
import { LineChart } from "./line-chart";

/** A minute of samples, one a second. */
const KEEP = 60;

// The chart's series colours: tokens chart-1..4 in app/globals.css (sky, violet, emerald, amber).
const SKY = { stroke: "stroke-chart-1", swatch: "bg-chart-1" };
const VIOLET = { stroke: "stroke-chart-2", swatch: "bg-chart-2" };
const EMERALD = { stroke: "stroke-chart-3", swatch: "bg-chart-3" };
const AMBER = { stroke: "stroke-chart-4", swatch: "bg-chart-4" };

function Figure({ label, value, detail }: { label: string; value: string; detail?: string }) {
  return (
    <div className="rounded-lg border border-border bg-surface px-4 py-3">
      <dt className="text-xs font-medium tracking-wide text-subtle uppercase">{label}</dt>
      <dd className="mt-1 text-xl font-semibold tabular-nums">{value}</dd>
      {detail ? <dd className="text-xs text-subtle">{detail}</dd> : null}
    </div>
  );
}

/** Live CPU, memory, network and block I/O of one container, charted over the last minute. */
export function ContainerStats({ environmentId, containerId }: { environmentId: string; containerId: string }) {
  const trpc = useTRPC();
  const [samples, setSamples] = useState<StatsSample[]>([]);
  const live = useSubscription(
    trpc.containers.stats.subscriptionOptions(
      { environmentId, id: containerId },
      { onData: (sample) => setSamples((old) => [...old.slice(-(KEEP - 1)), sample]) },
    ),
  );
  const last = samples.at(-1);

  if (live.status === "error" && !last) {
    return errorCode(live.error) === "CONFLICT" ? (
      <EmptyState icon={Activity} title="No live stats">
        {errorMessage(live.error)}{" "}
        <button type="button" className="font-medium underline" onClick={() => live.reset()}>
          Try again
        </button>
      </EmptyState>
    ) : (
      <div className="space-y-2">
        <Alert title="Could not read live stats">{errorMessage(live.error)}</Alert>
        <Button size="sm" onClick={() => live.reset()}>
          Try again
        </Button>
      </div>
    );
  }
  if (!last) return <Loading label="Waiting for the first sample…" />;

  const pick = (f: (s: StatsSample) => number | null) => samples.map(f);
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 className="text-base font-semibold">Live usage</h2>
        <p className="text-xs text-subtle" data-testid="stats-status" role="status">
          {live.status === "pending"
            ? `Live · ${samples.length} sample${samples.length === 1 ? "" : "s"}`
            : live.status === "error"
              ? `Stopped: ${errorMessage(live.error)}`
              : live.status === "connecting"
                ? "Reconnecting…"
                : "Ended"}
        </p>
      </div>
      {live.status === "error" ? (
        <Button size="sm" onClick={() => live.reset()}>
          Resume
        </Button>
      ) : null}
      <dl className="grid grid-cols-2 gap-3 lg:grid-cols-5">
        <Figure
          label="CPU"
          value={formatPercent(last.cpuPercent)}
          detail={`of ${last.onlineCpus} CPU${last.onlineCpus === 1 ? "" : "s"} (100 % = one CPU)`}
        />
        <Figure
          label="Memory"
          value={formatBytes(last.memoryBytes)}
          detail={`${formatPercent(last.memoryPercent)} of ${formatBytes(last.memoryLimitBytes)}`}
        />
        <Figure label="Network" value={`↓ ${formatRate(last.netRxRate)}`} detail={`↑ ${formatRate(last.netTxRate)}`} />
        <Figure
          label="Block I/O"
          value={`R ${formatRate(last.blockReadRate)}`}
          detail={`W ${formatRate(last.blockWriteRate)}`}
        />
        <Figure label="Processes" value={String(last.pids)} />
      </dl>
      <div className="grid grid-cols-1 gap-4 xl:grid-cols-2">
        <LineChart
          title="CPU"
          series={[{ label: "CPU", values: pick((s) => s.cpuPercent), ...SKY }]}
          format={(v) => `${v.toFixed(v < 10 && v > 0 ? 1 : 0)}%`}
          minMax={5}
        />
        <LineChart
          title="Memory"
          series={[{ label: "Used", values: pick((s) => s.memoryBytes), ...VIOLET }]}
          format={formatBytes}
          minMax={1024 * 1024}
        />
        <LineChart
          title="Network"
          series={[
            { label: "Received", values: pick((s) => s.netRxRate), ...EMERALD },
            { label: "Sent", values: pick((s) => s.netTxRate), ...SKY },
          ]}
          format={(v) => `${formatBytes(v)}/s`}
          minMax={1024}
        />
        <LineChart
          title="Block I/O"
          series={[
            { label: "Read", values: pick((s) => s.blockReadRate), ...AMBER },
            { label: "Written", values: pick((s) => s.blockWriteRate), ...VIOLET },
          ]}
          format={(v) => `${formatBytes(v)}/s`}
          minMax={1024}
        />
      </div>
      <p className="text-xs text-subtle">
        Computed as <code className="font-mono">docker stats</code> does: CPU is the container&apos;s share of the
        host&apos;s CPU time times the number of CPUs; memory leaves out reclaimable page cache. The last minute is kept
        while this page is open.
      </p>
    </div>
  );
}
