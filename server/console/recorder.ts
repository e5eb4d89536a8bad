// Records a console session as asciicast v2 (header line, then [seconds, "o"|"i", data]
// lines), written to the database in chunks as the session runs. A failed write is reported
// to the caller, who ends the session (strict mode) rather than let it run unrecorded.
import type { PrismaClient } from "../generated/prisma/client";

export interface RecorderOptions {
  width: number;
  height: number;
  command: string;
  title: string;
  /** record keystrokes too (off by default: they may hold passwords typed at prompts) */
  recordInput: boolean;
  flushEveryMs?: number;
}

export class SessionRecorder {
  private readonly started = performance.now();
  private pending: string[] = [];
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private readonly decoder = new TextDecoder("utf-8");
  bytesOut = 0;
  bytesIn = 0;

  constructor(
    private readonly prisma: PrismaClient,
    readonly eventId: string,
    private readonly options: RecorderOptions,
    private readonly onFailure: (error: unknown) => void,
  ) {}

  /** Writes the header; throws when the recording cannot be stored at all. */
  async start(): Promise<void> {
    const header = {
      version: 2,
      width: this.options.width,
      height: this.options.height,
      timestamp: Math.floor(Date.now() / 1000),
      command: this.options.command,
      title: this.options.title,
      env: { TERM: "xterm-256color" },
    };
    await this.prisma.consoleRecordingChunk.create({
      data: { eventId: this.eventId, seq: this.seq++, data: JSON.stringify(header) },
    });
    this.timer = setInterval(() => void this.flush(), this.options.flushEveryMs ?? 1000);
    this.timer.unref();
  }

  private at(): number {
    return Math.round(performance.now() - this.started) / 1000;
  }

  output(chunk: Buffer): void {
    this.bytesOut += chunk.length;
    // Multi-byte characters split across chunks are kept whole by the streaming decoder.
    const text = this.decoder.decode(chunk, { stream: true });
    if (text) this.pending.push(JSON.stringify([this.at(), "o", text]));
  }

  input(chunk: Buffer): void {
    this.bytesIn += chunk.length;
    if (this.options.recordInput) this.pending.push(JSON.stringify([this.at(), "i", chunk.toString("utf8")]));
  }

  resize(cols: number, rows: number): void {
    this.pending.push(JSON.stringify([this.at(), "r", `${cols}x${rows}`]));
  }

  private flush(): Promise<void> {
    if (!this.pending.length) return this.writing;
    const lines = this.pending.join("\n");
    this.pending = [];
    const seq = this.seq++;
    this.writing = this.writing
      .then(() => this.prisma.consoleRecordingChunk.create({ data: { eventId: this.eventId, seq, data: lines } }))
      .then(
        () => undefined,
        (error: unknown) => this.onFailure(error),
      );
    return this.writing;
  }

  /** Writes what is left; resolves when everything is stored. */
  async finish(): Promise<void> {
    clearInterval(this.timer);
    const tail = this.decoder.decode();
    if (tail) this.pending.push(JSON.stringify([this.at(), "o", tail]));
    await this.flush();
  }
}

/** The whole recording as an asciicast v2 file. */
export async function loadRecording(prisma: PrismaClient, eventId: string): Promise<string | null> {
  const chunks = await prisma.consoleRecordingChunk.findMany({ where: { eventId }, orderBy: { seq: "asc" } });
  if (!chunks.length) return null;
  return chunks.map((c) => c.data).join("\n") + "\n";
}
