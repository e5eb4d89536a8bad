// Records a console session as asciicast v2 (header line, then [seconds, "o"|"i"|"r", data]
// lines), written to the database as the session runs. A failed write is reported to the
// session, which ends (strict mode) rather than run unrecorded.
//
// The hot path (a chunk of terminal output) only decodes the bytes and appends the text to
// the session's pending event; chunks that arrive in the same millisecond join one event.
// Encoding to JSON and writing happen once per tick for every open session together (one
// insert of many rows), so a hundred busy consoles cost one write a second, not a hundred.
import { createHash } from "node:crypto";
import type { PrismaClient } from "../generated/prisma/client";

export interface RecorderOptions {
  width: number;
  height: number;
  command: string;
  title: string;
  /** record keystrokes too (off by default: they may hold passwords typed at prompts) */
  recordInput: boolean;
}

type Kind = "o" | "i" | "r";

/** Every open session's recording, written together once per tick. */
export class RecordingStore {
  private readonly open = new Set<SessionRecorder>();
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    readonly prisma: PrismaClient,
    private readonly flushEveryMs = 1000,
  ) {}

  add(recorder: SessionRecorder): void {
    this.open.add(recorder);
    if (!this.timer) {
      this.timer = setInterval(() => void this.flush(), this.flushEveryMs);
      this.timer.unref();
    }
  }

  remove(recorder: SessionRecorder): void {
    this.open.delete(recorder);
    if (!this.open.size && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  /** Resolves once the writes begun so far are done. */
  settled(): Promise<void> {
    return this.writing;
  }

  /** Writes what every open session has pending; resolves once it (and earlier writes) are stored. */
  flush(): Promise<void> {
    const rows: { eventId: string; seq: number; data: string }[] = [];
    const owners: SessionRecorder[] = [];
    for (const recorder of this.open) {
      const row = recorder.drain();
      if (row) {
        rows.push(row);
        owners.push(recorder);
      }
    }
    if (!rows.length) return this.writing;
    this.writing = this.writing.then(() =>
      insertChunks(this.prisma, rows).then(
        () => undefined,
        (error: unknown) => {
          for (const owner of owners) owner.failed(error);
        },
      ),
    );
    return this.writing;
  }
}

/**
 * One statement of one shape however many rows: the query compiler plans a createMany anew for
 * each row count (tens of milliseconds for a hundred rows, blocking every console meanwhile).
 */
function insertChunks(prisma: PrismaClient, rows: { eventId: string; seq: number; data: string }[]) {
  return prisma.$executeRaw`
    INSERT INTO "ConsoleRecordingChunk" ("eventId", "seq", "data")
    SELECT * FROM unnest(${rows.map((r) => r.eventId)}::text[], ${rows.map((r) => r.seq)}::int[], ${rows.map((r) => r.data)}::text[])`;
}

const stores = new WeakMap<PrismaClient, RecordingStore>();

/** The one store per database: every session's chunks share its writes. */
export function recordingStoreFor(prisma: PrismaClient): RecordingStore {
  let store = stores.get(prisma);
  if (!store) stores.set(prisma, (store = new RecordingStore(prisma)));
  return store;
}

export class SessionRecorder {
  private readonly started = performance.now();
  private readonly decoder = new TextDecoder("utf-8");
  /** encoded event lines waiting for the next write */
  private lines: string[] = [];
  /** the newest event, still open for chunks of the same kind in the same millisecond */
  private kind: Kind | null = null;
  private ms = -1;
  private text = "";
  private seq = 0;
  private done = false;
  /** a write failed: the stored recording is missing parts, so no digest is claimed for it */
  private lost = false;
  /** SHA-256 of every chunk in order, each followed by a newline: the recording as replayed. */
  private readonly digest = createHash("sha256");
  bytesOut = 0;
  bytesIn = 0;

  constructor(
    private readonly store: RecordingStore,
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
    const data = JSON.stringify(header);
    await this.store.prisma.consoleRecordingChunk.create({ data: { eventId: this.eventId, seq: this.seq++, data } });
    this.digest.update(data).update("\n");
    this.store.add(this);
  }

  private push(kind: Kind, text: string): void {
    const ms = Math.round(performance.now() - this.started);
    if (kind === this.kind && ms === this.ms && kind !== "r") {
      this.text += text;
      return;
    }
    this.close();
    this.kind = kind;
    this.ms = ms;
    this.text = text;
  }

  /** Encodes the open event (if any) into a line. */
  private close(): void {
    if (this.kind === null) return;
    this.lines.push(`[${(this.ms / 1000).toFixed(3)},"${this.kind}",${JSON.stringify(this.text)}]`);
    this.kind = null;
    this.text = "";
  }

  output(chunk: Buffer): void {
    this.bytesOut += chunk.length;
    // Multi-byte characters split across chunks are kept whole by the streaming decoder.
    const text = this.decoder.decode(chunk, { stream: true });
    if (text) this.push("o", text);
  }

  input(chunk: Buffer): void {
    this.bytesIn += chunk.length;
    if (this.options.recordInput) this.push("i", chunk.toString("utf8"));
  }

  resize(cols: number, rows: number): void {
    this.push("r", `${cols}x${rows}`);
  }

  /** The lines gathered since the last write, as the next chunk (the store calls this). */
  drain(): { eventId: string; seq: number; data: string } | null {
    this.close();
    if (!this.lines.length) return null;
    const data = this.lines.join("\n");
    this.lines = [];
    this.digest.update(data).update("\n");
    return { eventId: this.eventId, seq: this.seq++, data };
  }

  /**
   * What the session's audit completion records of its recording, so that audit:verify can
   * tell a recording changed or removed in the database from the one written (call after finish).
   */
  summary(): { sha256: string; chunks: number } | null {
    return this.seq && !this.lost ? { sha256: this.digest.copy().digest("hex"), chunks: this.seq } : null;
  }

  failed(error: unknown): void {
    this.lost = true;
    if (!this.done) this.onFailure(error);
  }

  /** Writes what is left; resolves when everything is stored. */
  async finish(): Promise<void> {
    const tail = this.decoder.decode();
    if (tail) this.push("o", tail);
    const row = this.drain();
    this.store.remove(this);
    this.done = true;
    if (row) {
      await this.store.prisma.consoleRecordingChunk.create({ data: row }).catch((error: unknown) => {
        this.lost = true;
        throw error;
      });
    }
    await this.store.settled();
  }
}

/** The whole recording as an asciicast v2 file. */
export async function loadRecording(prisma: PrismaClient, eventId: string): Promise<string | null> {
  const chunks = await prisma.consoleRecordingChunk.findMany({ where: { eventId }, orderBy: { seq: "asc" } });
  if (!chunks.length) return null;
  return chunks.map((c) => c.data).join("\n") + "\n";
}
