// Policy rules for the files section: swarm secrets and configs are given by reference. A
// secret's reference is plain: its data is write-only for people (no permission reads it), and
// a secret is for workloads, so whoever may run a service may give it one. A config's data is
// readable, with config.data.read: a service given a config can print it (its logs, its
// console), so each config it is given needs config.data.read, as reading the data does.
import "server-only";
import {
  CONFIG_DATA,
  describe,
  isRecord,
  list,
  nonNegativeInt,
  object,
  string,
  type Rule,
  type Rules,
} from "../policy/walk";

const file = object({ Name: string, UID: string, GID: string, Mode: nonNegativeInt });
const configRef = object({ File: file, Runtime: object({}), ConfigID: string, ConfigName: string });

const config: Rule = (value, field, walk) => {
  configRef(value, field, walk);
  const name = isRecord(value) ? (value.ConfigName ?? value.ConfigID) : value;
  walk.out.push({
    field,
    message: `gives the workload config ${describe(name)}, whose data it can print`,
    permission: CONFIG_DATA,
  });
};

export const filesRules = {
  ContainerSpec: {
    Secrets: list(object({ File: file, SecretID: string, SecretName: string })),
    Configs: list(config),
  },
} satisfies Record<string, Rules>;
