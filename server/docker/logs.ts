// A container's logs as batches of whole lines, stdout and stderr told apart. Without a TTY
// the engine multiplexes both streams in frames (an 8-byte header: stream, 0, 0, 0, size);
// with a TTY everything is stdout.
//
// Reading is pulled by the consumer: each batch is everything the engine stream has buffered
// when the consumer asks for the next one (so a slow consumer gets fewer, larger batches), and
// while nobody asks, nothing is read, the socket's buffer fills and the engine stops sending.
// Memory per stream is bounded by the socket buffers plus one batch (BATCH_MAX_BYTES) plus
// MAX_LINE_BYTES per stream of an unfinished line.
import type { Readable } from "node:stream";
import type { Fleet } from "./fleet";

/**
 * Whole lines, oldest first, joined with "\n" (a line never holds one). With timestamps
 * asked for, each line starts with the engine's RFC 3339 time and a space. `runs` says which
 * stream each line came from: [stream, count, stream, count, ...] with 1 = stdout, 2 = stderr.
 */
export interface LogBatch {
  text: string;
  runs: number[];
}

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
  /** both when not given */
  stdout?: boolean;
  stderr?: boolean;
}

/** A line longer than this without a newline is cut here (a progress bar drawn with \r forever). */
export const MAX_LINE_BYTES = 64 * 1024;
const NEWLINE = 10;
const STDOUT = 1;
const STDERR = 2;

/** Splits raw engine bytes into batches of whole lines, keeping partial lines until they complete. */
export class LogLineSplitter {
  private frame: Buffer = Buffer.alloc(0);
  /** unfinished line per stream (index 1 and 2) */
  private readonly partial: Buffer[][] = [[], [], []];
  private readonly partialBytes = [0, 0, 0];
  private parts: Buffer[] = [];
  private runs: number[] = [];

  constructor(private readonly multiplexed: boolean) {}

  push(chunk: Buffer): LogBatch | undefined {
    if (!this.multiplexed) {
      this.take(STDOUT, chunk);
      return this.batch();
    }
    this.frame = this.frame.length ? Buffer.concat([this.frame, chunk]) : chunk;
    let at = 0;
    while (this.frame.length - at >= 8) {
      const size = this.frame.readUInt32BE(at + 4);
      if (this.frame.length - at < 8 + size) break;
      this.take(this.frame[at] === STDERR ? STDERR : STDOUT, this.frame.subarray(at + 8, at + 8 + size));
      at += 8 + size;
    }
    // Keep only the unfinished frame, copied, so the chunk it came in can be freed.
    this.frame = at === this.frame.length ? Buffer.alloc(0) : Buffer.from(this.frame.subarray(at));
    return this.batch();
  }

  /** What is left when the stream ends: unfinished lines become lines. */
  flush(): LogBatch | undefined {
    for (const stream of [STDOUT, STDERR]) {
      if (this.partialBytes[stream]) this.complete(stream, [...this.partial[stream]!, Buffer.from("\n")]);
      this.partial[stream] = [];
      this.partialBytes[stream] = 0;
    }
    return this.batch();
  }

  private take(stream: number, bytes: Buffer): void {
    const last = bytes.lastIndexOf(NEWLINE);
    if (last === -1) {
      this.partial[stream]!.push(Buffer.from(bytes));
      this.partialBytes[stream]! += bytes.length;
      if (this.partialBytes[stream]! >= MAX_LINE_BYTES) {
        this.complete(stream, [...this.partial[stream]!, Buffer.from("\n")]);
        this.partial[stream] = [];
        this.partialBytes[stream] = 0;
      }
      return;
    }
    const head = bytes.subarray(0, last + 1);
    this.complete(stream, this.partialBytes[stream] ? [...this.partial[stream]!, head] : [head]);
    const rest = bytes.subarray(last + 1);
    this.partial[stream] = rest.length ? [Buffer.from(rest)] : [];
    this.partialBytes[stream] = rest.length;
  }

