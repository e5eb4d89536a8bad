// The replay player's logic, kept apart from React and xterm.js so it can be tested alone:
// reading an asciicast v2 recording, capping idle gaps (like asciinema's idle time limit),
// what the screen holds at a time (for seeking: all output up to t in one write), and a
// clock that plays at 1x to 8x, pauses and seeks.

export type CastKind = "o" | "i" | "r" | "m";

export interface CastEvent {
  /** seconds from the start, after idle gaps were capped */
  t: number;
  kind: CastKind;
  data: string;
}

export interface Cast {
  width: number;
  height: number;
  title: string | null;
  command: string | null;
  /** when the session started (unix seconds), when the header says */
  timestamp: number | null;
  events: CastEvent[];
  /** seconds, after idle gaps were capped */
  duration: number;
  /** whether keystrokes were recorded */
  hasInput: boolean;
}

export const SPEEDS = [1, 2, 4, 8] as const;
export type Speed = (typeof SPEEDS)[number];
/** Gaps longer than this (seconds) play as this long. */
export const IDLE_LIMIT = 2;

export class CastError extends Error {}

/** Parses an asciicast v2 file; throws CastError naming the line that does not fit. */
export function parseCast(text: string, idleLimit = IDLE_LIMIT): Cast {
  const lines = text.split("\n").filter((line) => line.trim() !== "");
  if (!lines.length) throw new CastError("The recording is empty.");
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(lines[0]!) as Record<string, unknown>;
  } catch {
    throw new CastError("The recording's first line is not an asciicast header.");
  }
  if (header.version !== 2)
    throw new CastError(`Only asciicast version 2 can be played (got ${String(header.version)}).`);
  const width = Number(header.width);
  const height = Number(header.height);
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1)
    throw new CastError("The recording's header has no terminal size.");

  const events: CastEvent[] = [];
  let previousRaw = 0;
  let t = 0;
  let hasInput = false;
  for (let i = 1; i < lines.length; i++) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(lines[i]!);
    } catch {
      throw new CastError(`Line ${i + 1} of the recording is not JSON.`);
    }
    if (!Array.isArray(parsed) || parsed.length < 3 || typeof parsed[0] !== "number" || typeof parsed[2] !== "string")
      throw new CastError(`Line ${i + 1} of the recording is not an event.`);
    const [raw, kind, data] = parsed as [number, string, string];
    if (kind !== "o" && kind !== "i" && kind !== "r" && kind !== "m") continue; // unknown kinds are skipped
    // Events are in order; a gap longer than the idle limit plays as the limit.
    const gap = Math.max(0, raw - previousRaw);
    previousRaw = Math.max(previousRaw, raw);
    t += Math.min(gap, idleLimit);
    if (kind === "i") hasInput = true;
    events.push({ t: round(t), kind, data });
  }
  return {
    width,
    height,
    title: typeof header.title === "string" ? header.title : null,
    command: typeof header.command === "string" ? header.command : null,
    timestamp: typeof header.timestamp === "number" ? header.timestamp : null,
    events,
    duration: events.length ? events[events.length - 1]!.t : 0,
    hasInput,
  };
}

const round = (seconds: number) => Math.round(seconds * 1_000_000) / 1_000_000;

/** How many events happen at or before `t` (the index of the first one after it). */
export function countUntil(events: readonly CastEvent[], t: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (events[mid]!.t <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function parseSize(data: string): { cols: number; rows: number } | null {
  const match = /^(\d+)x(\d+)$/.exec(data);
  if (!match) return null;
  const cols = Number(match[1]);
  const rows = Number(match[2]);
  return cols > 0 && rows > 0 ? { cols, rows } : null;
}

export interface Frame {
  /** output to write, in one go */
  output: string;
  /** the terminal size after these events, when one of them resized it */
  size: { cols: number; rows: number } | null;
  /** keystrokes among these events */
  input: string;
}

/**
 * What events `from` (inclusive) to `to` (exclusive) do to the screen, folded into one write.
 * Output written before a resize is kept in order with it: a resize in the middle splits the
 * frame, so the caller gets each part (`frames`).
 */
export function framesBetween(events: readonly CastEvent[], from: number, to: number): Frame[] {
  const frames: Frame[] = [];
  let output = "";
  let input = "";
  for (let i = from; i < to; i++) {
    const event = events[i]!;
    if (event.kind === "o") output += event.data;
    else if (event.kind === "i") input += event.data;
    else if (event.kind === "r") {
      const size = parseSize(event.data);
      if (!size) continue;
      if (output || input) frames.push({ output, size: null, input });
      frames.push({ output: "", size, input: "" });
      output = "";
      input = "";
    }
  }
  if (output || input) frames.push({ output, size: null, input });
  return frames;
}

/** The screen at `t`, from the start: the size then, and all output up to t in one string. */
export function screenAt(
  cast: Cast,
  t: number,
): { size: { cols: number; rows: number }; output: string; input: string } {
  let size = { cols: cast.width, rows: cast.height };
  let output = "";
  let input = "";
  for (const frame of framesBetween(cast.events, 0, countUntil(cast.events, t))) {
    if (frame.size) {
      // Output before the last resize was drawn at the old size; replaying it whole at the
      // new size is what a seek can do in one write.
      size = frame.size;
    }
    output += frame.output;
    input += frame.input;
  }
  return { size, output, input };
}

/**
 * Where playback is, as a function of the wall clock (milliseconds, e.g. performance.now()).
 * Pure: every method takes `now`, so tests drive time by hand.
 */
export class ReplayClock {
  private base = 0;
  private since = 0;
  private running = false;
  private rate: Speed = 1;

  constructor(readonly duration: number) {}

  get playing(): boolean {
    return this.running;
  }

  get speed(): Speed {
    return this.rate;
  }

  /** Seconds into the (idle-capped) recording; stops at the end. */
  position(now: number): number {
    if (!this.running) return this.base;
    const at = this.base + ((now - this.since) / 1000) * this.rate;
    return Math.min(at, this.duration);
  }

  /** Whether playback has reached the end (a running clock stops there). */
  finished(now: number): boolean {
    return this.position(now) >= this.duration;
  }

  play(now: number): void {
    if (this.running) return;
    if (this.base >= this.duration) this.base = 0; // play again from the start
    this.since = now;
    this.running = true;
  }

  pause(now: number): void {
    if (!this.running) return;
    this.base = this.position(now);
    this.running = false;
  }

  /** Ends a run that reached the end (the caller noticed `finished`). */
  stopAtEnd(): void {
    this.base = this.duration;
    this.running = false;
  }

  setSpeed(speed: Speed, now: number): void {
    this.base = this.position(now);
    this.since = now;
    this.rate = speed;
  }

  seek(t: number, now: number): void {
    this.base = Math.min(Math.max(t, 0), this.duration);
    this.since = now;
  }
}

/** m:ss (or h:mm:ss), for elapsed / total. */
export function formatClock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}
