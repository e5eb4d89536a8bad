// One environment's watcher: it holds the engine's /events stream open, resynchronises the whole
// picture on every (re)connect and periodically, and on each event refetches just the objects it
// names (bursts are gathered for a few milliseconds into one request per kind). When the stream
// breaks it marks the picture cold and reconnects with backoff.
import { setMaxListeners } from "node:events";
import type { EngineClient } from "./client";
import type { DockerError } from "./errors";
import { classifyDockerError } from "./errors";
import { backoffDelay } from "./limits";
import type { Picture, PictureEvent } from "./picture";
import { fetchResources, LOCAL_KINDS, SWARM_KINDS, type ResourceKind } from "./resources";

export type WatcherState = "connecting" | "live" | "reconnecting" | "stopped";

export interface WatcherOptions {
  client: EngineClient;
  picture: Picture;
  /** A swarm manager: nodes, services and tasks too. */
  manager: boolean;
  /** Deadline of each read. */
  deadlineMs?: number;
  resyncIntervalMs?: number;
  /** How long a burst of events is gathered before refetching. */
  debounceMs?: number;
  /** Tasks change without events of their own: managers re-read them this often. */
  tasksIntervalMs?: number;
  backoff?: { baseMs: number; maxMs: number };
  onState?: (state: WatcherState, error?: DockerError) => void;
  /** The engine said something on the event stream (a sign of life). */
  onActivity?: () => void;
  /** Each event as the engine sent it (the events feed). */
  onEvent?: (event: RawEngineEvent) => void;
}

export interface WatcherStats {
  events: number;
  resyncs: number;
  lastResyncMs?: number;
  /** From the engine's event timestamp to the change reaching subscribers. */
  lastEventLagMs?: number;
}

interface EngineEvent {
  Type?: string;
  Action?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
  timeNano?: number;
}

/** Container actions that change nothing a list shows. */
const QUIET_CONTAINER_ACTIONS = /^(exec_|attach|detach|resize|top|export|archive-path|copy|commit)/;

/** What the engine said on its event stream, as it said it (a copy for the events feed). */
export type RawEngineEvent = EngineEvent;

export class Watcher {
  readonly environmentId: string;
  /** Watching a swarm manager (nodes, services, tasks too). */
  readonly manager: boolean;
  readonly stats: WatcherStats = { events: 0, resyncs: 0 };
  private readonly kinds: readonly ResourceKind[];
  private readonly options: Required<Omit<WatcherOptions, "onState" | "onActivity" | "onEvent">> &
    Pick<WatcherOptions, "onState" | "onActivity" | "onEvent">;
  private current: WatcherState = "stopped";
  private lifetime: AbortController | undefined;
  private connection: AbortController | undefined;
  /** Per kind: the ids to refetch, or "all". */
  private pending = new Map<ResourceKind, Set<string> | "all">();
  private oldestPendingEvent: number | undefined;
  /** When the last of the queued refetches was asked for (performance.now()): their reads start after it. */
  private pendingSince: number | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private resyncing: Promise<void> | undefined;
  private timers: NodeJS.Timeout[] = [];

  constructor(options: WatcherOptions) {
    this.options = {
      deadlineMs: 10_000,
      resyncIntervalMs: 60_000,
      debounceMs: 25,
      tasksIntervalMs: 5_000,
      backoff: { baseMs: 500, maxMs: 30_000 },
      ...options,
    };
    this.environmentId = options.client.environmentId;
    this.manager = options.manager;
    this.kinds = options.manager ? [...LOCAL_KINDS, ...SWARM_KINDS] : LOCAL_KINDS;
  }

  get state(): WatcherState {
    return this.current;
  }

  start(): void {
    if (this.lifetime) return;
    const lifetime = new AbortController();
    // Every read in flight listens to it: a resync alone makes one per kind.
    setMaxListeners(100, lifetime.signal);
    this.lifetime = lifetime;
    void this.run(lifetime.signal);
    this.every(this.options.resyncIntervalMs, () => this.resync());
    if (this.options.manager) {
      // Neither tasks nor a manager's reachability (raft's view of its peers) have events of
      // their own: both are read again on this beat, so the quorum shown follows raft.
      this.every(this.options.tasksIntervalMs, () => {
        if (this.current !== "live") return;
        this.queue("tasks", "all", Date.now());
        this.queue("nodes", "all", Date.now());
      });
    }
  }

