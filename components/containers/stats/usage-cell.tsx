import { LoaderCircle } from "lucide-react";
import type { UsageItem } from "@/server/modules/containers/inspect.router";
import { formatBytes, formatPercent } from "../details/format";

function Bar({ percent, className }: { percent: number; className: string }) {
  return (
    <span aria-hidden className="block h-1 w-full overflow-hidden rounded bg-hover">
      <span className={`block h-full ${className}`} style={{ width: `${Math.min(100, Math.max(0, percent))}%` }} />
    </span>
  );
}

/** A figure on its way: a turning ring, named for screen readers and on hover. */
function Measuring({ label }: { label: string }) {
  return (
    <span className="inline-flex items-center text-subtle" title={label} role="img" aria-label={label}>
      <LoaderCircle aria-hidden className="size-3.5 still-while-scrolling motion-safe:animate-spin" />
    </span>
  );
}

/**
 * A list row's CPU % and memory, with small bars. A running container not yet sampled shows a
 * turning ring ("Measuring usage"); so does its CPU until a second sample (CPU % is a change
 * between two samples, and the list's one-shot samples carry no earlier one), while memory is
 * shown from the first. "—" where there is no figure to wait for (not running, not readable).
 */
export function UsageCell({ usage, running = false }: { usage: UsageItem | undefined; running?: boolean }) {
  if (!usage) {
    if (running) return <Measuring label="Measuring usage" />;
    return (
      <span className="text-faint" aria-label="No usage figures">
        —
      </span>
    );
  }
  const cpu = formatPercent(usage.cpuPercent);
  const memory = formatBytes(usage.memoryBytes);
  return (
    <span
      className="inline-grid w-32 grid-cols-[3.5rem_1fr] items-center gap-x-2 gap-y-0.5 text-xs tabular-nums"
      title={`CPU ${usage.cpuPercent === null ? "measuring (needs a second sample)" : cpu}; memory ${memory} of ${formatBytes(usage.memoryLimitBytes)} (${formatPercent(usage.memoryPercent)})`}
      data-testid="usage-cell"
    >
      {usage.cpuPercent === null ? <Measuring label="Measuring CPU (needs a second sample)" /> : <span>{cpu}</span>}
      <Bar percent={usage.cpuPercent ?? 0} className="bg-chart-1" />
      <span>{memory}</span>
      <Bar percent={usage.memoryPercent} className="bg-chart-2" />
    </span>
  );
}
