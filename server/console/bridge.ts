// The console bridge: one browser terminal <-> one process in a container, either a new
// `docker exec` with a TTY (runConsole) or the container's main process (runAttach). Binary
// frames carry terminal bytes both ways; text frames carry JSON control messages. Output is
// backpressured against the websocket, the client is pinged, the caller's permission is
// re-checked while the session lives, and however the session ends the end is on the record
// (an exec's processes are ended in the container; an attach only lets go).
import type { Readable } from "node:stream";
import type { WebSocket } from "ws";
import { containerNames } from "../audit/names";
import { attachContainer, openExec, type AttachSession, type ExecSession } from "../docker/index";
import { auditEntry } from "../audit/entry";
import type { Permission } from "../rbac/catalogue";
import { can, type EffectivePermissions } from "../rbac/permissions";
import type { Actor, RequestInfo, Services } from "../core/context";
import { permissionRechecksFor } from "./rechecks";
import { recordingStoreFor, SessionRecorder } from "./recorder";
import { recordConsoleInput } from "./settings";

export interface ConsoleRequest {
  environmentId: string;
  containerId: string;
  command: string;
  user?: string;
  workingDir?: string;
  cols: number;
  rows: number;
  /** policy permissions the container needs (it reaches the host): revoking one ends the console */
  requires?: readonly Permission[];
}

const PING_EVERY_MS = 20_000;
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

/**
 * Every console, so shutdown can end them all and the per-user limit can be kept. A slot is
 * taken (synchronously, so a burst cannot slip past the count) when a request is admitted,
 * before anything is asked of an engine; the session then runs in it, and every way out (a
 * refused or failed upgrade, a browser that leaves early, the end) gives it back.
 */
export class ConsoleRegistry {
  private readonly slots = new Map<
    number,
    { userId: string; counted: boolean; end?: (reason: string) => Promise<void> }
  >();
  private next = 0;

  /** Consoles the user holds: admitted or open (one being cleaned up after its tab closed does not count). */
  countFor(userId: string): number {
    let n = 0;
    for (const s of this.slots.values()) if (s.userId === userId && s.counted) n++;
    return n;
  }

  get size(): number {
    return this.slots.size;
  }

  /** A slot for one more console of this user, or null when they hold `limit` already. */
  reserve(userId: string, limit: number): ConsoleSlot | null {
    if (this.countFor(userId) >= limit) return null;
    const key = this.next++;
    const entry: { userId: string; counted: boolean; end?: (reason: string) => Promise<void> } = {
      userId,
      counted: true,
    };
    this.slots.set(key, entry);
    return {
      activate: (end) => {
        entry.end = end;
        return {
          closed: () => void (entry.counted = false),
          remove: () => void this.slots.delete(key),
        };
      },
      release: () => void this.slots.delete(key),
    };
  }

  async endAll(reason: string): Promise<void> {
    await Promise.all([...this.slots.values()].map((s) => s.end?.(reason) ?? Promise.resolve()));
  }
}

/** One console's place under the per-user limit, from admission to its very end. */
export interface ConsoleSlot {
  /** The session starts running in the slot; `end` is how shutdown ends it. */
  activate(end: (reason: string) => Promise<void>): { closed(): void; remove(): void };
  /** Gives the slot back when no session will run in it (the upgrade never completed). */
  release(): void;
}

function send(socket: WebSocket, message: Record<string, unknown>): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
}

/** A process the browser's terminal is joined to, as the bridge sees it. */
interface Joined {
  output: Readable;
  /** null: read-only */
  write: ((data: Buffer) => void) | null;
  resize(cols: number, rows: number): Promise<void>;
  /** extra fields of the "ready" message */
  ready: Record<string, unknown>;
  /** Lets go of the process (an exec's processes are ended); what to add to the record. */
  release(): Promise<Record<string, unknown>>;
  /** After the output ended: why, in words. */
  whyEnded(): Promise<{ reason: string; message: string }>;
}

