// Policy rules for the files section: swarm secrets and configs are given by reference (their
// contents have permissions of their own), so the reference is plain.
import "server-only";
import { list, nonNegativeInt, object, string, type Rules } from "../policy/walk";

const file = object({ Name: string, UID: string, GID: string, Mode: nonNegativeInt });

export const filesRules = {
  ContainerSpec: {
    Secrets: list(object({ File: file, SecretID: string, SecretName: string })),
    Configs: list(object({ File: file, Runtime: object({}), ConfigID: string, ConfigName: string })),
  },
} satisfies Record<string, Rules>;
