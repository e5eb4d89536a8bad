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
const NEWLINE_BYTE = Buffer.from("\n");
const STDOUT = 1;
const STDERR = 2;

/** A frame's payload shorter than this is copied and scanned byte by byte (no native calls). */
const SMALL_PAYLOAD = 256;
/** The batch buffer kept between batches; a larger one (a huge line) is let go after its batch. */
const KEPT_OUTPUT_BYTES = 1024 * 1024;

/**
 * Splits raw engine bytes into batches of whole lines, keeping partial lines until they complete.
 * The engine sends a followed log a frame per line, so the per-frame work is kept small: the
 * completed lines are copied once into one output buffer (a short frame byte by byte while its
 * newlines are counted), which is decoded once per batch.
 */
export class LogLineSplitter {
  private frame: Buffer = Buffer.alloc(0);
  /** unfinished line per stream (index 1 and 2) */
  private readonly partial: Buffer[][] = [[], [], []];
  private readonly partialBytes = [0, 0, 0];
  /**
   * Per stream: its last line was cut at MAX_LINE_BYTES. A newline that comes next ends that
   * line, which is already out: it is not a line of its own (a line of exactly 64 KiB, or
   * any multiple, would otherwise be followed by an empty one).
   */
  private readonly cut = [false, false, false];
  /** completed lines of the batch, each ending with a newline: out[0, used) */
  private out: Buffer = Buffer.allocUnsafe(64 * 1024);
  private used = 0;
  private runs: number[] = [];

  constructor(private readonly multiplexed: boolean) {}

  push(chunk: Buffer): LogBatch | undefined {
    if (!this.multiplexed) {
      this.take(STDOUT, chunk, 0, chunk.length);
      return this.batch();
    }
    const frame = this.frame.length ? Buffer.concat([this.frame, chunk]) : chunk;
    let at = 0;
    while (frame.length - at >= 8) {
      const size = frame.readUInt32BE(at + 4);
      const end = at + 8 + size;
      if (frame.length < end) break;
      this.take(frame[at] === STDERR ? STDERR : STDOUT, frame, at + 8, end);
      at = end;
    }
    // Keep only the unfinished frame, copied, so the chunk it came in can be freed.
    this.frame = at === frame.length ? Buffer.alloc(0) : Buffer.from(frame.subarray(at));
    return this.batch();
  }

  /** What is left when the stream ends: unfinished lines become lines. */
  flush(): LogBatch | undefined {
    for (const stream of [STDOUT, STDERR]) if (this.partialBytes[stream]) this.completePartial(stream);
    return this.batch();
  }

  /** `bytes[start, end)` from `stream`: its complete lines to the batch, the rest kept. */
  private take(stream: number, bytes: Buffer, start: number, end: number): void {
    if (start === end) return;
    if (this.cut[stream]) {
      this.cut[stream] = false;
      if (bytes[start] === NEWLINE && ++start === end) return;
    }
    if (this.partialBytes[stream] || end - start >= SMALL_PAYLOAD) return this.takeLong(stream, bytes, start, end);
    // The usual frame: a line or a few, short. Copied while its newlines are counted.
    this.reserve(end - start);
    const out = this.out;
    let used = this.used;
    let lines = 0;
    let afterLast = start;
    for (let i = start; i < end; i++) {
      const byte = bytes[i]!;
      out[used++] = byte;
      if (byte === NEWLINE) {
        lines++;
        afterLast = i + 1;
      }
    }
    // What follows the last newline is not a line yet: taken back out and kept.
    this.used = used - (end - afterLast);
    if (afterLast < end) this.keepPartial(stream, bytes.subarray(afterLast, end));
    if (lines) this.count(stream, lines);
  }

  /** A long payload, or one that finishes a line begun earlier. */
  private takeLong(stream: number, bytes: Buffer, start: number, end: number): void {
    const payload = bytes.subarray(start, end);
    const last = payload.lastIndexOf(NEWLINE);
    if (last === -1) return this.keepPartial(stream, payload);
    if (this.partialBytes[stream]) {
      for (const piece of this.partial[stream]!) this.append(piece, 0, piece.length);
      this.partial[stream] = [];
      this.partialBytes[stream] = 0;
    }
    let lines = 0;
    for (let i = payload.indexOf(NEWLINE); i !== -1 && i <= last; i = payload.indexOf(NEWLINE, i + 1)) lines++;
    this.append(payload, 0, last + 1);
    this.count(stream, lines);
    if (last + 1 < payload.length) this.keepPartial(stream, payload.subarray(last + 1));
  }

