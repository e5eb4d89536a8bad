// The lines a log page holds, outside React: batches from the server are appended here as
// they come, and the page re-renders at most once per animation frame to show them. Only the
// last `capacity` lines are kept; older ones are dropped and counted. Every line has a
// sequence number that never changes, so the stream filters and search matches (kept as
// sequence numbers, updated with each append) survive the drops.

/** One batch as the server sends it (see LogBatch in server/docker/logs.ts). */
export interface WireBatch {
  text: string;
  runs: number[];
}

export type StreamFilter = "all" | "stdout" | "stderr";

export const STDERR = 2;
export const DEFAULT_CAPACITY = 100_000;

/** Matches of a search, as sequence numbers of lines (one per line, however many hits in it). */
function matches(text: string, needle: string): boolean {
  return text.toLowerCase().includes(needle);
}

export class LogStore {
  /** text of each kept line (timestamp first when asked) */
  private texts: string[] = [];
  /** 2 for stderr, 1 for stdout */
  private streams: number[] = [];
  private stderrSeqs: number[] = [];
  private stdoutSeqs: number[] = [];
  private hits: number[] = [];
  private needle = "";
  /** sequence number of texts[0] */
  private first = 0;
  /** bumped on every change, so a render can tell it is stale */
  version = 0;

  constructor(readonly capacity = DEFAULT_CAPACITY) {}

  get dropped(): number {
    return this.first;
  }

  /** lines ever received (kept + dropped) */
  get total(): number {
    return this.first + this.texts.length;
  }

  get size(): number {
    return this.texts.length;
  }

  clear(): void {
    this.texts = [];
    this.streams = [];
    this.stderrSeqs = [];
    this.stdoutSeqs = [];
    this.hits = [];
    this.first = 0;
    this.version++;
  }

  append(batch: WireBatch): void {
    const lines = batch.text.split("\n");
    let at = 0;
    for (let r = 0; r < batch.runs.length; r += 2) {
      const stream = batch.runs[r] === STDERR ? 2 : 1;
      const seqs = stream === 2 ? this.stderrSeqs : this.stdoutSeqs;
      for (let end = at + batch.runs[r + 1]!; at < end && at < lines.length; at++) {
        const seq = this.first + this.texts.length;
        const text = lines[at]!;
        this.texts.push(text);
        this.streams.push(stream);
        seqs.push(seq);
        if (this.needle && matches(text, this.needle)) this.hits.push(seq);
      }
    }
    // Drop down to nine tenths at a time, so dropping costs little per line.
    if (this.texts.length > this.capacity) this.dropTo(Math.floor(this.capacity * 0.9));
    this.version++;
  }

  private dropTo(keep: number): void {
    const drop = this.texts.length - keep;
    this.texts.splice(0, drop);
    this.streams.splice(0, drop);
    this.first += drop;
    const cut = (list: number[]) => {
      const from = lowerBound(list, this.first);
      if (from) list.splice(0, from);
    };
    cut(this.stderrSeqs);
    cut(this.stdoutSeqs);
    cut(this.hits);
  }

  /** Case-insensitive search over the kept lines; new lines are searched as they come. */
  search(needle: string): void {
    this.needle = needle.toLowerCase();
    this.hits = [];
    if (this.needle) {
      for (let i = 0; i < this.texts.length; i++)
        if (matches(this.texts[i]!, this.needle)) this.hits.push(this.first + i);
    }
    this.version++;
  }

  // ---- a view: the lines of one filter, addressed by row -------------------------------------

  rowCount(filter: StreamFilter): number {
    return filter === "all" ? this.texts.length : this.seqsOf(filter).length;
  }

  /** The sequence number of the row-th line the filter shows. */
  seqAt(filter: StreamFilter, row: number): number {
    return filter === "all" ? this.first + row : this.seqsOf(filter)[row]!;
  }

  line(seq: number): { text: string; stderr: boolean } | undefined {
    const i = seq - this.first;
    const text = this.texts[i];
    return text === undefined ? undefined : { text, stderr: this.streams[i] === 2 };
  }

  /** The row showing line `seq` under the filter, or -1. */
  rowOf(filter: StreamFilter, seq: number): number {
    if (filter === "all") return seq >= this.first && seq < this.total ? seq - this.first : -1;
    const list = this.seqsOf(filter);
    const at = lowerBound(list, seq);
    return list[at] === seq ? at : -1;
  }

  /** Search hits the filter shows, as sequence numbers. */
  hitsFor(filter: StreamFilter): number[] {
    if (filter === "all") return this.hits;
    const want = filter === "stderr" ? 2 : 1;
    return this.hits.filter((seq) => this.streams[seq - this.first] === want);
  }

  private seqsOf(filter: "stdout" | "stderr"): number[] {
    return filter === "stderr" ? this.stderrSeqs : this.stdoutSeqs;
  }
}

/** First index whose value is >= `value` in an ascending list. */
export function lowerBound(list: readonly number[], value: number): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (list[mid]! < value) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** "2026-11-25T10:00:00.123456789Z text" -> [time, text] when timestamps were asked for. */
export function splitTimestamp(line: string): [string | null, string] {
  const space = line.indexOf(" ");
  if (space < 20 || space > 40 || line.charCodeAt(4) !== 45 /* - */) return [null, line];
  return [line.slice(0, space), line.slice(space + 1)];
}