interface SessionSpec {
  action: "console.exec" | "console.attach";
  permission: Permission;
  input: { environmentId: string; containerId: string; cols: number; rows: number };
  command: string;
  params: Record<string, unknown>;
  open(signal: AbortSignal): Promise<Joined>;
  /** With fresh permissions: keep the session, end it, or keep it without input. */
  recheck(perms: EffectivePermissions): "keep" | "end" | "read-only";
}

async function runSession(
  services: Services,
  slot: ConsoleSlot,
  socket: WebSocket,
  actor: Actor,
  request: RequestInfo,
  spec: SessionSpec,
): Promise<void> {
  const started = performance.now();
  const abort = new AbortController();
  const { input } = spec;
  // The recording's title names the container and its environment as people know them.
  const names = containerNames(services.fleet, input.environmentId, input.containerId);
  const title = `${names.containerName ?? input.containerId.slice(0, 12)} on ${names.environmentName ?? input.environmentId}`;

  // The session is on the record before anything runs in (or joins) the container.
  const beginning = services.audit.begin(
    auditEntry(actor, request, spec.action, {
      permission: spec.permission,
      environmentId: input.environmentId,
      targetKind: "container",
      targetId: input.containerId,
      params: spec.params,
    }),
  );

  let joined: Joined | undefined;
  let ended = false;
  let endReason = "closed";
  let outcome: "ok" | "error" = "ok";
  const timers: NodeJS.Timeout[] = [];
  let recorder: SessionRecorder | undefined;
  let recorderStarting: Promise<void> = Promise.resolve();
  let stopRechecks = () => undefined as void;
  let readyFields: Record<string, unknown> = {};

  let ending: Promise<void> | undefined;
  // Idempotent: every later caller (shutdown included) waits for the same cleanup. It may come
  // at any point of the set-up (a browser that leaves at once, a shutdown): it waits for what
  // is in flight, so the event is always completed and the slot always given back.
  const end = (reason: string, message?: string, failed = false): Promise<void> =>
    (ending ??= finish(reason, message, failed));
  const finish = async (reason: string, message: string | undefined, failed: boolean): Promise<void> => {
    ended = true;
    endReason = reason;
    if (failed) outcome = "error";
    for (const t of timers) clearInterval(t);
    stopRechecks();
    abort.abort();
    if (message) send(socket, { type: "exit", reason, message });
    if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING)
      socket.close(1000, reason.slice(0, 100));
    const released = joined ? await joined.release().catch(() => ({})) : {};
    await recorderStarting.catch(() => undefined);
    await recorder?.finish().catch(() => undefined);
    registration.remove();
    const eventId = await beginning.catch(() => undefined);
    if (!eventId) return;
    await services.audit
      .complete(eventId, {
        outcome,
        error: failed ? (message ?? reason) : null,
        durationMs: Math.round(performance.now() - started),
        // What audit:verify checks the stored recording against.
        recording: recorder?.summary() ?? null,
        patch: {
          params: {
            ...spec.params,
            ...readyFields,
            ...released,
            bytesOut: recorder?.bytesOut ?? 0,
            bytesIn: recorder?.bytesIn ?? 0,
            ended: reason,
          },
        },
      })
      .catch((error: unknown) => console.error("console: cannot complete the audit event:", error));
  };
  const registration = slot.activate((reason) => end(reason, "Stevedore is shutting down."));

  socket.on("close", () => {
    registration.closed();
    void end(endReason === "closed" ? "browser closed" : endReason);
  });
  socket.on("error", () => void end("socket error"));

  let eventId: string;
  try {
    eventId = await beginning;
  } catch {
    send(socket, { type: "error", message: "The audit trail cannot be written, so no console was opened." });
    socket.close(1011, "audit unavailable");
    return end("audit unavailable");
  }
  if (ended) return;

  // Read per session: a change of the setting applies to the next console opened.
  const recordInput = await recordConsoleInput(services.prisma).catch(() => false);
  if (ended) return;
  const rec = new SessionRecorder(
    recordingStoreFor(services.prisma),
    eventId,
    { width: input.cols, height: input.rows, command: spec.command, title, recordInput },
    () => void end("recording failed", "The session recording cannot be written, so the console was closed.", true),
  );
  recorder = rec;
  recorderStarting = rec.start();
  try {
    await recorderStarting;
  } catch {
    recorder = undefined;
    return end("recording failed", "The session recording cannot be written, so no console was opened.", true);
  }
  if (ended) return;

  try {
    joined = await spec.open(abort.signal);
  } catch (error) {
    const message = error instanceof Error ? error.message : "The console could not be opened.";
    return end("open failed", message, true);
  }
  if (ended) {
    await joined.release().catch(() => undefined);
    return;
  }
  const session = joined;
  let write = session.write;
  readyFields = session.ready;
  send(socket, { type: "ready", ...session.ready, writable: write !== null });

  const output = session.output;
  let waiting: NodeJS.Timeout | undefined;
  output.on("data", (chunk: Buffer) => {
    rec.output(chunk);
    if (socket.readyState !== socket.OPEN) return;
    socket.send(chunk, { binary: true });
    if (waiting === undefined && socket.bufferedAmount > HIGH_WATER) {
      output.pause();
      waiting = setInterval(() => {
        if (socket.readyState !== socket.OPEN || socket.bufferedAmount < LOW_WATER) {
          clearInterval(waiting);
          // Cleared: out of the list of what the end must clear, so a long flood does not grow it.
          timers.splice(timers.indexOf(waiting!), 1);
          waiting = undefined;
          output.resume();
        }
      }, 10);
      timers.push(waiting);
    }
  });
  output.on("error", () => undefined); // the end is reported by "close"/"end"
  let sawEnd = false;
  const onEnd = () => {
    if (ended || sawEnd) return;
    sawEnd = true;
    void session.whyEnded().then(
      ({ reason, message }) => end(reason, message),
      () => end("exited", "The process ended."),
    );
  };
  output.on("end", onEnd);
  output.on("close", onEnd);

  socket.on("message", (data: Buffer, isBinary: boolean) => {
    if (isBinary) {
      if (!write) return; // read-only: watching is all
      rec.input(data);
      write(data);
      return;
    }
    const control = parseControl(data.toString("utf8"));
    if (control?.type === "resize") {
      if (!write) return; // the size of a terminal one may not type into is not one's to change
      rec.resize(control.cols, control.rows);
      session.resize(control.cols, control.rows).then(
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

  // Revoking the permission, or ending the credential the console was opened with, reaches
  // an open console within seconds.
  stopRechecks = permissionRechecksFor(services.prisma).watch(actor, (perms) => {
    const verdict = perms ? spec.recheck(perms) : "end";
    if (!perms)
      void end("signed out", "Your sign-in ended (signed out, token revoked or expired, or account disabled).");
    else if (verdict === "end") void end("permission revoked", "Your permission to use this console was revoked.");
    else if (verdict === "read-only" && write) {
      write = null;
      send(socket, {
        type: "mode",
        writable: false,
        message: "read-only: your permission to type here (container.exec) was revoked; you may still watch.",
      });
    }
  });
}

/**
 * Who may keep a console open when it was admitted by another permission than container.exec
 * (a swarm task's console: service.exec on its cluster), and what its record adds.
 */
export interface ConsoleAccess {
  permission: Permission;
  allowed(perms: EffectivePermissions): boolean;
  params: Record<string, unknown>;
}

/** A new process in the container: `docker exec -it`. */
export function runConsole(
  services: Services,
  slot: ConsoleSlot,
  socket: WebSocket,
  actor: Actor,
  request: RequestInfo,
  input: ConsoleRequest,
  access?: ConsoleAccess,
): Promise<void> {
  return runSession(services, slot, socket, actor, request, {
    action: "console.exec",
    permission: access?.permission ?? "container.exec",
    input,
    command: input.command,
    params: { command: input.command, user: input.user, workingDir: input.workingDir, ...access?.params },
    recheck: (perms) =>
      (access ? access.allowed(perms) : can(perms, "container.exec", input.environmentId)) &&
      holdsAll(perms, input.environmentId, input.requires)
        ? "keep"
        : "end",
    async open(signal) {
      const exec: ExecSession = await openExec(services.fleet, input.environmentId, input.containerId, input, signal);
      return {
        output: exec.stream,
        write: (data) => void exec.stream.write(data),
        resize: (cols, rows) => exec.resize(cols, rows),
        ready: { command: exec.argv.join(" "), execId: exec.execId },
        release: async () => ({ processesEnded: await exec.terminate().catch(() => false) }),
        async whyEnded() {
          const state = await exec.inspect().catch(() => null);
          const container = await services.fleet
            .call(
              input.environmentId,
              "container inspect",
              async (docker) => (await docker.getContainer(input.containerId).inspect()).State,
            )
            .catch(() => null);
          if (container && !container.Running)
            return { reason: "container stopped", message: "The container stopped." };
          const code = state?.exitCode;
          return {
            reason: "exited",
            message: `The command exited${code === null || code === undefined ? "" : ` with code ${code}`}.`,
          };
        },
      };
    },
  });
}

export interface AttachRequest {
  environmentId: string;
  containerId: string;
  cols: number;
  rows: number;
  /** the actor also holds container.exec here (and the container's host access), so may type into the process */
  mayWrite: boolean;
  /** policy permissions the container needs (it reaches the host): revoking one ends typing */
  requires?: readonly Permission[];
  /** why the attachment is read-only, when the caller decided it (else the engine layer says) */
  readOnlyReason?: string;
}

function holdsAll(perms: EffectivePermissions, environmentId: string, required: readonly Permission[] = []) {
  return required.every((permission) => can(perms, permission, environmentId));
}

/** The container's main process (`docker attach`): watched always, typed into only with container.exec. */
export function runAttach(
  services: Services,
  slot: ConsoleSlot,
  socket: WebSocket,
  actor: Actor,
  request: RequestInfo,
  input: AttachRequest,
): Promise<void> {
  return runSession(services, slot, socket, actor, request, {
    action: "console.attach",
    permission: "container.attach",
    input,
    command: "attach",
    params: { attach: true, mayWrite: input.mayWrite },
    recheck: (perms) =>
      !can(perms, "container.attach", input.environmentId)
        ? "end"
        : can(perms, "container.exec", input.environmentId) && holdsAll(perms, input.environmentId, input.requires)
          ? "keep"
          : "read-only",
    async open(signal) {
      const attached: AttachSession = await attachContainer(
        services.fleet,
        input.environmentId,
        input.containerId,
        { writable: input.mayWrite },
        signal,
      );
      if (attached.writable) await attached.resize(input.cols, input.rows).catch(() => undefined);
      return {
        output: attached.output,
        write: attached.writable ? (data) => attached.write(data) : null,
        resize: (cols, rows) => attached.resize(cols, rows),
        ready: {
          command: attached.command,
          tty: attached.tty,
          readOnlyReason: attached.writable ? null : (input.readOnlyReason ?? attached.readOnlyReason),
        },
        release: () => {
          // Only the connection goes: the container keeps running.
          attached.detach();
          return Promise.resolve({ detached: true });
        },
        async whyEnded() {
          const state = await attached.state().catch(() => null);
          if (state && !state.running)
            return {
              reason: "container stopped",
              message: `The container stopped${state.exitCode === null ? "" : ` (exit code ${state.exitCode})`}.`,
            };
          return { reason: "detached", message: "The engine ended the attachment; the container still runs." };
        },
      };
    },
  });
}
