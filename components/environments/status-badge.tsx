import type { RouterOutputs } from "../api-types";
import { Badge } from "../ui/badge";

type Status = RouterOutputs["environments"]["list"][number]["status"];

const tones = { up: "green", degraded: "amber", down: "red", paused: "neutral", unknown: "neutral" } as const;

/** Up, degraded, down, paused: what the fleet last saw of the host, with why in the tooltip. */
export function StatusBadge({ status }: { status: Status }) {
  if (!status) return <Badge>unknown</Badge>;
  const why = status.lastError?.message ?? status.degradedReasons.join("; ");
  return (
    <span title={why || undefined} className="inline-flex items-center gap-2">
      <Badge tone={tones[status.state]}>{status.state}</Badge>
      {status.engine ? <span className="text-xs text-subtle">Docker {status.engine.version}</span> : null}
    </span>
  );
}
