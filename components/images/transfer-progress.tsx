"use client";

import { formatSize } from "../resources/list-kit";
import { Badge } from "../ui/badge";
import { cn } from "../ui/cn";
import type { Transfer } from "./use-transfers";

const percent = (fraction: number) => `${Math.round(Math.min(1, Math.max(0, fraction)) * 100)}%`;

function Bar({ fraction, tone, label }: { fraction: number; tone: "sky" | "green" | "red"; label: string }) {
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(fraction * 100)}
      className="h-2 w-full overflow-hidden rounded bg-hover"
    >
      <div
        className={cn(
          "h-full rounded transition-[width]",
          tone === "green" ? "bg-signal-ok" : tone === "red" ? "bg-signal-fail" : "bg-signal-info",
        )}
        style={{ width: percent(fraction) }}
      />
    </div>
  );
}

/** One pull or push: its overall bar, its state, and a bar per layer while it runs. */
export function TransferProgress({ transfer, showLayers = true }: { transfer: Transfer; showLayers?: boolean }) {
  const verb = transfer.kind === "pull" ? "Pull" : "Push";
  const tone = transfer.state === "error" ? "red" : transfer.state === "ok" ? "green" : "sky";
  return (
    <div className="space-y-1.5" data-testid="transfer" data-environment={transfer.environmentName}>
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <span className="font-medium">
          {verb} {transfer.reference}
        </span>
        <span className="text-muted">on {transfer.environmentName}</span>
        {transfer.registryName ? <span className="text-xs text-subtle">with {transfer.registryName}</span> : null}
        <span className="ml-auto">
          {transfer.state === "running" ? (
            <span className="tabular-nums text-muted">{percent(transfer.fraction)}</span>
          ) : transfer.state === "ok" ? (
            <Badge tone="green">done</Badge>
          ) : (
            <Badge tone="red">failed</Badge>
          )}
        </span>
      </div>
      <Bar
        fraction={transfer.fraction}
        tone={tone}
        label={`${verb} ${transfer.reference} on ${transfer.environmentName}`}
      />
      {transfer.error ? <p className="text-xs text-danger-fg">{transfer.error}</p> : null}
      {showLayers && transfer.state === "running" && transfer.progress.layers.length ? (
        <ul className="space-y-1 pl-2">
          {transfer.progress.layers.map((layer) => (
            <li key={layer.id} className="grid grid-cols-[7rem_1fr_8rem] items-center gap-2 text-xs">
              <span className="truncate font-mono text-muted">{layer.id}</span>
              <Bar
                fraction={layer.phase === "done" ? 1 : layer.total > 0 ? layer.current / layer.total : 0}
                tone={layer.phase === "done" ? "green" : "sky"}
                label={`Layer ${layer.id}`}
              />
              <span className="truncate text-subtle">
                {layer.status}
                {layer.total > 0 && layer.phase !== "done"
                  ? ` ${formatSize(layer.current)}/${formatSize(layer.total)}`
                  : ""}
              </span>
            </li>
          ))}
        </ul>
      ) : null}
      {transfer.state !== "running" ? (
        <code className="block truncate font-mono text-xs text-subtle" title={transfer.cli}>
          {transfer.cli}
        </code>
      ) : null}
    </div>
  );
}
