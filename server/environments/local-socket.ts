// On a first start, the local engine's socket (when this process can use it) is offered as
// the first environment. Nothing is added by itself: an administrator says yes.
import { constants } from "node:fs";
import { access, stat } from "node:fs/promises";

export type LocalSocketState = "available" | "missing" | "not-a-socket" | "no-access";

export async function localSocketState(path: string): Promise<LocalSocketState> {
  try {
    const info = await stat(path);
    if (!info.isSocket()) return "not-a-socket";
  } catch {
    return "missing";
  }
  try {
    await access(path, constants.R_OK | constants.W_OK);
    return "available";
  } catch {
    return "no-access";
  }
}
