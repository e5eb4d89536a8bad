// What one replica tells the others, over the Postgres they share (LISTEN/NOTIFY: no other
// broker). A replica announces the audit events it wrote; every change made through Stevedore
// writes one (a revoked binding, a new environment, a setting, a sign-out), so "an event was
// written" is the one message the others need to look again. Messages carry ids, never data:
// the receiver reads what it may show from the database, as for its own changes.
//
// Listening takes a connection of its own, kept open and reopened after a drop; what was sent
// while it was closed is not delivered, so every (re)connection also tells the receiver to
// look again at everything (`missed`). Sending goes through the application's pool.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { z } from "zod";

/** The channel every replica of one database listens on. */
export const REPLICA_CHANNEL = "stevedore_replicas";

/**
 * Every listening replica holds this advisory lock shared, on its listening connection, for as
 * long as it runs: whether a replica is alone is whether it can take the lock exclusively.
 */
const PRESENCE_LOCK = 0x5e7ed0f;

/** Postgres refuses a NOTIFY payload of 8000 bytes or more: ids are sent in slices. */
const IDS_PER_MESSAGE = 150;

const message = z.object({
  /** the replica that wrote the events */
  from: z.string().max(64),
  events: z.array(z.string().max(64)).max(IDS_PER_MESSAGE),
});
export type ReplicaMessage = z.infer<typeof message>;

export interface ReplicaBusHandlers {
  /** Another replica wrote these audit events. */
  events(eventIds: string[], from: string): void;
  /** The bus (re)connected: what was sent meanwhile is lost, look again at everything. */
  missed(): void;
}

/** Sends one NOTIFY (the application's pool: `SELECT pg_notify($1, $2)`). */
export type Notify = (channel: string, payload: string) => Promise<void>;

export interface ReplicaBusOptions {
  databaseUrl: string;
  notify: Notify;
  handlers: ReplicaBusHandlers;
  log?: (line: string) => void;
  /** how long before reconnecting after a drop; doubles up to 10 s */
  retryMs?: number;
}

export class ReplicaBus {
  /** This replica's name on the bus (a process, not a container: a restart is a new one). */
  readonly id = randomUUID();
  private client: pg.Client | undefined;
  private closed = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  private outgoing: string[] = [];
  private flushing = false;
  private connected: Promise<void> | undefined;
  private markConnected: (() => void) | undefined;
  private readonly log: (line: string) => void;
  private readonly retryMs: number;

  constructor(private readonly options: ReplicaBusOptions) {
    this.log = options.log ?? ((line) => console.error(line));
    this.retryMs = options.retryMs ?? 500;
  }

  /** Connects and listens; resolves once listening (or once it first fails: it keeps retrying). */
  start(): Promise<void> {
    this.connected = new Promise((resolve) => (this.markConnected = resolve));
    void this.connect();
    return this.connected;
  }

  /** Announces events this replica wrote; sent in order, in few messages. */
  announce(eventId: string): void {
    if (this.closed) return;
    this.outgoing.push(eventId);
    if (!this.flushing) {
      this.flushing = true;
      // Events written together (a batch of the audit writer) leave together.
      setImmediate(() => void this.flush());
    }
  }

  /**
   * Whether no other replica runs on this database now (none holds the presence lock). False
   * when this one is not listening: then it cannot know.
   */
  async alone(): Promise<boolean> {
    const client = this.client;
    if (!client) return false;
    // A session's own shared hold never conflicts with its exclusive request: only others' do.
    const { rows } = await client.query<{ alone: boolean }>("SELECT pg_try_advisory_lock($1) AS alone", [
      PRESENCE_LOCK,
    ]);
    if (rows[0]?.alone) await client.query("SELECT pg_advisory_unlock($1)", [PRESENCE_LOCK]);
    return Boolean(rows[0]?.alone);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async flush(): Promise<void> {
    try {
      while (this.outgoing.length) {
        const events = this.outgoing.splice(0, IDS_PER_MESSAGE);
        const payload: ReplicaMessage = { from: this.id, events };
        await this.options.notify(REPLICA_CHANNEL, JSON.stringify(payload)).catch((error: unknown) => {
          // The others re-check on their own timers (sessions, permissions); the events stay written.
          this.log(`replicas: cannot tell the other replicas of ${events.length} event(s): ${describe(error)}`);
        });
      }
    } finally {
      this.flushing = false;
    }
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({
      connectionString: this.options.databaseUrl,
      application_name: "stevedore-replicas",
    });
    client.on("error", (error) => this.dropped(client, error));
    client.on("end", () => this.dropped(client, new Error("connection ended")));
    client.on("notification", (note) => {
      if (note.channel !== REPLICA_CHANNEL || !note.payload) return;
      this.received(note.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${REPLICA_CHANNEL}`);
      await client.query("SELECT pg_advisory_lock_shared($1)", [PRESENCE_LOCK]);
    } catch (error) {
      this.dropped(client, error);
      this.markConnected?.();
      return;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    if (this.failures) this.log("replicas: listening again");
    this.failures = 0;
    this.markConnected?.();
    this.options.handlers.missed();
  }

  private dropped(client: pg.Client, error: unknown): void {
    if (this.client && this.client !== client) return;
    this.client = undefined;
    client.removeAllListeners();
    // An 'error' after the socket went must not crash the process.
    client.on("error", () => undefined);
    void client.end().catch(() => undefined);
    if (this.closed || this.retryTimer) return;
    this.failures++;
    if (this.failures === 1 || this.failures % 20 === 0) {
      this.log(`replicas: not listening to the other replicas (attempt ${this.failures}): ${describe(error)}`);
    }
    const wait = Math.min(10_000, this.retryMs * 2 ** Math.min(this.failures - 1, 5));
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.connect();
    }, wait);
    this.retryTimer.unref();
  }

  private received(payload: string): void {
    let parsed: ReplicaMessage;
    try {
      parsed = message.parse(JSON.parse(payload));
    } catch {
      // Anyone who can connect to the database can NOTIFY: a message that is not ours is ignored.
      return;
    }
    if (parsed.from === this.id) return;
    this.options.handlers.events(parsed.events, parsed.from);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
