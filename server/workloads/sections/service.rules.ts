// Policy rules for what only a swarm service has beside its sections: how many run, a forced
// redeploy, and where its logs go.
import "server-only";
import {
  describe,
  isRecord,
  isStringRecord,
  nonNegativeInt,
  object,
  oneOf,
  plainWhen,
  type Rules,
} from "../policy/walk";

export const serviceRules = {
  ServiceSpec: {
    Mode: object({
      Replicated: object({ Replicas: nonNegativeInt }),
      Global: object({}),
      ReplicatedJob: object({ MaxConcurrent: nonNegativeInt, TotalCompletions: nonNegativeInt }),
      GlobalJob: object({}),
    }),
  },
  TaskTemplate: {
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
} satisfies Record<string, Rules>;
