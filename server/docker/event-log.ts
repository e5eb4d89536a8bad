// What each engine said on its event stream lately, and who listens: the events feed of an
// environment's page. A short ring per environment (the page opens on the recent past), and
// listeners per environment. Events are kept as the engine sent them; the events module
// decides what a reader may see of them.
import type { RawEngineEvent } from "./watcher";

export interface LoggedEngineEvent {
  environmentId: string;
  /** a number per environment, rising: a page that reconnects asks for what follows its last */
  seq: number;
  /** milliseconds since the epoch, the engine's own time */
  time: number;
  raw: RawEngineEvent;
}

export type EngineEventListener = (event: LoggedEngineEvent) => void;

export class EngineEventLog {
  private readonly rings = new Map<string, LoggedEngineEvent[]>();
  private readonly listeners = new Map<string, Set<EngineEventListener>>();
  private readonly seqs = new Map<string, number>();

  constructor(private readonly keep = 500) {}

  record(environmentId: string, raw: RawEngineEvent): void {
    const seq = (this.seqs.get(environmentId) ?? 0) + 1;
    this.seqs.set(environmentId, seq);
    const time = typeof raw.timeNano === "number" ? Math.round(raw.timeNano / 1e6) : Date.now();
    const event = { environmentId, seq, time, raw };
    const ring = this.rings.get(environmentId) ?? [];
    ring.push(event);
    if (ring.length > this.keep) ring.splice(0, ring.length - this.keep);
    this.rings.set(environmentId, ring);
    for (const listener of this.listeners.get(environmentId) ?? []) listener(event);
  }

  /** The events kept for this environment, oldest first. */
  recent(environmentId: string): readonly LoggedEngineEvent[] {
    return this.rings.get(environmentId) ?? [];
  }

  listen(environmentId: string, listener: EngineEventListener): () => void {
    const set = this.listeners.get(environmentId) ?? new Set();
    set.add(listener);
    this.listeners.set(environmentId, set);
    return () => {
      set.delete(listener);
      if (!set.size) this.listeners.delete(environmentId);
    };
  }

  /** The environment left the fleet: its past goes (listeners stay, for a re-added one). */
  forget(environmentId: string): void {
    this.rings.delete(environmentId);
  }
}
