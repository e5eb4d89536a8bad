// How a fleet-wide list and the fleet's live feed are joined without waiting for each other and
// without losing a change between the two. Transport-free: the hook (use-live-list.ts) wires it
// to tRPC and the query cache; the tests drive it against a simulated server.
//
// The list is read at once, beside the feed connecting. Each list answer carries, per
// environment, the stamp of the picture it was read from (its version and whether it was warm);
// the feed's first message (`start`) carries the same stamps as of the moment it began hearing
// changes. Then:
// - a read sent after the feed started misses nothing: every change after the server read it
//   reaches the page on the feed, and the feed's changes heard since the read was sent are
//   applied over the answer (each change is the whole object or its removal, so applying again
//   one the answer already holds changes nothing);
// - a read sent before the feed started may have missed the changes between the read and the
//   start, but only for environments whose stamp at the start is newer than the read's (or
//   that were warm at the start and not at the read, or came or went): those are read again.
//   For the others the read equals the picture at the start, and the feed's changes since the
//   start are applied over it;
// - a feed that reconnects lost what happened while it was away: everything is read again.
//
// A page may also ask for a first screen ahead of the whole list (the top rows of its view, a few
// kilobytes where the whole list is most of a megabyte): it is shown until the whole list is
// held, with the feed's changes applied to it as they come, and never becomes the held list. It
// cannot make the held list wrong: the whole list is read and joined to the feed as above,
// whatever the first screen showed, and a first screen that answers after it is dropped.
import {
  applyPictureEvents,
  mergeEnvironments,
  type LiveKind,
  type LiveListData,
  type PictureEvent,
} from "./live-list-model";

/** Where one environment's picture of a kind stood (server/docker/picture.ts `PictureStamp`). */
export interface Stamp {
  warm: boolean;
  version: number;
}
export type Stamps = Record<string, Stamp>;

/** A list answer with the stamps it was read at (every `<kind>.list` sends them). */
export type StampedList<T extends { environmentId: string } = { environmentId: string }> = LiveListData<T> & {
  stamps?: Stamps;
};

/**
 * The environments that may have changed between a read stamped `read` and a feed that started
 * at `start`: newer at the start, warm only at the start, or present in one and not the other.
 * Without stamps (an older server) every environment of the start.
 */
export function movedBetween(read: Stamps | undefined, start: Stamps): string[] {
  if (!read) return Object.keys(start);
  const moved: string[] = [];
  for (const [id, s] of Object.entries(start)) {
    const r = read[id];
    if (!r || s.version > r.version || (s.warm && !r.warm)) moved.push(id);
  }
  for (const id of Object.keys(read)) if (!(id in start)) moved.push(id);
  return moved;
}

/** What the sync needs from its surroundings: the list procedure and the held list. */
export interface LiveListIO<D extends StampedList> {
  /** Reads the list (only these environments, or all). */
  read(environmentIds?: string[], signal?: AbortSignal): Promise<D>;
  /** The list held now (undefined before the first answer). */
  get(): D | undefined;
  /** Changes the held list (nothing when none is held). */
  update(change: (held: D) => D): void;
  /** Has the whole list read again; its answer comes through `readAll`. */
  rereadAll(): void;
  /** Reads the first screen (the top of the page's view); without it, there is none. */
  readFirst?(signal?: AbortSignal): Promise<D>;
  /** Shows a first screen while no list is held (called only then). */
  preview?(data: D): void;
}

interface Read {
  /** The feed connection (count of starts) the read was sent under. */
  connection: number;
  /** Whether that connection had started (its stamps known) when the read was sent. */
  afterStart: boolean;
  /** The feed's changes from this index on (in `log`) came after the read was sent. */
  from: number;
  environmentIds: ReadonlySet<string> | "all";
}

export class LiveListSync<D extends StampedList> {
  /** Starts heard: 0 until the feed first starts. */
  private connection = 0;
  private start: Stamps | null = null;
  /** The current connection's changes, kept while a read may need them: log[i] is change base + i. */
  private log: PictureEvent[] = [];
  private base = 0;
  private readonly reads = new Set<Read>();
  /** The stamps of the held list when it was read before the feed started (to check at the start). */
  private unverified: Stamps | undefined | null = null;
  /** Changes heard but not yet applied to the held list (applied in batches, see `flush`). */
  private pending: PictureEvent[] = [];
  /** The first screen shown until the whole list is held (null when none is, or no longer). */
  private shown: D | null = null;
  /** Whether a whole read has been answered: from then on the held list is all that is shown. */
  private wholeHeld = false;

  constructor(
    private readonly kind: LiveKind,
    private readonly io: LiveListIO<D>,
  ) {}

  /** Reads the whole list and answers it current: what the held list is replaced with. */
  async readAll(signal?: AbortSignal): Promise<D> {
    const read = this.begin("all");
    try {
      const answer = await this.io.read(undefined, signal);
      const { data, moved } = this.settle(read, answer);
      this.wholeHeld = true;
      this.shown = null;
      if (moved.length) this.readAgain(moved);
      return data;
    } finally {
      this.end(read);
    }
  }

