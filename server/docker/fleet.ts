// The fleet: every environment's client, status and watcher in one place. Calls go through it
// with a deadline; fan-outs return one entry per environment and never wait past the deadline;
// engines that go down are retried with backoff and jitter; lists come from the live picture
// when it is warm.
import { EngineEventLog } from "./event-log";
import { setMaxListeners } from "node:events";
import type Docker from "dockerode";
import { EngineClient, redactUrl, type CallOptions, type EngineCall } from "./client";
import {
  DockerBusyError,
  DockerError,
  DockerPausedError,
  DockerTimeoutError,
  DockerUnreachableError,
  UnknownEnvironmentError,
  classifyDockerError,
} from "./errors";
import { DeadlineExceeded, KeyedLimit, backoffDelay, raceDeadline } from "./limits";
import { Picture, type PictureListener } from "./picture";
import { fetchResources, SWARM_KINDS, type ResourceKind, type ResourceKinds } from "./resources";
import { countsFromInfo, countsFromPicture, degradedReasons, engineFacts, swarmFacts } from "./status";
import type {
  EnvironmentCounts,
  EnvironmentDescriptor,
  EnvironmentState,
  EnvironmentStatus,
  FanOutError,
  FanOutResult,
  FleetList,
  SwarmFacts,
} from "./types";
import type { SshHostKey } from "./ssh";
import { Watcher, type WatcherOptions, type WatcherState, type WatcherStats } from "./watcher";

export interface FleetOptions {
  /** Default deadline of a call or fan-out. */
  deadlineMs?: number;
  /** Deadline of a probe (/version + /info). */
  probeDeadlineMs?: number;
  /** How often an engine that is up is probed (status, counts, swarm role). */
  pollIntervalMs?: number;
  /** Retries of an engine that is down: exponential from baseMs to maxMs, with jitter. */
  backoff?: { baseMs: number; maxMs: number };
  /** Calls in flight per engine. */
  maxInFlight?: number;
  /** Long-lived streams open per engine (all users, the event stream included). */
  maxStreams?: number;
  /** Long-lived streams one user may hold on one engine (see leaseStream). */
  maxStreamsPerUser?: number;
  /** A probe slower than this marks the engine degraded. */
  slowMs?: number;
  /** Keep a live picture per environment (false: lists are always read live). */
  watch?: boolean;
  /**
   * A watched engine that has said nothing (no event, no answer) for this long is pinged; one
   * that does not answer the ping within `livenessDeadlineMs` is marked down, so a frozen
   * engine's picture is not served as current for longer than the sum of the two.
   */
  livenessQuietMs?: number;
  livenessDeadlineMs?: number;
  watcher?: Pick<WatcherOptions, "resyncIntervalMs" | "debounceMs" | "tasksIntervalMs" | "deadlineMs" | "backoff">;
  /** ssh://: an environment saved without a pinned host key pinned the one it first saw. */
  onHostKey?: (environmentId: string, hostKey: SshHostKey) => void;
}

export interface EnvironmentDiagnostics {
  inFlight: number;
  streamsOpen: number;
  apiVersion: string | undefined;
  watcher: (WatcherStats & { state: WatcherState }) | undefined;
}

export type StatusListener = (status: EnvironmentStatus, previous: EnvironmentStatus | undefined) => void;

/** What a fan-out's function gets besides the engine. */
export type FanOutCall<T> = (docker: Docker, signal: AbortSignal, environmentId: string) => Promise<T>;

export interface FanOutOptions {
  deadlineMs?: number;
  /** Names the operation in errors ("containers.list"). */
  name?: string;
  /** Coalesce identical reads in flight (per engine). Never on writes. */
  key?: string;
  signal?: AbortSignal;
}

interface Member {
  descriptor: EnvironmentDescriptor;
  client: EngineClient;
  status: EnvironmentStatus;
  failures: number;
  timer?: NodeJS.Timeout;
  probing?: Promise<EnvironmentStatus>;
  watcher?: Watcher;
  eventsDisconnected: boolean;
  lastProbe?: { latencyMs: number; swarm: SwarmFacts; counts: EnvironmentCounts };
  emitted?: string;
  /** The engine's last sign of life: an event, an answer to a call, probe or ping. */
  heardAt?: number;
  liveness?: NodeJS.Timeout;
}

