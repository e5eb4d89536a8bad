// Attaching to a container's main process (`docker attach`) over the Engine API. Detaching
// only closes the hijacked connection: nothing is ever sent that could stop the container
// (no EOF on its input, no signal). A container started without a TTY speaks the engine's
// multiplexed format (an 8-byte header per frame naming stdout or stderr); that is taken
// apart here, and its bare line feeds become CR LF so a terminal shows lines, not stairs.
import { Transform, type Duplex, type Readable, type TransformCallback } from "node:stream";
import { ContainerNotRunningError } from "./errors";
import type { Fleet } from "./fleet";

export interface AttachOptions {
  /** the caller may type into the process (it also holds container.exec) */
  writable: boolean;
}

export interface AttachSession {
  /** the container was started with a TTY */
  tty: boolean;
  /** what PID 1 runs, for the status line */
  command: string;
  /** input reaches the process; when false, `readOnlyReason` says why */
  writable: boolean;
  readOnlyReason: string | null;
  /** the process's output as a terminal shows it (demultiplexed when there is no TTY) */
  output: Readable;
  write(data: Buffer): void;
  resize(cols: number, rows: number): Promise<void>;
  /** Closes the connection. Never stops the container. */
  detach(): void;
  /** The container's state now (after the output ended: did it stop, and how). */
  state(): Promise<{ running: boolean; exitCode: number | null }>;
}

/**
 * Takes apart the engine's multiplexed stream: frames of [kind, 0, 0, 0, size (u32 BE)]
 * followed by `size` bytes, kind 1 stdout and 2 stderr. Frames may be split or joined
 * arbitrarily across chunks. With `crlf`, a line feed not already after a carriage return
 * becomes CR LF.
 */
export class Demultiplexer extends Transform {
  private header = Buffer.alloc(8);
  private headerFill = 0;
  private remaining = 0;
  private lastByte = 0;

  constructor(private readonly crlf = true) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.remaining === 0) {
        const take = Math.min(8 - this.headerFill, chunk.length - at);
        chunk.copy(this.header, this.headerFill, at, at + take);
        this.headerFill += take;
        at += take;
        if (this.headerFill < 8) break;
        this.headerFill = 0;
        this.remaining = this.header.readUInt32BE(4);
        continue;
      }
      const take = Math.min(this.remaining, chunk.length - at);
      this.emitPayload(chunk.subarray(at, at + take));
      this.remaining -= take;
      at += take;
    }
    done();
  }

  private emitPayload(payload: Buffer): void {
    if (!payload.length) return;
    if (!this.crlf) return void this.push(payload);
    let extra = 0;
    for (let i = 0; i < payload.length; i++) {
      if (payload[i] === 0x0a && (i === 0 ? this.lastByte : payload[i - 1]) !== 0x0d) extra++;
    }
    if (extra === 0) {
      this.lastByte = payload[payload.length - 1]!;
      return void this.push(payload);
    }
    const out = Buffer.allocUnsafe(payload.length + extra);
    let o = 0;
    for (let i = 0; i < payload.length; i++) {
      const byte = payload[i]!;
      if (byte === 0x0a && (i === 0 ? this.lastByte : payload[i - 1]) !== 0x0d) out[o++] = 0x0d;
      out[o++] = byte;
    }
    this.lastByte = payload[payload.length - 1]!;
    this.push(out);
  }
}

/** Why input cannot reach this container's main process, or null when it can. */
export function attachInputProblem(config: { Tty?: boolean; OpenStdin?: boolean; StdinOnce?: boolean }): string | null {
  if (!config.OpenStdin)
    return "Its main process was started without an open input (docker run -i), so it reads no input.";
  // The engine closes such a process's input when the client that attached it goes: a
  // detach could then end the process.
  if (config.StdinOnce && !config.Tty)
    return "Its input closes when a client detaches (stdin once), so Stevedore attaches read-only to keep it running.";
  return null;
}

export async function attachContainer(
  fleet: Fleet,
  environmentId: string,
  containerId: string,
  options: AttachOptions,
  signal: AbortSignal,
): Promise<AttachSession> {
  let tty = false;
  let command = "";
  let writable = false;
  let readOnlyReason: string | null = null;

  const socket = (await fleet.openStream(
    environmentId,
    "attach",
    async (docker) => {
      const container = docker.getContainer(containerId);
      const info = await container.inspect();
      if (!info.State.Running) {
        throw new ContainerNotRunningError(environmentId, info.State.Status, "attach to its main process");
      }
      tty = Boolean(info.Config.Tty);
      command = [info.Path, ...(info.Args ?? [])].filter(Boolean).join(" ");
      const problem = attachInputProblem(info.Config);
      writable = options.writable && problem === null;
      readOnlyReason = options.writable ? problem : "read-only: you may watch, not type (that needs container.exec).";
      return container.attach({ stream: true, stdin: writable, stdout: true, stderr: true, hijack: true });
    },
    { signal, deadlineMs: 10_000 },
  )) as unknown as Duplex;

  const output: Readable = tty ? socket : socket.pipe(new Demultiplexer(true));
  if (!tty) socket.on("error", (error) => output.destroy(error));

  const state = () =>
    fleet.call(environmentId, "container inspect", async (docker) => {
      const info = await docker.getContainer(containerId).inspect();
      return { running: info.State.Running, exitCode: info.State.Running ? null : (info.State.ExitCode ?? null) };
    });

  return {
    tty,
    command,
    writable,
    readOnlyReason,
    output,
    write(data) {
      if (writable && !socket.destroyed) socket.write(data);
    },
    async resize(cols, rows) {
      // The TTY belongs to the container: only someone who may type may size it.
      if (!tty || !writable) return;
      await fleet.call(environmentId, "container resize", async (docker) => {
        await docker.getContainer(containerId).resize({ h: rows, w: cols });
      });
    },
    detach() {
      // destroy, never end(): a half-close is EOF on the process's input.
      socket.destroy();
      if (output !== socket) output.destroy();
    },
    state,
  };
}
