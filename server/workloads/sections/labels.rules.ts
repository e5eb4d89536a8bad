// Policy rules for the labels section.
import "server-only";
import { stringRecord, type Rules } from "../policy/walk";

export const labelsRules = {
  Config: { Labels: stringRecord },
  ContainerSpec: { Labels: stringRecord },
  ServiceSpec: { Labels: stringRecord },
} satisfies Record<string, Rules>;