  /** Stops watching; the picture goes cold (what it holds stays, marked stale). */
  stop(): void {
    if (!this.lifetime) return;
    this.lifetime.abort();
    this.lifetime = undefined;
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.pending.clear();
    this.options.picture.setWarm(this.environmentId, false);
    this.setState("stopped");
  }

  /** Reads everything again and replaces the picture; resolves when done (or failed). */
  resync(): Promise<void> {
    if (this.current !== "live") return Promise.resolve();
    return this.sync();
  }

  private sync(): Promise<void> {
    this.resyncing ??= this.fullSync().finally(() => (this.resyncing = undefined));
    return this.resyncing;
  }

  private async run(signal: AbortSignal): Promise<void> {
    let attempt = 0;
    while (!signal.aborted) {
      const connection = new AbortController();
      this.connection = connection;
      const onStop = () => connection.abort();
      signal.addEventListener("abort", onStop, { once: true });
      try {
        this.setState("connecting");
        const stream = await this.options.client.openStream("the event stream", (docker) => docker.getEvents(), {
          deadlineMs: this.options.deadlineMs,
          signal: connection.signal,
        });
        // Events that arrive while the resync runs are queued and applied after it.
        const ended = this.consume(stream, connection.signal);
        await this.sync();
        attempt = 0;
        this.setState("live");
        const streamError = await ended;
        if (!signal.aborted) throw streamError ?? new Error("The engine closed the event stream.");
      } catch (error) {
        if (signal.aborted) break;
        const failure = classifyDockerError(this.environmentId, error, { operation: "the event stream" });
        this.options.picture.setWarm(this.environmentId, false);
        this.setState("reconnecting", failure);
        await sleep(backoffDelay(attempt++, this.options.backoff.baseMs, this.options.backoff.maxMs), signal);
      } finally {
        signal.removeEventListener("abort", onStop);
        connection.abort();
      }
    }
  }

  /** Reads the stream until it ends; resolves then, with the error if it broke. */
  private consume(stream: NodeJS.ReadableStream, signal: AbortSignal): Promise<Error | undefined> {
    return new Promise((resolve) => {
      let buffer = "";
      stream.setEncoding("utf8");
      stream.on("data", (chunk: string) => {
        this.options.onActivity?.();
        buffer += chunk;
        let newline: number;
        while ((newline = buffer.indexOf("\n")) >= 0) {
          const line = buffer.slice(0, newline).trim();
          buffer = buffer.slice(newline + 1);
          if (line) this.onLine(line);
        }
      });
      stream.on("error", (error: Error) => resolve(error));
      stream.on("end", () => resolve(undefined));
      stream.on("close", () => resolve(undefined));
      signal.addEventListener("abort", () => resolve(undefined), { once: true });
    });
  }

  private onLine(line: string): void {
    let event: EngineEvent;
    try {
      event = JSON.parse(line) as EngineEvent;
    } catch {
      return;
    }
    this.stats.events++;
    this.options.onEvent?.(event);
    const id = event.Actor?.ID ?? "";
    const attributes = event.Actor?.Attributes ?? {};
    const action = event.Action ?? "";
    const at = event.timeNano ? event.timeNano / 1e6 : Date.now();
    switch (event.Type) {
      case "container":
        // A commit makes an image, and the engine says so only as this container event.
        if (action === "commit") return this.queue("images", "all", at);
        if (QUIET_CONTAINER_ACTIONS.test(action)) return;
        this.queue("containers", id, at);
        if (this.options.manager && attributes["com.docker.swarm.task.id"]) this.queue("tasks", "all", at);
        return;
      case "image":
        return this.queue("images", "all", at);
      case "volume":
        if (action === "create" || action === "destroy") this.queue("volumes", id, at);
        return;
      case "network":
        if (action === "connect" || action === "disconnect") {
          if (attributes.container) this.queue("containers", attributes.container, at);
        } else {
          this.queue("networks", id, at);
        }
        return;
      case "service":
        if (!this.options.manager) return;
        this.queue("services", id, at);
        return this.queue("tasks", "all", at);
      case "node":
        if (this.options.manager) this.queue("nodes", id, at);
        return;
      case "daemon":
        void this.resync();
        return;
    }
  }

