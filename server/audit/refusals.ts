// Refusals (a call without credentials, with a bad token, without the permission, with input
// that fails its checks) are all on the trail, but not each as its own row whatever the rate:
// anyone can send refused calls as fast as the network allows, and a row each would let
// anonymous traffic starve the database that everyone's real actions are written to. Signed
// out, per kind of refusal (from where, what, with which token) and window, the first few are
// recorded whole; the rest are counted and recorded as one event at the window's end that says
// how many there were and between when ("repeatedRefusals"). Signed in, each refusal is its
// own event until all refusals together pass the window's cap. A sum over the trail still
// counts every refused call.
import type { AuditCompletion, AuditEntry } from "./entry";
import type { AuditWriter } from "./writer";

export interface RefusalOptions {
  windowMs?: number;
  /** refusals of one kind recorded whole per window */
  wholePerKind?: number;
  /** refusals recorded whole per window, all kinds together */
  wholeInAll?: number;
  /** kinds tracked at once; beyond, refusals are grouped by what was called alone */
  maxKinds?: number;
}

interface Kind {
  windowStart: number;
  whole: number;
  counted: number;
  firstCountedAt: number;
  lastCountedAt: number;
  sample: { entry: AuditEntry; completion: AuditCompletion } | null;
}

export class RefusalRecorder {
  private readonly kinds = new Map<string, Kind>();
  private windowStart = Date.now();
  private wholeThisWindow = 0;
  private readonly sweeper: NodeJS.Timeout;
  private readonly windowMs: number;
  private readonly wholePerKind: number;
  private readonly wholeInAll: number;
  private readonly maxKinds: number;

  constructor(
    private readonly writer: AuditWriter,
    options: RefusalOptions = {},
  ) {
    this.windowMs = options.windowMs ?? 10_000;
    this.wholePerKind = options.wholePerKind ?? 5;
    this.wholeInAll = options.wholeInAll ?? 200;
    this.maxKinds = options.maxKinds ?? 5_000;
    this.sweeper = setInterval(() => void this.sweep(false), Math.max(250, this.windowMs / 4));
    this.sweeper.unref();
  }

  /** Records the refusal, or counts it for its window's summary; resolves once that is done. */
  async refuse(entry: AuditEntry, completion: AuditCompletion): Promise<void> {
    const now = Date.now();
    if (now - this.windowStart >= this.windowMs) {
      this.windowStart = now;
      this.wholeThisWindow = 0;
    }
    let key = kindKey(entry, completion);
    if (!this.kinds.has(key) && this.kinds.size >= this.maxKinds) key = `overflow|${entry.action}`;
    let kind = this.kinds.get(key);
    if (kind && now - kind.windowStart >= this.windowMs) {
      await this.summarise(kind);
      kind.windowStart = now;
      kind.whole = 0;
    }
    if (!kind) {
      kind = { windowStart: now, whole: 0, counted: 0, firstCountedAt: 0, lastCountedAt: 0, sample: null };
      this.kinds.set(key, kind);
    }
    // Someone signed in is accountable for what they try: each refusal is its own event until
    // refusals of every kind together pass the window's cap. Signed out, a few per kind.
    const perKind = entry.actorUserId ? Number.POSITIVE_INFINITY : this.wholePerKind;
    if (kind.whole < perKind && this.wholeThisWindow < this.wholeInAll) {
      kind.whole++;
      this.wholeThisWindow++;
      await this.writer.record(entry, completion);
      return;
    }
    if (!kind.counted) kind.firstCountedAt = now;
    kind.counted++;
    kind.lastCountedAt = now;
    kind.sample = { entry, completion };
  }

  /** Records every pending summary now (at shutdown, or in tests). */
  flush(): Promise<void> {
    return this.sweep(true);
  }

  close(): Promise<void> {
    clearInterval(this.sweeper);
    return this.flush();
  }

  private async sweep(all: boolean): Promise<void> {
    const now = Date.now();
    const due: Promise<void>[] = [];
    for (const [key, kind] of this.kinds) {
      if (!all && now - kind.windowStart < this.windowMs) continue;
      due.push(this.summarise(kind));
      if (!kind.counted) this.kinds.delete(key);
    }
    await Promise.all(due).catch((error: unknown) => console.error("audit: cannot record refusals:", error));
  }

  private async summarise(kind: Kind): Promise<void> {
    if (!kind.counted || !kind.sample) return;
    const { entry, completion } = kind.sample;
    const count = kind.counted;
    const from = new Date(kind.firstCountedAt).toISOString();
    const to = new Date(kind.lastCountedAt).toISOString();
    kind.counted = 0;
    kind.sample = null;
    await this.writer.record(
      {
        ...entry,
        params: { repeatedRefusals: count, from, to, last: entry.params ?? null },
      },
      {
        ...completion,
        error: `${completion.error ?? "Refused"} (${count.toLocaleString("en")} more refusal(s) like this between ${from} and ${to}, recorded together)`,
      },
    );
  }
}

/** Refusals are alike when the same caller (or, signed out, the same address) was refused the same thing. */
function kindKey(entry: AuditEntry, completion: AuditCompletion): string {
  if (entry.actorUserId) {
    return [
      "user",
      entry.actorUserId,
      entry.actorTokenId ?? "",
      entry.action,
      entry.targetId ?? "",
      completion.error ?? "",
    ].join("|");
  }
  // Signed out: input and message vary at the caller's will, so they do not make new kinds.
  return ["anonymous", entry.ip ?? "", entry.actorTokenId ?? "", entry.action, completion.outcome].join("|");
}
