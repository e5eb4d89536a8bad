// Policy rules for the stop section: how long a task has to stop is plain.
import "server-only";
import { nonNegativeInt, type Rules } from "../policy/walk";

export const stopRules = {
  ContainerSpec: { StopGracePeriod: nonNegativeInt },
} satisfies Record<string, Rules>;
