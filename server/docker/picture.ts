// The live picture: per environment, per kind, the trimmed objects as the engine last told us,
// and whether that is current ("warm"). Watchers write it; lists read it; subscribers hear every
// change as it lands.
import { keyOf, type ResourceKind, type ResourceKinds } from "./resources";

export type PictureChange = {
  [K in ResourceKind]:
    | { environmentId: string; kind: K; type: "upsert"; id: string; item: ResourceKinds[K] }
    | { environmentId: string; kind: K; type: "remove"; id: string };
}[ResourceKind];

/** Warmth changes travel with the item changes so a page knows when to fall back to live reads. */
export type PictureEvent =
  | PictureChange
  | { environmentId: string; type: "warm" }
  | { environmentId: string; type: "cold" }
  | { environmentId: string; type: "dropped" };

export type PictureListener = (events: PictureEvent[]) => void;

/**
 * Where one environment's picture of a kind stood at a moment: its version (see
 * `Picture.version`) and whether it was warm. A list read carries one per environment, and so
 * does the start of the fleet's live feed: a read whose stamp is older than the feed's start
 * missed the changes between the two.
 */
export interface PictureStamp {
  warm: boolean;
  version: number;
}

/** An object as a fleet-wide list answers it: the summary and the environment it is on. */
export type Listed<K extends ResourceKind> = ResourceKinds[K] & { environmentId: string };

interface Entry<K extends ResourceKind> {
  item: ResourceKinds[K];
  /** The item as JSON: a refresh that changes nothing is told apart without a deep compare. */
  json: string;
  /** The item with its environmentId, made once when first listed and shared by every list after. */
  listed?: Listed<K>;
}

type Store = { [K in ResourceKind]?: Map<string, Entry<K>> };

interface EnvironmentPicture {
  store: Store;
  warm: boolean;
  syncedAt?: number;
  /** Per kind: the stamp of its last change (see `version`). */
  versions: { [K in ResourceKind]?: number };
  /** The stamp taken when the picture began holding this environment: the version of a kind never changed since. */
  born: number;
}

/** Stamps of change, unique across every environment and kind for the life of the process. */
let lastVersion = 0;

export class Picture {
  private readonly environments = new Map<string, EnvironmentPicture>();
  private readonly listeners = new Set<{ listener: PictureListener; environmentIds?: ReadonlySet<string> }>();

  /** True when `environmentId` is current: the lists can be answered from here. */
  isWarm(environmentId: string): boolean {
    return this.environments.get(environmentId)?.warm ?? false;
  }

  syncedAt(environmentId: string): number | undefined {
    return this.environments.get(environmentId)?.syncedAt;
  }

  /** The objects of one kind, or undefined when the picture is cold for that environment. */
  list<K extends ResourceKind>(environmentId: string, kind: K): ResourceKinds[K][] | undefined {
    const env = this.environments.get(environmentId);
    if (!env?.warm) return undefined;
    const map = env.store[kind];
    return map ? [...itemsOf(map)] : [];
  }

  /**
   * The objects of one kind as a fleet-wide list answers them (with their environmentId), or
   * undefined when the picture is cold for that environment. The objects are shared between
   * lists: read them, never change them.
   */
  listed<K extends ResourceKind>(environmentId: string, kind: K): Listed<K>[] | undefined {
    const env = this.environments.get(environmentId);
    if (!env?.warm) return undefined;
    const map = env.store[kind];
    if (!map) return [];
    const out: Listed<K>[] = new Array<Listed<K>>(map.size);
    let i = 0;
    for (const entry of map.values()) out[i++] = entry.listed ??= { ...entry.item, environmentId };
    return out;
  }

  /** The objects of one kind, without copying (undefined when cold); for counting and lookups. */
  values<K extends ResourceKind>(environmentId: string, kind: K): Iterable<ResourceKinds[K]> | undefined {
    const env = this.environments.get(environmentId);
    if (!env?.warm) return undefined;
    const map = env.store[kind];
    return map ? itemsOf(map) : [];
  }

  get<K extends ResourceKind>(environmentId: string, kind: K, id: string): ResourceKinds[K] | undefined {
    const map = this.environments.get(environmentId)?.store[kind];
    return map?.get(id)?.item;
  }

  /**
   * A stamp that changes whenever the objects of a kind change (never repeats, also across a
   * forgotten and re-added environment): what is made from a list can be kept while it holds.
   */
  version(environmentId: string, kind: ResourceKind): number {
    const env = this.environments.get(environmentId);
    return env ? (env.versions[kind] ?? env.born) : 0;
  }

  /** The version of a kind and whether the environment is warm, as of now. */
  stamp(environmentId: string, kind: ResourceKind): PictureStamp {
    return { warm: this.isWarm(environmentId), version: this.version(environmentId, kind) };
  }

