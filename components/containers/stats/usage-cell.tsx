import type { UsageItem } from "@/server/modules/containers/inspect.router";
import { formatBytes, formatPercent } from "../details/format";

function Bar({ percent, className }: { percent: number; className: string }) {
  return (
    <span aria-hidden className="block h-1 w-full overflow-hidden rounded bg-slate-200 dark:bg-slate-800">
      <span className={`block h-full ${className}`} style={{ width: `${Math.min(100, Math.max(0, percent))}%` }} />
    </span>
  );
}

/**
 * A list row's CPU % and memory, with small bars; "—" while there is no figure (not running,
 * not yet sampled, or not readable). CPU's bar is scaled to one CPU (100 %).
 */
export function UsageCell({ usage }: { usage: UsageItem | undefined }) {
  if (!usage) {
    return (
      <span className="text-slate-400 dark:text-slate-500" aria-label="No usage figures">
        —
      </span>
    );
  }
  const cpu = formatPercent(usage.cpuPercent);
  const memory = formatBytes(usage.memoryBytes);
  return (
    <span
      className="inline-grid w-32 grid-cols-[3.5rem_1fr] items-center gap-x-2 gap-y-0.5 text-xs tabular-nums"
      title={`CPU ${cpu}; memory ${memory} of ${formatBytes(usage.memoryLimitBytes)} (${formatPercent(usage.memoryPercent)})`}
      data-testid="usage-cell"
    >
      <span>{cpu}</span>
      <Bar percent={usage.cpuPercent ?? 0} className="bg-sky-500" />
      <span>{memory}</span>
      <Bar percent={usage.memoryPercent} className="bg-violet-500" />
    </span>
  );
}