  private keepPartial(stream: number, piece: Buffer): void {
    this.partial[stream]!.push(Buffer.from(piece));
    this.partialBytes[stream]! += piece.length;
    if (this.partialBytes[stream]! >= MAX_LINE_BYTES) {
      this.completePartial(stream);
      this.cut[stream] = true;
    }
  }

  /** The unfinished line of `stream` becomes a line (cut at MAX_LINE_BYTES, or the end). */
  private completePartial(stream: number): void {
    for (const piece of this.partial[stream]!) this.append(piece, 0, piece.length);
    this.append(NEWLINE_BYTE, 0, 1);
    this.partial[stream] = [];
    this.partialBytes[stream] = 0;
    this.count(stream, 1);
  }

  private count(stream: number, lines: number): void {
    const runs = this.runs;
    if (runs.length && runs[runs.length - 2] === stream) runs[runs.length - 1]! += lines;
    else runs.push(stream, lines);
  }

  private append(bytes: Buffer, start: number, end: number): void {
    this.reserve(end - start);
    this.used += bytes.copy(this.out, this.used, start, end);
  }

  private reserve(bytes: number): void {
    if (this.used + bytes <= this.out.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.out.length * 2, this.used + bytes));
    this.out.copy(grown, 0, 0, this.used);
    this.out = grown;
  }

  private batch(): LogBatch | undefined {
    if (!this.used) return undefined;
    // One decode per batch: the bytes end at a newline (left out), so no character is cut in two.
    let text = this.out.toString("utf8", 0, this.used - 1);
    if (text.includes("\r")) text = text.replace(/\r(?=\n|$)/g, "");
    const batch = { text, runs: this.runs };
    this.used = 0;
    this.runs = [];
    if (this.out.length > KEPT_OUTPUT_BYTES) this.out = Buffer.allocUnsafe(64 * 1024);
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

/**
 * What the stream has, once the consumer asks: the engine sends a log line per write, so a
 * batch lingers up to BATCH_LINGER_MS (or BATCH_MAX_BYTES) for more, instead of one message
 * per line. Nothing is read between asks, so the socket's buffer fills and TCP stops the
 * engine: a consumer that does not ask holds the engine stream still. The stream's listeners
 * are set once for the whole stream and a batch has one timer: a followed log wakes this
 * loop for every few lines, so each wake costs only a promise.
 */
export async function* pulled(stream: Readable, signal: AbortSignal): AsyncGenerator<Buffer> {
  let wake: (() => void) | undefined;
  let failure: { error: Error } | undefined;
  const notify = () => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  const failed = (error: Error) => {
    failure ??= { error };
    notify();
  };
  const throwIfFailed = () => {
    if (failure) throw failure.error;
  };
  /** Resolves when the stream has something to read, ends, fails, the signal aborts, or the batch's timer fires. */
  const woken = () => new Promise<void>((resolve) => (wake = resolve));
  stream.on("readable", notify);
  stream.on("end", notify);
  stream.on("close", notify);
  stream.on("error", failed);
  signal.addEventListener("abort", notify);
  let linger: NodeJS.Timeout | undefined;
  try {
    for (;;) {
      signal.throwIfAborted();
      throwIfFailed();
      const first = stream.read() as Buffer | null;
      if (first === null) {
        if (stream.readableEnded || stream.destroyed) {
          if (stream.errored) throw stream.errored;
          return;
        }
        await woken();
        continue;
      }
      const chunks = [first];
      let size = first.length;
      logStreamCounters.bytesFromEngine += first.length;
      // The batch goes when its timer has fired, whatever the clock says: a timer may fire a
      // fraction of a millisecond before performance.now() reaches its time, and a loop that then
      // waited again had nothing left to wake it while the container printed nothing more (the
      // last lines of a flood stayed on the server until the next line came).
      let lingered = false;
      linger = setTimeout(() => {
        lingered = true;
        notify();
      }, BATCH_LINGER_MS);
      while (size < BATCH_MAX_BYTES && !signal.aborted) {
        const more = stream.read() as Buffer | null;
        if (more !== null) {
          chunks.push(more);
          size += more.length;
          logStreamCounters.bytesFromEngine += more.length;
          continue;
        }
        throwIfFailed();
        if (lingered || stream.readableEnded || stream.destroyed) break;
        await woken();
      }
      clearTimeout(linger);
      yield chunks.length === 1 ? first : Buffer.concat(chunks, size);
    }
  } finally {
    clearTimeout(linger);
    stream.off("readable", notify);
    stream.off("end", notify);
    stream.off("close", notify);
    stream.off("error", failed);
    signal.removeEventListener("abort", notify);
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
