// Policy rules for what only a swarm service has: how many run and where, how it rolls out,
// where its logs go, and the swarm secrets and configs it is given (by reference; their
// contents have permissions of their own).
import "server-only";
import {
  describe,
  isRecord,
  isStringRecord,
  list,
  nonNegativeInt,
  object,
  oneOf,
  plain,
  plainWhen,
  string,
  stringList,
  type Rules,
} from "./walk";

const rollout = object({
  Parallelism: nonNegativeInt,
  Delay: nonNegativeInt,
  FailureAction: plain(oneOf("", "pause", "continue", "rollback"), "pause, continue or rollback"),
  Monitor: nonNegativeInt,
  MaxFailureRatio: plain((v) => typeof v === "number" && v >= 0 && v <= 1, "a ratio from 0 to 1"),
  Order: plain(oneOf("", "stop-first", "start-first"), "stop-first or start-first"),
});

const file = object({ Name: string, UID: string, GID: string, Mode: nonNegativeInt });

export const serviceRules = {
  ServiceSpec: {
    Mode: object({
      Replicated: object({ Replicas: nonNegativeInt }),
      Global: object({}),
      ReplicatedJob: object({ MaxConcurrent: nonNegativeInt, TotalCompletions: nonNegativeInt }),
      GlobalJob: object({}),
    }),
    UpdateConfig: rollout,
    RollbackConfig: rollout,
  },
  TaskTemplate: {
    Placement: object({
      Constraints: stringList,
      Preferences: list(object({ Spread: object({ SpreadDescriptor: string }) })),
      MaxReplicas: nonNegativeInt,
      Platforms: list(object({ Architecture: string, OS: string })),
    }),
    ForceUpdate: nonNegativeInt,
    // Logs kept on the node are plain; a driver that ships them elsewhere is not reviewed here.
    LogDriver: plainWhen(
      (v) =>
        isRecord(v) &&
        Object.keys(v).every((k) => k === "Name" || k === "Options") &&
        oneOf("", "json-file", "local", "none")(v.Name) &&
        (v.Options === undefined || v.Options === null || isStringRecord(v.Options)),
      (v) => `the log driver ${describe(v)} (json-file, local and none are plain)`,
    ),
  },
  ContainerSpec: {
    Secrets: list(object({ File: file, SecretID: string, SecretName: string })),
    Configs: list(object({ File: file, Runtime: object({}), ConfigID: string, ConfigName: string })),
  },
} satisfies Record<string, Rules>;