  /**
   * Reads the first screen and shows it, current with the feed's changes since it was sent, when
   * no list is held yet. Does nothing once one is (a list read again keeps showing the old one).
   */
  async readFirst(signal?: AbortSignal): Promise<void> {
    if (!this.io.readFirst || !this.io.preview || this.wholeHeld || this.io.get() !== undefined) return;
    // One came with the page (its server render): that one is shown.
    if (this.shown) return;
    const read = this.begin("all");
    try {
      const answer = await this.io.readFirst(signal);
      if (this.wholeHeld || this.io.get() !== undefined) return;
      // The changes heard since it was sent (or since the feed's start, when sent before it).
      // What moved between a read sent before the start and the start stays as read until the
      // whole list comes: a first screen is shown, never held.
      const since = this.log.slice(Math.max(0, this.needsFrom(read) - this.base));
      this.shown = applyPictureEvents(answer, this.kind, since);
      this.io.preview(this.shown);
    } finally {
      this.end(read);
    }
  }

  /**
   * A first screen that came with the page (read by its server render, before the feed started):
   * shown as one this sync read itself would be, with the feed's changes applied to it, until
   * the whole list comes. Nothing when a list is held already (a page opened again).
   */
  showFirst(data: D): void {
    if (this.wholeHeld || this.io.get() !== undefined) return;
    this.shown = data;
  }

  /** Reads some environments again and merges them over the held list. */
  async readSome(environmentIds: string[]): Promise<void> {
    if (!environmentIds.length) return;
    const read = this.begin(new Set(environmentIds));
    try {
      const answer = await this.io.read(environmentIds);
      const { data, moved } = this.settle(read, answer);
      this.io.update((held) => mergeEnvironments(held, data, environmentIds));
      if (moved.length) this.readAgain(moved);
    } finally {
      this.end(read);
    }
  }

  /** The feed (re)started with these stamps. */
  started(stamps: Stamps): void {
    this.connection++;
    this.start = stamps;
    // Changes of an earlier connection are no use after a gap: reads settle against the start.
    this.base += this.log.length;
    this.log = [];
    // Nor are the changes not yet applied: what is read after this start holds them or newer,
    // and one of them applied over it could bring back what the gap changed.
    this.pending = [];
    if (this.unverified !== null) {
      const moved = movedBetween(this.unverified, stamps);
      this.unverified = null;
      this.readAgain(moved);
    } else if (this.io.get() !== undefined) {
      // Held from before (an earlier connection, or the cache of an earlier visit): what
      // happened while no feed was there is unknown.
      this.io.rereadAll();
    }
  }

  /** The feed's changes, in order. Applied at the next `flush`. */
  heard(events: readonly PictureEvent[]): void {
    if (this.reads.size) for (const event of events) this.log.push(event);
    for (const event of events) this.pending.push(event);
  }

  /** Applies the changes heard since the last flush to the held list. */
  flush(): void {
    const events = this.pending;
    this.pending = [];
    if (!events.length) return;
    if (this.shown && !this.wholeHeld && this.io.get() === undefined) {
      const shown = applyPictureEvents(this.shown, this.kind, events);
      if (shown !== this.shown) this.io.preview?.((this.shown = shown));
    }
    this.io.update((held) => applyPictureEvents(held, this.kind, events));
  }

  /** How many changes are kept for reads on their way (for tests: it must not grow unbounded). */
  get kept(): number {
    return this.log.length;
  }

  /** Reads some environments again; if that fails, everything. */
  private readAgain(environmentIds: string[]): void {
    this.readSome(environmentIds).catch(() => this.io.rereadAll());
  }

  private begin(environmentIds: Read["environmentIds"]): Read {
    const read: Read = {
      connection: this.connection,
      afterStart: this.start !== null,
      from: this.base + this.log.length,
      environmentIds,
    };
    this.reads.add(read);
    return read;
  }

  private end(read: Read): void {
    if (!this.reads.delete(read)) return;
    // Keep the log only from the oldest change a read still on its way needs.
    let from = this.base + this.log.length;
    for (const r of this.reads) from = Math.min(from, this.needsFrom(r));
    if (from > this.base) {
      this.log = this.log.slice(from - this.base);
      this.base = from;
    }
  }

  private needsFrom(read: Read): number {
    return read.connection === this.connection && read.afterStart ? read.from : this.base;
  }

  /** An answer made current, and the environments it may have missed changes of. */
  private settle(read: Read, answer: D): { data: D; moved: string[] } {
    const mine = (events: PictureEvent[]) =>
      read.environmentIds === "all"
        ? events
        : events.filter((e) => (read.environmentIds as Set<string>).has(e.environmentId));
    if (read.connection === this.connection && read.afterStart) {
      // Sent after the feed started: the changes since it was sent cover everything after.
      const since = this.log.slice(Math.max(0, read.from - this.base));
      return { data: applyPictureEvents(answer, this.kind, mine(since)), moved: [] };
    }
    if (this.start) {
      // Sent before this connection started: the changes since the start, and a second read of
      // what moved between the read and the start.
      const since = this.log.slice(Math.max(0, this.needsFrom(read) - this.base));
      const stamps = read.environmentIds === "all" ? this.start : only(this.start, read.environmentIds);
      return { data: applyPictureEvents(answer, this.kind, mine(since)), moved: movedBetween(answer.stamps, stamps) };
    }
    // The feed has not started yet: shown now, checked when it does.
    this.unverified =
      read.environmentIds === "all" || this.unverified === null
        ? answer.stamps
        : { ...this.unverified, ...answer.stamps };
    return { data: answer, moved: [] };
  }
}

function only(stamps: Stamps, ids: ReadonlySet<string>): Stamps {
  const out: Stamps = {};
  for (const id of ids) if (stamps[id]) out[id] = stamps[id];
  return out;
}
