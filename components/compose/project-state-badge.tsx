import { Badge } from "../ui/badge";

const tones = { running: "green", partial: "amber", stopped: "neutral" } as const;

/** running (all containers up), partial (some), stopped (none). */
export function ProjectStateBadge({ state }: { state: keyof typeof tones }) {
  return <Badge tone={tones[state]}>{state}</Badge>;
}
