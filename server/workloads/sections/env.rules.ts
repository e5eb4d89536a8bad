// Policy rules for the env section.
import "server-only";
import { isStringList, plain, type Rules } from "../policy/walk";

const env = plain(
  (v) => isStringList(v) && v.every((e) => /^[^=\s]+=/.test(e) || /^[^=\s]+$/.test(e)),
  "a list of NAME=value",
);

export const envRules = {
  Config: { Env: env },
  ContainerSpec: { Env: env },
} satisfies Record<string, Rules>;