export class Fleet {
  readonly picture = new Picture();
  /** What each engine said on its event stream lately (the events feed). */
  readonly events = new EngineEventLog();
  private readonly members = new Map<string, Member>();
  /** Streams held, per environment and user (leaseStream). */
  private readonly leases: KeyedLimit;
  private readonly statusListeners = new Set<StatusListener>();
  private readonly options: Required<Omit<FleetOptions, "watcher" | "onHostKey">> &
    Pick<FleetOptions, "watcher" | "onHostKey">;
  private readonly unsubscribePicture: () => void;

  constructor(options: FleetOptions = {}) {
    this.options = {
      deadlineMs: 5_000,
      probeDeadlineMs: 3_000,
      pollIntervalMs: 15_000,
      backoff: { baseMs: 1_000, maxMs: 60_000 },
      maxInFlight: 8,
      maxStreams: 64,
      maxStreamsPerUser: 8,
      slowMs: 2_000,
      watch: true,
      livenessQuietMs: 1_500,
      livenessDeadlineMs: 2_000,
      ...options,
    };
    this.leases = new KeyedLimit(this.options.maxStreamsPerUser);
    // Counts follow the picture, so a card's numbers move with the events.
    this.unsubscribePicture = this.picture.subscribe((events) => {
      for (const id of new Set(events.map((e) => e.environmentId))) {
        const member = this.members.get(id);
        if (member) this.publish(member);
      }
    });
  }

  // ---- membership -------------------------------------------------------------------------

  /** Adds an environment and probes it at once (unless paused). */
  add(descriptor: EnvironmentDescriptor, options: { paused?: boolean } = {}): EnvironmentStatus {
    if (this.members.has(descriptor.id)) return this.update(descriptor);
    const member = this.createMember(descriptor, options.paused ? "paused" : "unknown");
    this.members.set(descriptor.id, member);
    this.publish(member);
    if (!options.paused) this.probeInBackground(member);
    return this.snapshot(member);
  }

  /** Applies a changed descriptor; a new endpoint or new credentials start afresh. */
  update(descriptor: EnvironmentDescriptor): EnvironmentStatus {
    const member = this.members.get(descriptor.id);
    if (!member) return this.add(descriptor);
    const sameEndpoint =
      JSON.stringify([member.descriptor.url, member.descriptor.tls, member.descriptor.ssh]) ===
      JSON.stringify([descriptor.url, descriptor.tls, descriptor.ssh]);
    if (sameEndpoint) {
      member.descriptor = descriptor;
      member.status = { ...member.status, name: descriptor.name };
      this.publish(member);
      return this.snapshot(member);
    }
    const paused = member.status.state === "paused";
    this.retire(member);
    const fresh = this.createMember(descriptor, paused ? "paused" : "unknown");
    this.members.set(descriptor.id, fresh);
    this.publish(fresh);
    if (!paused) this.probeInBackground(fresh);
    return this.snapshot(fresh);
  }

  remove(environmentId: string): boolean {
    const member = this.members.get(environmentId);
    if (!member) return false;
    this.members.delete(environmentId);
    this.retire(member);
    return true;
  }

  has(environmentId: string): boolean {
    return this.members.has(environmentId);
  }

  environmentIds(): string[] {
    return [...this.members.keys()];
  }

  /** An administrator's pause: no polling, no watcher, no errors, calls refused. */
  pause(environmentId: string): EnvironmentStatus {
    const member = this.need(environmentId);
    this.quiesce(member);
    member.failures = 0;
    member.eventsDisconnected = false;
    member.status = {
      ...member.status,
      degradedReasons: [],
      lastError: undefined,
      nextRetryAt: undefined,
    };
    this.setState(member, "paused");
    this.publish(member);
    return this.snapshot(member);
  }

  resume(environmentId: string): Promise<EnvironmentStatus> {
    const member = this.need(environmentId);
    if (member.status.state === "paused") {
      this.setState(member, "unknown");
      this.publish(member);
    }
    return this.probe(environmentId);
  }

