// Policy rules for the identity section: user, working dir, host and domain name.
import "server-only";
import { absent, describe, isString, needPrivileged, plain, string, type Rule, type Rules } from "../policy/walk";

const workingDir = plain((v) => isString(v) && (v === "" || v.startsWith("/")), "an absolute path");

/**
 * Supplementary groups of a service's tasks: a host group may own devices or sockets (the docker
 * group owns the engine's), so they are host access, as a container's GroupAdd is.
 */
const groups: Rule = (value, field, walk) => {
  if (absent(value) || (Array.isArray(value) && value.length === 0)) return;
  needPrivileged(walk, field, `adds the groups ${describe(value)} (a host group may own devices)`);
};

export const identityRules = {
  Config: { User: string, WorkingDir: workingDir, Hostname: string, Domainname: string },
  ContainerSpec: { User: string, Dir: workingDir, Hostname: string, Groups: groups },
} satisfies Record<string, Rules>;
