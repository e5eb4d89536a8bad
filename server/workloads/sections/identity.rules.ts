// Policy rules for the identity section: user, working dir, host and domain name.
import "server-only";
import { isString, plain, string, stringList, type Rules } from "../policy/walk";

const workingDir = plain((v) => isString(v) && (v === "" || v.startsWith("/")), "an absolute path");

export const identityRules = {
  Config: { User: string, WorkingDir: workingDir, Hostname: string, Domainname: string },
  ContainerSpec: { User: string, Dir: workingDir, Hostname: string, Groups: stringList },
} satisfies Record<string, Rules>;
