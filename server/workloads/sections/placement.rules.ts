// Policy rules for the placement section: where tasks may run is plain.
import "server-only";
import { list, nonNegativeInt, object, string, stringList, type Rules } from "../policy/walk";

export const placementRules = {
  TaskTemplate: {
    Placement: object({
      Constraints: stringList,
      Preferences: list(object({ Spread: object({ SpreadDescriptor: string }) })),
      MaxReplicas: nonNegativeInt,
      Platforms: list(object({ Architecture: string, OS: string })),
    }),
  },
} satisfies Record<string, Rules>;
