// What a console's status line can say, and the words for how a session ended.

export type ConsoleStatus =
  | { phase: "connecting" }
  | { phase: "connected"; command: string }
  | { phase: "ended"; message: string; failed: boolean };

/** Server control messages (text frames). */
export type ServerControl =
  | { type: "ready"; command: string; execId: string }
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

export function execSocketUrl(environmentId: string, containerId: string, cols: number, rows: number): string {
  const params = new URLSearchParams({
    environmentId,
    containerId,
    cmd: "auto",
    cols: String(cols),
    rows: String(rows),
  });
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  return `${scheme}://${location.host}/api/ws/exec?${params.toString()}`;
}
