import { Badge } from "../ui/badge";

const TONES = { converged: "green", updating: "amber", failing: "red", empty: "neutral" } as const;

/** A stack's or service's state: converged, updating, failing (or empty: nothing runs). */
export function StackStateBadge({ state }: { state: keyof typeof TONES }) {
  return <Badge tone={TONES[state]}>{state}</Badge>;
}
