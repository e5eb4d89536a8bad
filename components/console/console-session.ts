// What a console's status line can say, and the words for how a session ended.

export type ConsoleStatus =
  | { phase: "connecting" }
  /** readOnly: why input does not reach the process, when it does not */
  | { phase: "connected"; command: string; readOnly: string | null }
  | { phase: "ended"; message: string; failed: boolean };

/** What a console tab is joined to: a new process (exec) or the container's main one (attach). */
export type SessionTarget =
  | {
      kind: "exec";
      command: string;
      user?: string;
      workdir?: string;
      /** a swarm task's container: /api/ws/task-exec finds it on its node's engine */
      taskId?: string;
    }
  | { kind: "attach" };

/** A tab's name: the command, or "attach". */
export function targetLabel(target: SessionTarget): string {
  if (target.kind === "attach") return "attach";
  const command = target.command === "auto" ? "shell" : target.command;
  return target.user ? `${command} (${target.user})` : command;
}

/** Server control messages (text frames). */
export type ServerControl =
  | {
      type: "ready";
      command: string;
      execId?: string;
      writable?: boolean;
      tty?: boolean;
      readOnlyReason?: string | null;
    }
  | { type: "mode"; writable: boolean; message: string }
  | { type: "resized"; cols: number; rows: number }
  | { type: "exit"; reason: string; message: string }
  | { type: "error"; message: string }
  | { type: "pong" };

export function parseServerControl(text: string): ServerControl | null {
  try {
    const message = JSON.parse(text) as { type?: unknown };
    return typeof message.type === "string" ? (message as ServerControl) : null;
  } catch {
    return null;
  }
}

/**
 * The browser's WebSocket hides the HTTP status of a refused upgrade, so a socket that closes
 * before it ever opened gets every likely reason, in plain words.
 */
export const REFUSED_MESSAGE =
  "The console could not be opened. You may not have permission to open a console here, your session may have ended, or you have too many consoles open. Reload the page or ask an administrator.";

export function closedMessage(code: number, reason: string): string {
  if (code === 1000 || code === 1005) return reason ? `The console was closed (${reason}).` : "The console was closed.";
  if (code === 1006) return "The connection to Stevedore was lost.";
  return `The console was closed (${reason || `code ${code}`}).`;
}

/** The websocket that joins a terminal of `cols`×`rows` to `target`. */
export function consoleSocketUrl(
  environmentId: string,
  containerId: string,
  target: SessionTarget,
  cols: number,
  rows: number,
): string {
  const params = new URLSearchParams({ environmentId, cols: String(cols), rows: String(rows) });
  if (target.kind === "exec" && target.taskId) params.set("taskId", target.taskId);
  else params.set("containerId", containerId);
  if (target.kind === "exec") {
    params.set("cmd", target.command.trim() || "auto");
    if (target.user?.trim()) params.set("user", target.user.trim());
    if (target.workdir?.trim()) params.set("workdir", target.workdir.trim());
  }
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const path = target.kind === "exec" && target.taskId ? "task-exec" : target.kind;
  return `${scheme}://${location.host}/api/ws/${path}?${params.toString()}`;
}
