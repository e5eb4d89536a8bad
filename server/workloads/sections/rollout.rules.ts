// Policy rules for the rollout section: how a change rolls out and back is plain.
import "server-only";
import { nonNegativeInt, object, oneOf, plain, type Rules } from "../policy/walk";

const rollout = object({
  Parallelism: nonNegativeInt,
  Delay: nonNegativeInt,
  FailureAction: plain(oneOf("", "pause", "continue", "rollback"), "pause, continue or rollback"),
  Monitor: nonNegativeInt,
  MaxFailureRatio: plain((v) => typeof v === "number" && v >= 0 && v <= 1, "a ratio from 0 to 1"),
  Order: plain(oneOf("", "stop-first", "start-first"), "stop-first or start-first"),
});

export const rolloutRules = {
  ServiceSpec: { UpdateConfig: rollout, RollbackConfig: rollout },
} satisfies Record<string, Rules>;
