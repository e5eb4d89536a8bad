// Policy rules for the resources section. Limits and shares are plain (they only ever take
// away); turning the OOM killer off is not.
import "server-only";
import {
  isEmpty,
  isInt,
  isString,
  limitInt,
  nonNegativeInt,
  object,
  plain,
  plainWhen,
  describe,
  type Rules,
} from "../policy/walk";

const cpuSet = plain((v) => isString(v) && /^[0-9,-]*$/.test(v), "a list like 0-3,5");

const LIMITS = {
  Memory: nonNegativeInt,
  MemoryReservation: nonNegativeInt,
  MemorySwap: limitInt,
  NanoCpus: nonNegativeInt,
  CpuShares: nonNegativeInt,
  CpuPeriod: nonNegativeInt,
  CpuQuota: limitInt,
  CpusetCpus: cpuSet,
  CpusetMems: cpuSet,
  PidsLimit: limitInt,
  BlkioWeight: plain((v) => isInt(v) && (v === 0 || (v >= 10 && v <= 1000)), "0, or 10 to 1000"),
} satisfies Rules;

export const resourcesRules = {
  HostConfig: {
    ...LIMITS,
    OomKillDisable: plainWhen(
      (v) => v === false,
      () => "turning off the OOM killer lets the container starve the host",
    ),
  },
  Update: LIMITS,
  TaskTemplate: {
    Resources: object({
      Limits: object({ NanoCPUs: nonNegativeInt, MemoryBytes: nonNegativeInt, Pids: nonNegativeInt }),
      Reservations: object({
        NanoCPUs: nonNegativeInt,
        MemoryBytes: nonNegativeInt,
        GenericResources: plainWhen(isEmpty, (v) => `reserves host resources ${describe(v)}`),
      }),
    }),
  },
} satisfies Record<string, Rules>;