  /** Stops every timer, watcher and connection. */
  close(): void {
    this.unsubscribePicture();
    const members = [...this.members.values()];
    this.members.clear();
    for (const member of members) this.retire(member);
  }

  // ---- status -----------------------------------------------------------------------------

  status(environmentId: string): EnvironmentStatus | undefined {
    const member = this.members.get(environmentId);
    return member && this.snapshot(member);
  }

  statuses(environmentIds?: Iterable<string>): EnvironmentStatus[] {
    const ids = environmentIds ? [...environmentIds] : [...this.members.keys()];
    return ids.flatMap((id) => {
      const member = this.members.get(id);
      return member ? [this.snapshot(member)] : [];
    });
  }

  /** Hears every status change (state, engine, role, counts, error). Returns the unsubscribe. */
  onStatus(listener: StatusListener): () => void {
    this.statusListeners.add(listener);
    return () => {
      this.statusListeners.delete(listener);
    };
  }

  /** Hears the live picture's changes (per object), for the given environments or all. */
  subscribe(listener: PictureListener, environmentIds?: Iterable<string>): () => void {
    return this.picture.subscribe(listener, environmentIds);
  }

  /** Operational numbers for one environment: calls in flight, the watcher's state and counters. */
  diagnostics(environmentId: string): EnvironmentDiagnostics | undefined {
    const member = this.members.get(environmentId);
    if (!member) return undefined;
    return {
      inFlight: member.client.inFlight,
      streamsOpen: member.client.streamsOpen,
      apiVersion: member.client.apiVersion,
      watcher: member.watcher ? { state: member.watcher.state, ...member.watcher.stats } : undefined,
    };
  }

  /** Asks the engine now (coalesced with a probe in flight) and returns the resulting status. */
  probe(environmentId: string): Promise<EnvironmentStatus> {
    const member = this.members.get(environmentId);
    if (!member) return Promise.reject(new UnknownEnvironmentError(environmentId));
    if (member.status.state === "paused") return Promise.resolve(this.snapshot(member));
    member.probing ??= this.runProbe(member).finally(() => (member.probing = undefined));
    return member.probing;
  }

  // ---- calls ------------------------------------------------------------------------------

  /**
   * One call to one engine within `deadlineMs`. An engine known to be down is probed first
   * (within the same deadline), as a user acting on it expects.
   */
  async call<T>(
    environmentId: string,
    name: string,
    fn: EngineCall<T>,
    options: Partial<CallOptions> = {},
  ): Promise<T> {
    const member = this.members.get(environmentId);
    if (!member) throw new UnknownEnvironmentError(environmentId);
    return this.callMember(member, name, fn, { ...options, deadlineMs: options.deadlineMs ?? this.options.deadlineMs });
  }

  /**
   * A long-lived stream from one engine (an exec's hijacked connection, logs, stats): the
   * deadline covers opening it; it then lives until `signal` aborts.
   */
  openStream<T extends NodeJS.ReadableStream>(
    environmentId: string,
    name: string,
    fn: (docker: Docker, signal: AbortSignal) => Promise<T>,
    options: { deadlineMs?: number; signal: AbortSignal },
  ): Promise<T> {
    const member = this.members.get(environmentId);
    if (!member) return Promise.reject(new UnknownEnvironmentError(environmentId));
    if (member.status.state === "paused") return Promise.reject(new DockerPausedError(environmentId));
    return member.client.openStream(name, fn, {
      deadlineMs: options.deadlineMs ?? this.options.deadlineMs,
      signal: options.signal,
    }) as Promise<T>;
  }

  /**
   * A call whose body streams for as long as the sender takes (an upload): on the engine's
   * stream pool, outside the cap on calls. Bounded by `signal` and `deadlineMs`.
   */
  streamCall<T>(
    environmentId: string,
    name: string,
    fn: EngineCall<T>,
    options: { deadlineMs: number; signal?: AbortSignal },
  ): Promise<T> {
    const member = this.members.get(environmentId);
    if (!member) return Promise.reject(new UnknownEnvironmentError(environmentId));
    if (member.status.state === "paused") return Promise.reject(new DockerPausedError(environmentId));
    return member.client.streamCall(name, fn, options);
  }

