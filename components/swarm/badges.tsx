import { Badge } from "../ui/badge";

type Tone = "neutral" | "sky" | "green" | "amber" | "red";

const NODE_STATE: Record<string, Tone> = { ready: "green", down: "red", unknown: "amber", disconnected: "red" };
const AVAILABILITY: Record<string, Tone> = { active: "green", pause: "amber", drain: "amber" };
const TASK_STATE: Record<string, Tone> = {
  running: "green",
  complete: "neutral",
  shutdown: "neutral",
  failed: "red",
  rejected: "red",
  orphaned: "red",
  remove: "neutral",
};

export function NodeStateBadge({ state }: { state: string }) {
  return <Badge tone={NODE_STATE[state] ?? "neutral"}>{state}</Badge>;
}

export function AvailabilityBadge({ availability }: { availability: string }) {
  return <Badge tone={AVAILABILITY[availability] ?? "neutral"}>{availability}</Badge>;
}

export function TaskStateBadge({ state }: { state: string }) {
  return <Badge tone={TASK_STATE[state] ?? "sky"}>{state}</Badge>;
}

/** "2/3" in green when every wanted task runs, amber otherwise. */
export function ReplicasBadge({
  running,
  desired,
  converged,
}: {
  running: number;
  desired: number;
  converged: boolean;
}) {
  return (
    <Badge tone={converged ? "green" : "amber"}>
      {running}/{desired}
    </Badge>
  );
}