  private queue(kind: ResourceKind, id: string, at: number): void {
    if (!id || !this.kinds.includes(kind)) return;
    const ids = this.pending.get(kind);
    if (id === "all") this.pending.set(kind, "all");
    else if (ids === undefined) this.pending.set(kind, new Set([id]));
    else if (ids !== "all") ids.add(id);
    this.oldestPendingEvent = Math.min(this.oldestPendingEvent ?? at, at);
    this.pendingSince = performance.now();
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = undefined;
      void this.flush();
    }, this.options.debounceMs);
  }

  /** Applies the queued refetches: one request per kind, then one batch to subscribers. */
  private async flush(): Promise<void> {
    // One flush at a time, and never while a resync is replacing the picture.
    await this.resyncing?.catch(() => undefined);
    if (this.flushing) {
      await this.flushing;
      if (this.pending.size && !this.flushTimer) return this.flush();
      return;
    }
    if (!this.pending.size || !this.lifetime) return;
    const batch = this.pending;
    const since = this.oldestPendingEvent;
    const askedAt = this.pendingSince ?? performance.now();
    this.pending = new Map();
    this.oldestPendingEvent = undefined;
    this.pendingSince = undefined;
    this.flushing = this.refetch(batch, since, askedAt, this.lifetime.signal).finally(
      () => (this.flushing = undefined),
    );
    await this.flushing;
  }

  private async refetch(
    batch: Map<ResourceKind, Set<string> | "all">,
    since: number | undefined,
    askedAt: number,
    signal: AbortSignal,
  ): Promise<void> {
    const { client, picture } = this.options;
    const deadlineMs = this.options.deadlineMs;
    try {
      const fetched = await Promise.all(
        [...batch].map(async ([kind, ids]) => {
          const list = ids === "all" ? undefined : [...ids];
          // A whole-kind read may share one in flight (the task pulse's, a list's), but only one
          // that began after the events that asked for it: an older one may not hold their change
          // (a scale's new task), and would put the picture back to before it.
          const items = await client.call(
            `${kind} refresh`,
            (docker) => fetchResources(docker, kind, list),
            list ? { deadlineMs, signal } : { deadlineMs, signal, key: `${kind}:all`, startedAfter: askedAt },
          );
          return { kind, list, items };
        }),
      );
      if (signal.aborted) return;
      const changes = fetched.flatMap(({ kind, list, items }) =>
        list ? picture.apply(this.environmentId, kind, list, items) : picture.replace(this.environmentId, kind, items),
      );
      picture.emit(changes);
      if (changes.length && since !== undefined) this.stats.lastEventLagMs = Date.now() - since;
    } catch {
      // The engine stopped answering mid-stream: reconnect, which resyncs everything.
      this.connection?.abort();
    }
  }

  private async fullSync(): Promise<void> {
    const { client, picture } = this.options;
    const signal = this.lifetime?.signal;
    if (!signal || signal.aborted) return;
    // A refetch in flight finishes first, so an older snapshot never lands on a newer one.
    await this.flushing;
    const started = performance.now();
    const lists = await Promise.all(
      this.kinds.map(async (kind) => ({
        kind,
        // Begun after the stream opened (or the daemon event): what it missed must be in the answer.
        items: await client.call(`${kind} list`, (docker) => fetchResources(docker, kind), {
          deadlineMs: this.options.deadlineMs,
          signal,
          key: `${kind}:all`,
          startedAfter: started,
        }),
      })),
    );
    if (signal.aborted) return;
    const events: PictureEvent[] = lists.flatMap(({ kind, items }) => picture.replace(this.environmentId, kind, items));
    picture.emit(events);
    picture.setWarm(this.environmentId, true);
    this.stats.resyncs++;
    this.stats.lastResyncMs = Math.round(performance.now() - started);
  }

  private every(ms: number, task: () => Promise<void> | void): void {
    const timer = setInterval(() => {
      Promise.resolve(task()).catch(() => this.connection?.abort());
    }, ms);
    timer.unref();
    this.timers.push(timer);
  }

  private setState(state: WatcherState, error?: DockerError): void {
    if (this.current === state && !error) return;
    this.current = state;
    this.options.onState?.(state, error);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    timer.unref();
    signal.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}