  /**
   * One user's place for a long-lived stream on one engine (followed logs, stats, a download,
   * an upload), held until `release`. Throws DockerBusyError when the user holds
   * maxStreamsPerUser there already: one person's open tabs cannot take an engine's streams
   * from everyone else.
   */
  leaseStream(environmentId: string, userId: string): { release(): void } {
    if (!this.members.has(environmentId)) throw new UnknownEnvironmentError(environmentId);
    const release = this.leases.tryTake(`${environmentId}\u0000${userId}`);
    if (!release) {
      throw new DockerBusyError(
        environmentId,
        `You have ${this.leases.limit} live streams open on this environment already (followed logs, stats, ` +
          `downloads, uploads); close one first.`,
      );
    }
    return { release };
  }

  /**
   * The same call on many engines at once: one entry per environment, data or error with its
   * latency, all within the deadline. Engines known to be down answer at once with their last
   * error (and get a probe in the background); paused ones are listed apart.
   */
  async fanOut<T>(
    environmentIds: Iterable<string>,
    fn: FanOutCall<T>,
    options: FanOutOptions = {},
  ): Promise<FanOutResult<T>> {
    const ids = [...new Set(environmentIds)];
    const result: FanOutResult<T> = { items: [], errors: [], paused: [] };
    const deadlineMs = options.deadlineMs ?? this.options.deadlineMs;
    // One listener on the caller's signal, however many engines listen to ours.
    const abort = new AbortController();
    setMaxListeners(ids.length * 2 + 10, abort.signal);
    const onAbort = () => abort.abort(options.signal?.reason);
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener("abort", onAbort, { once: true });
    await Promise.all(
      ids.map(async (environmentId) => {
        const started = performance.now();
        const member = this.members.get(environmentId);
        try {
          if (!member) throw new UnknownEnvironmentError(environmentId);
          if (member.status.state === "paused") return void result.paused.push(environmentId);
          const data = await this.callMember(
            member,
            options.name ?? "the fan-out",
            (docker, signal) => fn(docker, signal, environmentId),
            { deadlineMs, key: options.key, signal: abort.signal, failFastWhenDown: true },
          );
          result.items.push({ environmentId, data, latencyMs: elapsed(started) });
        } catch (error) {
          result.errors.push(fanOutError(environmentId, error, elapsed(started)));
        }
      }),
    );
    options.signal?.removeEventListener("abort", onAbort);
    const order = new Map(ids.map((id, index) => [id, index]));
    const byInput = (a: { environmentId: string }, b: { environmentId: string }) =>
      (order.get(a.environmentId) ?? 0) - (order.get(b.environmentId) ?? 0);
    result.items.sort(byInput);
    result.errors.sort(byInput);
    return result;
  }

  /**
   * A list of one kind across environments: from the live picture where it is warm, else read
   * live (fanned out, within the deadline). Without ids, every environment.
   */
  async list<K extends ResourceKind>(
    kind: K,
    environmentIds?: Iterable<string>,
    options: Omit<FanOutOptions, "key" | "name"> = {},
  ): Promise<FleetList<ResourceKinds[K]>> {
    const ids = [...new Set(environmentIds ?? this.members.keys())];
    const out: FleetList<ResourceKinds[K]> = { items: [], errors: [], paused: [], sources: [], stamps: {} };
    const cold: string[] = [];
    // No await in this loop: what is read from the picture and its stamps are one moment's.
    for (const environmentId of ids) {
      const started = performance.now();
      const member = this.members.get(environmentId);
      const fromPicture = member && this.picture.listed(environmentId, kind);
      const paused = member?.status.state === "paused";
      out.stamps[environmentId] = {
        warm: !!fromPicture && !paused,
        version: this.picture.version(environmentId, kind),
      };
      if (paused) out.paused.push(environmentId);
      else if (fromPicture) {
        for (const item of fromPicture) out.items.push(item);
        // The picture is as current as the last word from its engine (events arrive in order).
        const asOf = member.heardAt ?? Date.now();
        out.sources.push({ environmentId, source: "picture", latencyMs: elapsed(started), asOf });
      } else cold.push(environmentId);
    }
    if (!cold.length) return out;
    const swarmOnly = (SWARM_KINDS as readonly string[]).includes(kind);
    const live = await this.fanOut(
      cold,
      (docker, _signal, environmentId) =>
        swarmOnly && this.members.get(environmentId)?.status.swarm?.role !== "manager"
          ? Promise.resolve([])
          : fetchResources(docker, kind),
      { ...options, name: `${kind}.list`, key: `${kind}:all` },
    );
    for (const { environmentId, data, latencyMs } of live.items) {
      for (const item of data) out.items.push({ ...item, environmentId });
      out.sources.push({ environmentId, source: "engine", latencyMs, asOf: Date.now() });
    }
    out.errors.push(...live.errors);
    out.paused.push(...live.paused);
    return out;
  }

