// A container's logs as lines, stdout and stderr told apart. Without a TTY the engine
// multiplexes both streams in frames (an 8-byte header: stream, 0, 0, 0, size); with a TTY
// everything is stdout. Reading is pulled by the consumer, so a slow page slows the read
// from the engine instead of growing memory here.
import type { Readable } from "node:stream";
import type { Fleet } from "./fleet";

export interface LogLine {
  stream: "stdout" | "stderr";
  /** RFC 3339 time from the engine, when asked for */
  time?: string;
  text: string;
}

export interface LogOptions {
  follow: boolean;
  /** lines from the end to start with; "all" for everything */
  tail: number | "all";
  /** unix seconds */
  since?: number;
  until?: number;
  timestamps: boolean;
}

const STREAMS = { 1: "stdout", 2: "stderr" } as const;

/** Splits raw bytes into lines per stream, keeping partial lines until they complete. */
export class LogLineSplitter {
  private partial: Record<"stdout" | "stderr", string> = { stdout: "", stderr: "" };
  private frame: Buffer = Buffer.alloc(0);
  private readonly decoders = { stdout: new TextDecoder(), stderr: new TextDecoder() };

  constructor(
    private readonly multiplexed: boolean,
    private readonly timestamps: boolean,
  ) {}

  push(chunk: Buffer): LogLine[] {
    const lines: LogLine[] = [];
    if (!this.multiplexed) {
      this.take("stdout", chunk, lines);
      return lines;
    }
    this.frame = this.frame.length ? Buffer.concat([this.frame, chunk]) : chunk;
    while (this.frame.length >= 8) {
      const size = this.frame.readUInt32BE(4);
      if (this.frame.length < 8 + size) break;
      const kind = STREAMS[this.frame[0] as 1 | 2] ?? "stdout";
      this.take(kind, this.frame.subarray(8, 8 + size), lines);
      this.frame = this.frame.subarray(8 + size);
    }
    return lines;
  }

  /** What is left when the stream ends. */
  flush(): LogLine[] {
    const lines: LogLine[] = [];
    for (const stream of ["stdout", "stderr"] as const) {
      const rest = this.partial[stream] + this.decoders[stream].decode();
      if (rest) lines.push(this.line(stream, rest));
      this.partial[stream] = "";
    }
    return lines;
  }

  private take(stream: "stdout" | "stderr", bytes: Buffer, out: LogLine[]): void {
    const text = this.partial[stream] + this.decoders[stream].decode(bytes, { stream: true });
    const parts = text.split("\n");
    this.partial[stream] = parts.pop() ?? "";
    for (const part of parts) out.push(this.line(stream, part.endsWith("\r") ? part.slice(0, -1) : part));
  }

  private line(stream: "stdout" | "stderr", raw: string): LogLine {
    if (!this.timestamps) return { stream, text: raw };
    const space = raw.indexOf(" ");
    return space > 0 ? { stream, time: raw.slice(0, space), text: raw.slice(space + 1) } : { stream, text: raw };
  }
}

export async function* containerLogs(
  fleet: Fleet,
  environmentId: string,
  id: string,
  options: LogOptions,
  signal: AbortSignal,
): AsyncGenerator<LogLine[]> {
  const tty = await fleet.call(environmentId, "container inspect", async (docker) =>
    Boolean((await docker.getContainer(id).inspect()).Config.Tty),
  );
  const query = {
    stdout: true,
    stderr: true,
    follow: options.follow,
    // The engine takes "all" or a count; the type says number only.
    tail: (options.tail === "all" ? "all" : options.tail) as number,
    timestamps: options.timestamps,
    ...(options.since !== undefined ? { since: options.since } : {}),
    ...(options.until !== undefined ? { until: options.until } : {}),
  };
  const splitter = new LogLineSplitter(!tty, options.timestamps);
  if (!options.follow) {
    const body = await fleet.call(
      environmentId,
      "container logs",
      async (docker) => await docker.getContainer(id).logs({ ...query, follow: false }),
      { deadlineMs: 30_000 },
    );
    const lines = [...splitter.push(Buffer.from(body)), ...splitter.flush()];
    for (let i = 0; i < lines.length; i += 1000) yield lines.slice(i, i + 1000);
    return;
  }
  const stream = await fleet.openStream<Readable>(
    environmentId,
    "container logs",
    async (docker) => (await docker.getContainer(id).logs({ ...query, follow: true })) as unknown as Readable,
    { signal },
  );
  try {
    for await (const chunk of stream) {
      const lines = splitter.push(chunk as Buffer);
      if (lines.length) yield lines;
    }
    const rest = splitter.flush();
    if (rest.length) yield rest;
  } finally {
    stream.destroy();
  }
}
