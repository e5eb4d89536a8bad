// ExecBridge: one browser terminal <-> one `docker exec` with a TTY. Binary frames carry
// terminal bytes both ways; text frames carry JSON control messages. The exec's output is
// backpressured against the websocket, the client is pinged, the caller's permission is
// re-checked while the session lives, and however the session ends its processes are ended
// in the container and the end is on the record.
import type { WebSocket } from "ws";
import { openExec, type ExecSession } from "../docker/index";
import { loadEffectivePermissions, can } from "../rbac/permissions";
import type { Actor, RequestInfo, Services } from "../trpc/context";
import { SessionRecorder } from "./recorder";

export interface ConsoleRequest {
  environmentId: string;
  containerId: string;
  command: string;
  user?: string;
  workingDir?: string;
  cols: number;
  rows: number;
}

const PING_EVERY_MS = 20_000;
const RECHECK_EVERY_MS = 5_000;
/** Above this many bytes queued to the browser, stop reading from the exec. */
const HIGH_WATER = 256 * 1024;
const LOW_WATER = 64 * 1024;

type Control = { type: "resize"; cols: number; rows: number } | { type: "ping" };

function parseControl(text: string): Control | null {
  try {
    const msg = JSON.parse(text) as Record<string, unknown>;
    if (msg.type === "resize" && Number.isInteger(msg.cols) && Number.isInteger(msg.rows)) {
      const cols = Math.min(Math.max(msg.cols as number, 2), 1000);
      const rows = Math.min(Math.max(msg.rows as number, 2), 500);
      return { type: "resize", cols, rows };
    }
    if (msg.type === "ping") return { type: "ping" };
  } catch {
    /* not JSON: ignored */
  }
  return null;
}

/** Every live session, so shutdown can end them all and limits can be counted. */
export class ConsoleRegistry {
  private readonly sessions = new Map<
    string,
    { userId: string; open: boolean; end: (reason: string) => Promise<void> }
  >();
  private next = 0;

  /** Consoles the user has open (one being cleaned up after its tab closed does not count). */
  countFor(userId: string): number {
    let n = 0;
    for (const s of this.sessions.values()) if (s.userId === userId && s.open) n++;
    return n;
  }

  get size(): number {
    return this.sessions.size;
  }

  add(userId: string, end: (reason: string) => Promise<void>) {
    const key = String(this.next++);
    const entry = { userId, open: true, end };
    this.sessions.set(key, entry);
    return {
      closed: () => void (entry.open = false),
      remove: () => void this.sessions.delete(key),
    };
  }

  async endAll(reason: string): Promise<void> {
    await Promise.all([...this.sessions.values()].map((s) => s.end(reason)));
  }
}

function send(socket: WebSocket, message: Record<string, unknown>): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
}

