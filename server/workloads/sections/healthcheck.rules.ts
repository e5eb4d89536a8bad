// Policy rules for the healthcheck section.
import "server-only";
import { nonNegativeInt, object, stringList, type Rules } from "../policy/walk";

const healthcheck = object({
  Test: stringList,
  Interval: nonNegativeInt,
  Timeout: nonNegativeInt,
  StartPeriod: nonNegativeInt,
  StartInterval: nonNegativeInt,
  Retries: nonNegativeInt,
});

export const healthcheckRules = {
  Config: { Healthcheck: healthcheck },
  ContainerSpec: { Healthcheck: healthcheck },
} satisfies Record<string, Rules>;
