import { Badge } from "../ui/badge";
import type { Outcome } from "./filters";

const tones = { ok: "green", pending: "sky", denied: "amber", error: "red", interrupted: "neutral" } as const;

export function OutcomeBadge({ outcome }: { outcome: string }) {
  return <Badge tone={tones[outcome as Outcome] ?? "neutral"}>{outcome}</Badge>;
}