  /** How many objects of a kind, whether warm or not (undefined when never loaded). */
  count(environmentId: string, kind: ResourceKind): number | undefined {
    return this.environments.get(environmentId)?.store[kind]?.size;
  }

  // replace and apply return the changes they made; the caller emits them, one batch per refresh.

  /**
   * A full resync: `items` becomes the whole of that kind. Emits only what differs from what the
   * picture held, so a reconnect costs subscribers nothing when nothing changed.
   */
  replace<K extends ResourceKind>(environmentId: string, kind: K, items: ResourceKinds[K][]): PictureChange[] {
    const map = this.mapFor(environmentId, kind);
    const changes: PictureChange[] = [];
    const seen = new Set<string>();
    for (const item of items) {
      const id = keyOf(kind, item);
      seen.add(id);
      const change = this.put(environmentId, kind, map, id, item);
      if (change) changes.push(change);
    }
    for (const id of [...map.keys()]) {
      if (seen.has(id)) continue;
      map.delete(id);
      changes.push({ environmentId, kind, type: "remove", id });
    }
    if (changes.length) this.changed(environmentId, kind);
    return changes;
  }

  /**
   * A targeted refresh: `items` is what the engine now says about `ids`; ids it no longer knows
   * are removed.
   */
  apply<K extends ResourceKind>(
    environmentId: string,
    kind: K,
    ids: readonly string[],
    items: ResourceKinds[K][],
  ): PictureChange[] {
    const map = this.mapFor(environmentId, kind);
    const changes: PictureChange[] = [];
    const found = new Set<string>();
    for (const item of items) {
      const id = keyOf(kind, item);
      found.add(id);
      const change = this.put(environmentId, kind, map, id, item);
      if (change) changes.push(change);
    }
    for (const id of ids) {
      if (found.has(id) || !map.delete(id)) continue;
      changes.push({ environmentId, kind, type: "remove", id });
    }
    if (changes.length) this.changed(environmentId, kind);
    return changes;
  }

  /** Forgets a kind entirely (a manager demoted to worker has no services); returns the removals. */
  dropKind(environmentId: string, kind: ResourceKind): PictureChange[] {
    const env = this.environments.get(environmentId);
    if (!env?.store[kind]) return [];
    const changes = this.replace(environmentId, kind, []);
    delete env.store[kind];
    this.changed(environmentId, kind);
    return changes;
  }

  setWarm(environmentId: string, warm: boolean): void {
    const env = this.environment(environmentId);
    if (warm) env.syncedAt = Date.now();
    if (env.warm === warm) return;
    env.warm = warm;
    this.emit([{ environmentId, type: warm ? "warm" : "cold" }]);
  }

  /** Forgets an environment (removed from the fleet, or its endpoint changed). */
  drop(environmentId: string): void {
    if (!this.environments.delete(environmentId)) return;
    this.emit([{ environmentId, type: "dropped" }]);
  }

  /** Hears every change; with `environmentIds`, only theirs. Returns the unsubscribe function. */
  subscribe(listener: PictureListener, environmentIds?: Iterable<string>): () => void {
    const entry = { listener, ...(environmentIds ? { environmentIds: new Set(environmentIds) } : {}) };
    this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
    };
  }

  emit(events: PictureEvent[]): void {
    if (!events.length) return;
    for (const { listener, environmentIds } of [...this.listeners]) {
      const mine = environmentIds ? events.filter((e) => environmentIds.has(e.environmentId)) : events;
      if (!mine.length) continue;
      try {
        listener(mine);
      } catch (error) {
        // One broken subscriber must not stop the others or the watcher that feeds them.
        console.error("picture: a change listener threw", error);
      }
    }
  }

  private put<K extends ResourceKind>(
    environmentId: string,
    kind: K,
    map: Map<string, Entry<K>>,
    id: string,
    item: ResourceKinds[K],
  ): PictureChange | undefined {
    const json = JSON.stringify(item);
    if (map.get(id)?.json === json) return undefined;
    map.set(id, { item, json });
    return { environmentId, kind, type: "upsert", id, item } as PictureChange;
  }

  private environment(environmentId: string): EnvironmentPicture {
    let env = this.environments.get(environmentId);
    if (!env) {
      env = { store: {}, warm: false, versions: {}, born: ++lastVersion };
      this.environments.set(environmentId, env);
    }
    return env;
  }

  private changed(environmentId: string, kind: ResourceKind): void {
    this.environment(environmentId).versions[kind] = ++lastVersion;
  }

  private mapFor<K extends ResourceKind>(environmentId: string, kind: K) {
    const store = this.environment(environmentId).store;
    const map = (store[kind] ??= new Map()) as Map<string, Entry<K>>;
    return map;
  }
}

function* itemsOf<K extends ResourceKind>(map: Map<string, Entry<K>>): Generator<ResourceKinds[K]> {
  for (const entry of map.values()) yield entry.item;
}
