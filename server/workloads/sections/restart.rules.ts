// Policy rules for the restart section. How a workload restarts is plain.
import "server-only";
import { bool, nonNegativeInt, object, oneOf, plain, type Rules } from "../policy/walk";

const restartPolicy = object({
  Name: plain(oneOf("", "no", "always", "unless-stopped", "on-failure"), "no, always, unless-stopped or on-failure"),
  MaximumRetryCount: nonNegativeInt,
});

export const restartRules = {
  HostConfig: { RestartPolicy: restartPolicy, AutoRemove: bool },
  Update: { RestartPolicy: restartPolicy },
  TaskTemplate: {
    RestartPolicy: object({
      Condition: plain(oneOf("", "none", "on-failure", "any"), "none, on-failure or any"),
      Delay: nonNegativeInt,
      MaxAttempts: nonNegativeInt,
      Window: nonNegativeInt,
    }),
  },
} satisfies Record<string, Rules>;