  listContainers(environmentIds?: Iterable<string>, options?: Omit<FanOutOptions, "key" | "name">) {
    return this.list("containers", environmentIds, options);
  }

  // ---- internals --------------------------------------------------------------------------

  private async callMember<T>(
    member: Member,
    name: string,
    fn: EngineCall<T>,
    options: CallOptions & { failFastWhenDown?: boolean },
  ): Promise<T> {
    const id = member.descriptor.id;
    if (member.status.state === "paused") throw new DockerPausedError(id);
    const started = performance.now();
    if (member.status.state === "down") {
      if (options.failFastWhenDown) {
        this.probeInBackground(member, { ifOlderThanMs: 1_000 });
        throw this.downError(member);
      }
      const status = await raceDeadline(this.probe(id), options.deadlineMs, options.signal).catch((error: unknown) => {
        throw error instanceof DeadlineExceeded ? new DockerTimeoutError(id, name, options.deadlineMs) : error;
      });
      if (status.state === "down") throw this.downError(member);
    }
    const remaining = Math.max(1, options.deadlineMs - elapsed(started));
    try {
      const answer = await member.client.call(name, fn, { ...options, deadlineMs: remaining });
      this.heard(member);
      return answer;
    } catch (error) {
      if (this.isActive(member)) {
        if (error instanceof DockerUnreachableError) this.markDown(member, error);
        else if (error instanceof DockerTimeoutError) this.probeInBackground(member);
      }
      throw error;
    }
  }

  private downError(member: Member): DockerError {
    const last = member.status.lastError;
    return new DockerUnreachableError(
      member.descriptor.id,
      (last?.cause as DockerUnreachableError["reason"] | undefined) ?? "refused",
      last?.message ?? "The engine is down.",
    );
  }

  private async runProbe(member: Member): Promise<EnvironmentStatus> {
    const started = performance.now();
    try {
      const { version, info } = await member.client.handshake({ deadlineMs: this.options.probeDeadlineMs });
      if (!this.isActive(member)) return this.snapshot(member);
      const latencyMs = elapsed(started);
      const swarm = swarmFacts(info);
      member.failures = 0;
      this.heard(member);
      member.lastProbe = { latencyMs, swarm, counts: countsFromInfo(info) };
      member.status = {
        ...member.status,
        checkedAt: Date.now(),
        latencyMs,
        engine: engineFacts(version, info, member.client.apiVersion ?? version.apiVersion),
        swarm,
        lastError: undefined,
        nextRetryAt: undefined,
      };
      this.setState(member, "up");
      this.ensureWatcher(member, swarm.role === "manager");
      this.assess(member);
      this.schedule(member, this.options.pollIntervalMs);
    } catch (error) {
      if (!this.isActive(member)) return this.snapshot(member);
      this.markDown(member, classifyDockerError(member.descriptor.id, error, { phase: "connect" }));
    }
    this.publish(member);
    return this.snapshot(member);
  }