  /** `pieces` end with a newline. */
  private complete(stream: number, pieces: Buffer[]): void {
    let count = 0;
    for (const piece of pieces) {
      for (let i = piece.indexOf(NEWLINE); i !== -1; i = piece.indexOf(NEWLINE, i + 1)) count++;
      this.parts.push(piece);
    }
    const runs = this.runs;
    if (runs.length && runs[runs.length - 2] === stream) runs[runs.length - 1]! += count;
    else runs.push(stream, count);
  }

  private batch(): LogBatch | undefined {
    if (!this.parts.length) return undefined;
    // One decode per batch: the bytes end at a newline, so no character is cut in two.
    let text = (this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts)).toString("utf8", 0);
    text = text.slice(0, -1);
    if (text.includes("\r")) text = text.replace(/\r(?=\n|$)/g, "");
    const batch = { text, runs: this.runs };
    this.parts = [];
    this.runs = [];
    return batch;
  }
}

/** A batch as lines, for code that wants one object per line (tests, small readers). */
export function batchLines(batch: LogBatch, timestamps: boolean): LogLine[] {
  const texts = batch.text.split("\n");
  const lines: LogLine[] = [];
  let at = 0;
  for (let r = 0; r < batch.runs.length; r += 2) {
    const stream = batch.runs[r] === STDERR ? "stderr" : "stdout";
    for (let end = at + batch.runs[r + 1]!; at < end; at++) {
      const raw = texts[at]!;
      const space = timestamps ? raw.indexOf(" ") : -1;
      lines.push(space > 0 ? { stream, time: raw.slice(0, space), text: raw.slice(space + 1) } : { stream, text: raw });
    }
  }
  return lines;
}

/** Bytes read from engines' log streams by this process, for tests and diagnostics. */
export const logStreamCounters = { bytesFromEngine: 0 };

/** A batch waits this long for more lines before it goes (well under a frame at 60 Hz). */
export const BATCH_LINGER_MS = 10;
/** ... and goes at once when it holds this much. */
export const BATCH_MAX_BYTES = 256 * 1024;

/** Resolves when the stream has something to read, ends, fails, the signal aborts, or `ms` pass. */
function readable(stream: Readable, signal: AbortSignal, ms?: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const done = () => {
      clearTimeout(timer);
      stream.off("readable", done);
      stream.off("end", done);
      stream.off("close", done);
      stream.off("error", failed);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const failed = (error: Error) => {
      done();
      reject(error);
    };
    if (ms !== undefined) timer = setTimeout(done, ms);
    stream.on("readable", done);
    stream.on("end", done);
    stream.on("close", done);
    stream.on("error", failed);
    signal.addEventListener("abort", done, { once: true });
  });
}

/**
 * What the stream has, once the consumer asks: the engine sends a log line per write, so a
 * batch lingers up to BATCH_LINGER_MS (or BATCH_MAX_BYTES) for more, instead of one message
 * per line. Nothing is read between asks, so the socket's buffer fills and TCP stops the
 * engine: a consumer that does not ask holds the engine stream still.
 */
export async function* pulled(stream: Readable, signal: AbortSignal): AsyncGenerator<Buffer> {
  for (;;) {
    signal.throwIfAborted();
    const first = stream.read() as Buffer | null;
    if (first === null) {
      if (stream.readableEnded || stream.destroyed) {
        if (stream.errored) throw stream.errored;
        return;
      }
      await readable(stream, signal);
      continue;
    }
    const chunks = [first];
    let size = first.length;
    logStreamCounters.bytesFromEngine += first.length;
    const deadline = performance.now() + BATCH_LINGER_MS;
    while (size < BATCH_MAX_BYTES && !signal.aborted) {
      const more = stream.read() as Buffer | null;
      if (more !== null) {
        chunks.push(more);
        size += more.length;
        logStreamCounters.bytesFromEngine += more.length;
        continue;
      }
      const left = deadline - performance.now();
      if (left <= 0 || stream.readableEnded || stream.destroyed) break;
      await readable(stream, signal, left);
    }
    yield chunks.length === 1 ? first : Buffer.concat(chunks, size);
  }
}