export async function runConsole(
  services: Services,
  registry: ConsoleRegistry,
  socket: WebSocket,
  actor: Actor,
  request: RequestInfo,
  input: ConsoleRequest,
): Promise<void> {
  const started = performance.now();
  const abort = new AbortController();
  const title = `${input.containerId.slice(0, 12)} on ${input.environmentId}`;

  // The session is on the record before anything runs in the container.
  let eventId: string;
  try {
    eventId = await services.audit.begin({
      actorUserId: actor.userId,
      actorUsername: actor.username,
      actorTokenId: actor.tokenId,
      ip: request.ip,
      userAgent: request.userAgent,
      action: "console.exec",
      permission: "container.exec",
      environmentId: input.environmentId,
      targetKind: "container",
      targetId: input.containerId,
      params: { command: input.command, user: input.user, workingDir: input.workingDir },
    });
  } catch {
    send(socket, { type: "error", message: "The audit trail cannot be written, so no console was opened." });
    socket.close(1011, "audit unavailable");
    return;
  }

  let session: ExecSession | undefined;
  let ended = false;
  let endReason = "closed";
  let outcome: "ok" | "error" = "ok";
  const timers: NodeJS.Timeout[] = [];
  let recorder: SessionRecorder | undefined;

  let ending: Promise<void> | undefined;
  // Idempotent: every later caller (shutdown included) waits for the same cleanup.
  const end = (reason: string, message?: string, failed = false): Promise<void> =>
    (ending ??= finish(reason, message, failed));
  const finish = async (reason: string, message: string | undefined, failed: boolean): Promise<void> => {
    ended = true;
    endReason = reason;
    if (failed) outcome = "error";
    for (const t of timers) clearInterval(t);
    abort.abort();
    if (message) send(socket, { type: "exit", reason, message });
    if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING)
      socket.close(1000, reason.slice(0, 100));
    const cleanedUp = session ? await session.terminate().catch(() => false) : true;
    await recorder?.finish().catch(() => undefined);
    registration.remove();
    await services.audit
      .complete(eventId, {
        outcome,
        error: failed ? (message ?? reason) : null,
        durationMs: Math.round(performance.now() - started),
        patch: {
          params: {
            command: session?.argv.join(" ") ?? input.command,
            user: input.user,
            workingDir: input.workingDir,
            execId: session?.execId,
            bytesOut: recorder?.bytesOut ?? 0,
            bytesIn: recorder?.bytesIn ?? 0,
            ended: reason,
            processesEnded: cleanedUp,
          },
        },
      })
      .catch((error: unknown) => console.error("console: cannot complete the audit event:", error));
  };
  const registration = registry.add(actor.userId, (reason) => end(reason, "Stevedore is shutting down."));

  socket.on("close", () => {
    registration.closed();
    void end(endReason === "closed" ? "browser closed" : endReason);
  });
  socket.on("error", () => void end("socket error"));

  recorder = new SessionRecorder(
    services.prisma,
    eventId,
    { width: input.cols, height: input.rows, command: input.command, title, recordInput: false },
    () => void end("recording failed", "The session recording cannot be written, so the console was closed.", true),
  );
  try {
    await recorder.start();
  } catch {
    recorder = undefined;
    return end("recording failed", "The session recording cannot be written, so no console was opened.", true);
  }

  try {
    session = await openExec(services.fleet, input.environmentId, input.containerId, input, abort.signal);
  } catch (error) {
    const message = error instanceof Error ? error.message : "The console could not be opened.";
    return end("open failed", message, true);
  }
  if (ended) {
    await session.terminate();
    return;
  }
  send(socket, { type: "ready", command: session.argv.join(" "), execId: session.execId });

  const exec = session;
  exec.stream.on("data", (chunk: Buffer) => {
    recorder?.output(chunk);
    if (socket.readyState !== socket.OPEN) return;
    socket.send(chunk, { binary: true });
    if (socket.bufferedAmount > HIGH_WATER) {
      exec.stream.pause();
      const wait = setInterval(() => {
        if (socket.readyState !== socket.OPEN || socket.bufferedAmount < LOW_WATER) {
          clearInterval(wait);
          exec.stream.resume();
        }
      }, 10);
      timers.push(wait);
    }
  });
  exec.stream.on("end", () => {
    void (async () => {
      const state = await exec.inspect().catch(() => null);
      const container = await services.fleet
        .call(
          input.environmentId,
          "container inspect",
          async (docker) => (await docker.getContainer(input.containerId).inspect()).State,
        )
        .catch(() => null);
      if (container && !container.Running) return end("container stopped", "The container stopped.");
      const code = state?.exitCode;
      await end("exited", `The command exited${code === null || code === undefined ? "" : ` with code ${code}`}.`);
    })();
  });

  socket.on("message", (data: Buffer, isBinary: boolean) => {
    if (isBinary) {
      recorder?.input(data);
      exec.stream.write(data);
      return;
    }
    const control = parseControl(data.toString("utf8"));
    if (control?.type === "resize") {
      recorder?.resize(control.cols, control.rows);
      exec.resize(control.cols, control.rows).then(
        () => send(socket, { type: "resized", cols: control.cols, rows: control.rows }),
        () => undefined,
      );
    } else if (control?.type === "ping") {
      send(socket, { type: "pong" });
    }
  });

  // Heartbeats well under the 60 s idle limit of common proxies; a silent client is dropped.
  let alive = true;
  socket.on("pong", () => (alive = true));
  timers.push(
    setInterval(() => {
      if (!alive) return void end("client vanished");
      alive = false;
      socket.ping();
    }, PING_EVERY_MS),
  );

  // Revoking the permission reaches an open console within seconds.
  timers.push(
    setInterval(() => {
      void (async () => {
        const user = await services.prisma.user.findUnique({ where: { id: actor.userId } });
        const perms = await loadEffectivePermissions(services.prisma, actor.userId);
        if (!user || user.disabled || !can(perms, "container.exec", input.environmentId)) {
          await end("permission revoked", "Your permission to use this console was revoked.");
        }
      })().catch(() => undefined);
    }, RECHECK_EVERY_MS),
  );
}
