// Policy rules for the command section: the process and how it is attached. All plain.
import "server-only";
import { bool, nonNegativeInt, string, stringList, type Rules } from "../policy/walk";

export const commandRules = {
  Config: {
    Cmd: stringList,
    Entrypoint: stringList,
    Tty: bool,
    OpenStdin: bool,
    StdinOnce: bool,
    AttachStdin: bool,
    AttachStdout: bool,
    AttachStderr: bool,
    StopSignal: string,
    StopTimeout: nonNegativeInt,
  },
  HostConfig: { Init: bool },
  ContainerSpec: {
    Command: stringList,
    Args: stringList,
    TTY: bool,
    OpenStdin: bool,
    StopSignal: string,
    Init: bool,
  },
} satisfies Record<string, Rules>;
