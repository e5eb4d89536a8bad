import { Badge } from "../ui/badge";
import type { ContainerRow } from "./container-list-model";

const stateTones = {
  running: "green",
  paused: "amber",
  restarting: "amber",
  created: "sky",
  removing: "neutral",
  exited: "neutral",
  dead: "red",
} as const;

const healthTones = { healthy: "green", starting: "amber", unhealthy: "red" } as const;

/** running / exited / paused ..., and the health check's verdict when the image has one. */
export function ContainerStateBadge({ state, health }: Pick<ContainerRow, "state" | "health">) {
  const tone = stateTones[state as keyof typeof stateTones] ?? "neutral";
  // Most have no health check: the badge alone, without a wrapper (one element less in each of
  // the hundreds of list rows drawn as the list scrolls).
  if (!health) return <Badge tone={tone}>{state}</Badge>;
  return (
    <span className="inline-flex items-center gap-1">
      <Badge tone={tone}>{state}</Badge>
      <Badge tone={healthTones[health]}>{health}</Badge>
    </span>
  );
}
