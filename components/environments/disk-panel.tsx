"use client";

// An environment's disk use by kind (docker system df) as bars: what is in use and what a prune
// could free, with the counts behind them, and the system prune for those who may run it.
import { useQuery } from "@tanstack/react-query";
import { Eraser } from "lucide-react";
import { useState } from "react";
import type { RouterOutputs } from "../api-types";
import { useViewer } from "../auth/viewer-context";
import { CliResult } from "../containers/cli-result";
import { holdsOn } from "../containers/holds-on";
import { formatSize } from "../resources/list-kit";
import { useTRPC } from "../trpc";
import { Button } from "../ui/button";
import { CopyButton } from "../ui/copy-button";
import { Loading } from "../ui/loading";
import { Panel } from "../ui/panel";
import { QueryError } from "../ui/query-error";
import { SystemPruneDialog } from "./system-prune-dialog";

type Usage = RouterOutputs["disk"]["usage"];
type Kind = Usage["kinds"][number];

export const kindNames: Record<Kind["kind"], string> = {
  images: "Images",
  containers: "Containers",
  volumes: "Volumes",
  buildCache: "Build cache",
};

const activeWords: Record<Kind["kind"], string> = {
  images: "used by a container",
  containers: "running",
  volumes: "in use",
  buildCache: "in use",
};

export function DiskPanel({ environmentId, environmentName }: { environmentId: string; environmentName: string }) {
  const trpc = useTRPC();
  const viewer = useViewer();
  const usage = useQuery(trpc.disk.usage.queryOptions({ environmentId }));
  const [pruning, setPruning] = useState(false);
  const [done, setDone] = useState<{ text: string; cli: string } | null>(null);
  const mayPrune = holdsOn(viewer, "system.prune", environmentId);
  return (
    <Panel
      title="Disk usage"
      description={
        usage.data
          ? `${formatSize(usage.data.totalBytes)} in all; ${formatSize(reclaimable(usage.data))} could be freed.`
          : "What the engine's disk holds, kind by kind."
      }
      actions={
        mayPrune ? (
          <Button variant="outline-danger" onClick={() => setPruning(true)}>
            <Eraser aria-hidden className="size-4" />
            System prune…
          </Button>
        ) : null
      }
    >
      <div className="space-y-4">
        {done ? <CliResult text={done.text} cli={done.cli} onDismiss={() => setDone(null)} /> : null}
        {usage.isPending ? <Loading label="Reading the disk use (docker system df)…" /> : null}
        {usage.isError ? (
          <QueryError error={usage.error} what="the disk use" onRetry={() => void usage.refetch()} />
        ) : null}
        {usage.data ? <UsageBars usage={usage.data} /> : null}
        {usage.data ? (
          <p className="flex flex-wrap items-center gap-2 text-xs text-subtle">
            <span>Same as</span>
            <code className="rounded bg-surface-muted px-1.5 py-0.5 font-mono">{usage.data.cli}</code>
            <CopyButton text={usage.data.cli} />
          </p>
        ) : null}
      </div>
      {pruning ? (
        <SystemPruneDialog
          environmentId={environmentId}
          environmentName={environmentName}
          mayPruneVolumes={holdsOn(viewer, "volume.delete", environmentId)}
          onClose={() => setPruning(false)}
          onPruned={(result) => {
            setPruning(false);
            setDone(result);
            void usage.refetch();
          }}
        />
      ) : null}
    </Panel>
  );
}

function reclaimable(usage: Usage): number {
  return usage.kinds.reduce((sum, k) => sum + k.reclaimableBytes, 0);
}

/** One bar per kind, scaled to the largest: the part in use, then the part a prune frees. */
function UsageBars({ usage }: { usage: Usage }) {
  const largest = Math.max(1, ...usage.kinds.map((k) => k.bytes));
  return (
    <dl className="space-y-3" data-testid="disk-usage">
      {usage.kinds.map((kind) => {
        const used = Math.max(0, kind.bytes - kind.reclaimableBytes);
        const summary = `${kindNames[kind.kind]}: ${kind.count} (${kind.active} ${activeWords[kind.kind]}), ${formatSize(kind.bytes)}, ${formatSize(kind.reclaimableBytes)} reclaimable`;
        return (
          <div
            key={kind.kind}
            data-testid={`disk-${kind.kind}`}
            className="grid gap-1 sm:grid-cols-[9rem_1fr_16rem] sm:items-center sm:gap-3"
          >
            <dt className="text-sm font-medium">{kindNames[kind.kind]}</dt>
            <dd className="order-3 sm:order-none">
              <div
                role="img"
                aria-label={summary}
                className="flex h-3 overflow-hidden rounded-full bg-surface-muted"
                title={summary}
              >
                <div className="bg-primary" style={{ width: `${(used / largest) * 100}%` }} />
                <div className="bg-warning-border" style={{ width: `${(kind.reclaimableBytes / largest) * 100}%` }} />
              </div>
            </dd>
            <dd className="text-sm text-muted tabular-nums">
              <span data-testid="disk-count">{kind.count}</span> ({kind.active} {activeWords[kind.kind]}) ·{" "}
              {formatSize(kind.bytes)} · {formatSize(kind.reclaimableBytes)} reclaimable
            </dd>
          </div>
        );
      })}
      <div className="flex flex-wrap gap-4 pt-1 text-xs text-subtle" aria-hidden>
        <span className="inline-flex items-center gap-1.5">
          <span className="size-2.5 rounded-full bg-primary" /> in use
        </span>
        <span className="inline-flex items-center gap-1.5">
          <span className="size-2.5 rounded-full bg-warning-border" /> reclaimable
        </span>
      </div>
    </dl>
  );
}