/** The engine's log stream for a container, opened with the fleet's deadline and signal. */
async function openLogStream(
  fleet: Fleet,
  environmentId: string,
  id: string,
  options: LogOptions,
  signal: AbortSignal,
): Promise<{ stream: Readable; tty: boolean }> {
  const tty = await fleet.call(environmentId, "container inspect", async (docker) =>
    Boolean((await docker.getContainer(id).inspect()).Config.Tty),
  );
  const query = {
    stdout: options.stdout ?? true,
    stderr: options.stderr ?? true,
    follow: options.follow,
    tail: options.tail === "all" ? "all" : String(options.tail),
    timestamps: options.timestamps,
    ...(options.since !== undefined ? { since: options.since } : {}),
    ...(options.until !== undefined ? { until: options.until } : {}),
  };
  const stream = await fleet.openStream<Readable>(
    environmentId,
    "container logs",
    // dockerode buffers the whole answer unless it follows; ask the modem for a stream either way.
    (docker) =>
      new Promise<Readable>((resolve, reject) => {
        docker.modem.dial(
          {
            path: `/containers/${encodeURIComponent(id)}/logs?`,
            method: "GET",
            isStream: true,
            statusCodes: { 200: true, 404: "no such container", 500: "server error" },
            options: query,
          },
          (error: Error | null, data: unknown) => (error ? reject(error) : resolve(data as Readable)),
        );
      }),
    { signal },
  );
  return { stream, tty };
}

/** Batches of whole lines; follows new output when asked. Ends when the signal aborts. */
export async function* containerLogs(
  fleet: Fleet,
  environmentId: string,
  id: string,
  options: LogOptions,
  signal: AbortSignal,
): AsyncGenerator<LogBatch> {
  const { stream, tty } = await openLogStream(fleet, environmentId, id, options, signal);
  const splitter = new LogLineSplitter(!tty);
  try {
    for await (const chunk of pulled(stream, signal)) {
      const batch = splitter.push(chunk);
      if (batch) yield batch;
    }
    const rest = splitter.flush();
    if (rest) yield rest;
  } finally {
    stream.destroy();
  }
}

/**
 * The log text itself, frames stripped, for a download: bytes as the container wrote them,
 * stdout and stderr interleaved in the engine's order. Pulled like containerLogs.
 */
export async function* containerLogText(
  fleet: Fleet,
  environmentId: string,
  id: string,
  options: Omit<LogOptions, "follow">,
  signal: AbortSignal,
): AsyncGenerator<Buffer> {
  const { stream, tty } = await openLogStream(fleet, environmentId, id, { ...options, follow: false }, signal);
  let frame: Buffer = Buffer.alloc(0);
  let endsWithNewline = true;
  try {
    for await (const chunk of pulled(stream, signal)) {
      let out: Buffer;
      if (tty) out = chunk;
      else {
        frame = frame.length ? Buffer.concat([frame, chunk]) : chunk;
        const payloads: Buffer[] = [];
        let at = 0;
        while (frame.length - at >= 8) {
          const size = frame.readUInt32BE(at + 4);
          if (frame.length - at < 8 + size) break;
          payloads.push(frame.subarray(at + 8, at + 8 + size));
          at += 8 + size;
        }
        frame = at === frame.length ? Buffer.alloc(0) : Buffer.from(frame.subarray(at));
        out = Buffer.concat(payloads);
      }
      if (!out.length) continue;
      endsWithNewline = out[out.length - 1] === NEWLINE;
      yield out;
    }
    // A last line without its newline still counts as a line in a text file.
    if (!endsWithNewline) yield Buffer.from("\n");
  } finally {
    stream.destroy();
  }
}