  private probeInBackground(member: Member, options: { ifOlderThanMs?: number } = {}): void {
    if (member.probing) return;
    const checkedAt = member.status.checkedAt ?? 0;
    if (options.ifOlderThanMs !== undefined && Date.now() - checkedAt < options.ifOlderThanMs) return;
    // probe() never rejects for a known member: failures become status.
    this.probe(member.descriptor.id).catch(() => undefined);
  }

  /** Up or degraded, from the last probe and the watcher's health. */
  private assess(member: Member): void {
    const probe = member.lastProbe;
    if (!probe || member.status.state === "down" || member.status.state === "paused") return;
    const reasons = degradedReasons({
      swarm: probe.swarm,
      latencyMs: probe.latencyMs,
      slowMs: this.options.slowMs,
      eventsDisconnected: this.options.watch && member.eventsDisconnected,
    });
    member.status = { ...member.status, degradedReasons: reasons };
    this.setState(member, reasons.length ? "degraded" : "up");
  }

  private markDown(member: Member, error: DockerError): void {
    const now = Date.now();
    const previous = member.status.lastError;
    const cause = error instanceof DockerUnreachableError ? error.reason : undefined;
    this.stopWatcher(member);
    clearTimeout(member.liveness);
    member.liveness = undefined;
    const delay = backoffDelay(member.failures++, this.options.backoff.baseMs, this.options.backoff.maxMs);
    member.status = {
      ...member.status,
      checkedAt: now,
      degradedReasons: [],
      lastError: {
        code: error.code,
        ...(cause ? { cause } : {}),
        message: error.message,
        since: member.status.state === "down" && previous ? previous.since : now,
        at: now,
      },
      nextRetryAt: now + delay,
    };
    this.setState(member, "down");
    this.schedule(member, delay);
    this.publish(member);
  }

  private ensureWatcher(member: Member, manager: boolean): void {
    if (!this.options.watch) return;
    if (member.watcher && member.watcher.state !== "stopped") {
      if (member.watcher.manager === manager) return;
      this.stopWatcher(member);
    }
    if (!manager) {
      const changes = SWARM_KINDS.flatMap((kind) => this.picture.dropKind(member.descriptor.id, kind));
      this.picture.emit(changes);
    }
    const watcher = new Watcher({
      ...this.options.watcher,
      client: member.client,
      picture: this.picture,
      manager,
      onActivity: () => this.heard(member),
      onEvent: (event) => {
        if (this.isCurrent(member)) this.events.record(member.descriptor.id, event);
      },
      onState: (state) => {
        if (member.watcher !== watcher || state === "stopped") return;
        member.eventsDisconnected = state === "reconnecting";
        // The stream broke: find out at once whether the engine itself is gone.
        if (state === "reconnecting") this.probeInBackground(member);
        this.assess(member);
        this.publish(member);
      },
    });
    member.watcher = watcher;
    member.eventsDisconnected = false;
    watcher.start();
    this.heard(member);
  }

  /** A sign of life: the liveness check waits for the next quiet spell. */
  private heard(member: Member): void {
    member.heardAt = Date.now();
    if (!this.options.watch || !member.watcher) return;
    if (member.liveness) member.liveness.refresh();
    else {
      member.liveness = setTimeout(() => void this.checkLiveness(member), this.options.livenessQuietMs);
      member.liveness.unref();
    }
  }

  /**
   * The engine has been quiet: ping it. No answer in time means it is frozen or gone, and its
   * picture must not be served as current: down (the picture goes cold), and retried as usual.
   */
  private async checkLiveness(member: Member): Promise<void> {
    member.liveness = undefined;
    if (!this.isActive(member) || !member.watcher || member.status.state === "down") return;
    const deadlineMs = this.options.livenessDeadlineMs;
    try {
      await member.client.ping({ deadlineMs });
    } catch (error) {
      if (!this.isActive(member) || !member.watcher) return;
      // Refused, gone: as it says. No answer in time: frozen, or too overloaded to be used.
      const gone = error instanceof DockerUnreachableError && error.reason !== "timeout" ? error : null;
      this.markDown(
        member,
        gone ??
          new DockerUnreachableError(
            member.descriptor.id,
            "timeout",
            `The engine stopped answering: no answer to /_ping within ${deadlineMs / 1000} s.`,
          ),
      );
      return;
    }
    if (this.isActive(member)) this.heard(member);
  }

  private stopWatcher(member: Member): void {
    member.watcher?.stop();
    member.watcher = undefined;
    member.eventsDisconnected = false;
  }

  private schedule(member: Member, delayMs: number): void {
    clearTimeout(member.timer);
    member.timer = setTimeout(() => {
      member.timer = undefined;
      this.probeInBackground(member);
    }, delayMs);
    member.timer.unref();
  }

  private setState(member: Member, state: EnvironmentState): void {
    if (member.status.state === state) return;
    member.status = { ...member.status, state, since: Date.now() };
  }

  /** Emits the status if anything a page shows changed (not mere timestamps). */
  private publish(member: Member): void {
    if (!this.isCurrent(member)) return;
    const status = this.snapshot(member);
    const { checkedAt: _c, latencyMs: _l, nextRetryAt: _n, heardAt: _h, lastError, ...rest } = status;
    const significant = JSON.stringify({ ...rest, lastError: lastError && { ...lastError, at: undefined } });
    if (significant === member.emitted) return;
    const previous = member.emitted ? (JSON.parse(member.emitted) as EnvironmentStatus) : undefined;
    member.emitted = significant;
    for (const listener of [...this.statusListeners]) {
      try {
        listener(status, previous);
      } catch (error) {
        console.error("fleet: a status listener threw", error);
      }
    }
  }

  private snapshot(member: Member): EnvironmentStatus {
    const id = member.descriptor.id;
    const live = countsFromPicture(this.picture, id);
    const counts = live ?? member.lastProbe?.counts;
    return {
      ...member.status,
      degradedReasons: [...member.status.degradedReasons],
      ...(counts ? { counts } : {}),
      pictureWarm: live !== undefined,
      ...(member.heardAt ? { heardAt: member.heardAt } : {}),
    };
  }

  private createMember(descriptor: EnvironmentDescriptor, state: EnvironmentState): Member {
    return {
      descriptor,
      client: new EngineClient(descriptor, {
        maxInFlight: this.options.maxInFlight,
        maxStreams: this.options.maxStreams,
        onHostKey: (hostKey) => {
          // Kept with the descriptor, so that saving the pinned key is not taken for a new endpoint.
          if (descriptor.ssh) descriptor.ssh.hostKey = hostKey.key;
          else descriptor.ssh = { hostKey: hostKey.key };
          this.options.onHostKey?.(descriptor.id, hostKey);
        },
      }),
      status: {
        environmentId: descriptor.id,
        name: descriptor.name,
        url: redactUrl(descriptor.url),
        state,
        since: Date.now(),
        degradedReasons: [],
        pictureWarm: false,
      },
      failures: 0,
      eventsDisconnected: false,
    };
  }

  /** Stops polling and watching; the picture goes cold but keeps what it knew. */
  private quiesce(member: Member): void {
    clearTimeout(member.timer);
    member.timer = undefined;
    clearTimeout(member.liveness);
    member.liveness = undefined;
    this.stopWatcher(member);
  }

  private retire(member: Member): void {
    this.quiesce(member);
    member.client.close();
    this.picture.drop(member.descriptor.id);
    this.events.forget(member.descriptor.id);
  }

  private isCurrent(member: Member): boolean {
    return this.members.get(member.descriptor.id) === member;
  }

  /** Still in the fleet and not paused (read after an await: either may have changed). */
  private isActive(member: Member): boolean {
    return this.isCurrent(member) && member.status.state !== "paused";
  }

  private need(environmentId: string): Member {
    const member = this.members.get(environmentId);
    if (!member) throw new UnknownEnvironmentError(environmentId);
    return member;
  }
}

function fanOutError(environmentId: string, error: unknown, latencyMs: number): FanOutError {
  const typed = classifyDockerError(environmentId, error);
  return {
    environmentId,
    code: typed.code,
    ...(typed instanceof DockerUnreachableError ? { cause: typed.reason } : {}),
    message: typed.message,
    latencyMs,
  };
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}
