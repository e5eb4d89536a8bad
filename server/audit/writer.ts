// The only writer of the audit trail. Every row is in the hash chain from the moment it is
// written:
//   begin     the intent of an action that is about to run, as its own link (if it cannot be
//             written in time, the action does not run);
//   complete  the outcome of that action, appended as the completion's link;
//   record    a whole event at once (a refusal, a download, a console refusal).
// All appends of this process go through one queue, written by one loop in batches (one
// transaction, a handful of round trips, however many events), so a flood of events never
// turns into contending transactions; each batch takes the chain's advisory lock, so several
// processes (replicas on one Postgres) still write one chain. What cannot be written is
// retried until it is, except an intent, which fails closed after its deadline.
import { EventEmitter } from "node:events";
import { randomUUID } from "node:crypto";
import { describeDatabaseError } from "../database/errors";
import type { PrismaClient } from "../generated/prisma/client";
import type { ChainHead, HeadAnchor } from "./anchor";
import { changedByCompletion, completionLinkHash, eventLinkHash, type EventFields, type PatchableField } from "./chain";
import {
  applyCompletions,
  eventFieldsOfRow,
  insertEvents,
  lockChain,
  readChainState,
  type CompletionRow,
  type NewEventRow,
  type Tx,
} from "./chain-store";
import {
  completionText,
  eventFieldsFor,
  patchFieldsFor,
  wholeMs,
  type AuditCompletion,
  type AuditEntry,
  type AuditOutcome,
} from "./entry";
import type { NameLookup } from "./names";
import { RefusalRecorder, type RefusalOptions } from "./refusals";
import { pruneChain } from "./retention";
import { ensureSeal } from "./seal";
import { verifyAuditChain, type ExpectedHead, type VerifyResult } from "./verify";

export type { AuditCompletion, AuditEntry, AuditOutcome };

export class AuditWriteError extends Error {
  constructor(cause: unknown) {
    super("The audit trail cannot be written, so nothing was done. Ask an administrator to check the database.", {
      cause,
    });
    this.name = "AuditWriteError";
  }
}

export interface AuditWriterOptions {
  /** The chain key (SecretBox.deriveKey("audit-chain")): never stored in the database. */
  chainKey: Buffer;
  /** Where heads are anchored outside the database (server/audit/anchor.ts). */
  anchor?: HeadAnchor;
  /** How long an intent may wait to be written before its action is refused. */
  intentDeadlineMs?: number;
  /** How refusals are grouped (server/audit/refusals.ts). */
  refusals?: RefusalOptions;
  /** Names of the environment and target at the time, where the entry does not give them. */
  names?: NameLookup;
  log?: (line: string) => void;
}

/** Events per transaction. */
const BATCH = 200;
/** Attempts of an intent written on its own before its action is refused. */
const INTENT_ATTEMPTS = 3;
/** Attempts of an event on its own, refused for its data, before its parameters are dropped. */
const PLAIN_AFTER = 3;

interface Pending<T> {
  resolve(value: T): void;
  reject(error: unknown): void;
  attempts: number;
}

interface InsertOp extends Pending<void> {
  type: "insert";
  link: "event" | "intent";
  fields: EventFields;
  /** intents only: refused (fail closed) when not written by then */
  deadline: number | null;
  /** written only when no event alike is on the chain yet (recordOnce) */
  once: RecordOnce | null;
}

/**
 * What makes an event the same as one already recorded, for facts several replicas observe at
 * once (a rollout's end, heard by every replica's watcher): the action, the target and these
 * parameters. Checked under the chain's lock, so of replicas racing, one writes it.
 */
export interface RecordOnce {
  /** parameters the earlier event holds with these values (a JSON containment match) */
  params: Record<string, string | number | boolean>;
  /** how far back an earlier event is looked for */
  withinMs: number;
}

interface CompleteOp extends Pending<void> {
  type: "complete";
  id: string;
  completedAt: Date;
  outcome: AuditOutcome;
  error: string | null;
  durationMs: number | null;
  patch: Partial<Pick<EventFields, PatchableField>>;
  recording: { sha256: string; chunks: number } | null;
}

interface PruneOp extends Pending<number> {
  type: "prune";
  olderThan: Date;
}

type AppendOp = InsertOp | CompleteOp;
type Op = AppendOp | PruneOp;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class AuditWriter {
  /** Emits "event" with the id of every event written or completed (for live tails). */
  readonly events = new EventEmitter();
  private queue: Op[] = [];
  private draining = false;
  private idle: Promise<void> = Promise.resolve();
  private markIdle: () => void = () => undefined;
  /** One append at a time while a batch fails, to find the event that makes it fail. */
  private isolating = false;
  private failures = 0;
  /** The seal is missing while keyed links exist: said once (verify reports it), never re-sealed. */
  private sealMissingLogged = false;
  private lastHead: ChainHead | null = null;
  private readonly chainKey: Buffer;
  private readonly intentDeadlineMs: number;
  private readonly log: (line: string) => void;
  private readonly refusals: RefusalRecorder;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly options: AuditWriterOptions,
  ) {
    this.events.setMaxListeners(0);
    this.chainKey = options.chainKey;
    this.intentDeadlineMs = options.intentDeadlineMs ?? 15_000;
    this.log = options.log ?? ((line) => console.error(line));
    this.refusals = new RefusalRecorder(this, options.refusals);
  }

  /** The newest link this process wrote or saw while writing. */
  get head(): ChainHead | null {
    return this.lastHead;
  }

  /** Writes the intent as a link of the chain; throws AuditWriteError when it cannot in time. */
  async begin(entry: AuditEntry): Promise<string> {
    const id = newEventId();
    await new Promise<void>((resolve, reject) =>
      this.enqueue({
        type: "insert",
        link: "intent",
        fields: eventFieldsFor(id, new Date(), this.named(entry), null),
        deadline: Date.now() + this.intentDeadlineMs,
        once: null,
        attempts: 0,
        resolve,
        reject,
      }),
    );
    return id;
  }

  /** Appends the outcome of a begun event; resolves once it is written (retried until it is). */
  complete(id: string, completion: AuditCompletion): Promise<void> {
    return new Promise<void>((resolve, reject) =>
      this.enqueue({
        type: "complete",
        id,
        completedAt: new Date(),
        outcome: completion.outcome,
        error: completionText(completion.error),
        durationMs: wholeMs(completion.durationMs),
        patch: patchFieldsFor(completion.patch ?? {}),
        recording: completion.recording ?? null,
        attempts: 0,
        resolve,
        reject,
      }),
    );
  }

  /** Writes a whole event at once (a refusal, a download); resolves once it is written. */
  record(entry: AuditEntry, completion: AuditCompletion): Promise<string> {
    return this.recordWhole(entry, completion, null);
  }

  /**
   * Writes a whole event unless one alike (`once`) is recorded already, by this process or
   * another replica: what every replica's watcher sees happen is recorded once.
   */
  recordOnce(entry: AuditEntry, completion: AuditCompletion, once: RecordOnce): Promise<string> {
    return this.recordWhole(entry, completion, once);
  }

  private async recordWhole(entry: AuditEntry, completion: AuditCompletion, once: RecordOnce | null) {
    const id = newEventId();
    await new Promise<void>((resolve, reject) =>
      this.enqueue({
        type: "insert",
        link: "event",
        fields: eventFieldsFor(id, new Date(), this.named(entry), completion),
        deadline: null,
        once,
        attempts: 0,
        resolve,
        reject,
      }),
    );
    return id;
  }

  /**
   * A refused call (no credentials, a bad token, no permission, bad input): recorded whole, or
   * counted into one event per kind and window when many alike arrive (server/audit/refusals.ts).
   */
  refuse(entry: AuditEntry, completion: AuditCompletion): Promise<void> {
    return this.refusals.refuse(entry, completion);
  }

  /** Records the refusals counted so far (tests; shutdown does it too). */
  flushRefusals(): Promise<void> {
    return this.refusals.flush();
  }

  /** Retention: cuts events older than `olderThan` from the start of the chain (a signed checkpoint). */
  prune(olderThan: Date): Promise<number> {
    return new Promise<number>((resolve, reject) =>
      this.enqueue({ type: "prune", olderThan, attempts: 0, resolve, reject }),
    );
  }

  /**
   * Checks the whole chain with this writer's key, against `given` heads and the heads known
   * outside the database: the anchor file's and the newest this process wrote.
   */
  async verify(given: ExpectedHead[] = []): Promise<VerifyResult> {
    // Read before the chain is: a head appended meanwhile must not look like a truncation.
    const expected = [...given];
    if (this.lastHead) expected.push({ head: this.lastHead, source: "this server's memory" });
    const anchored = await this.options.anchor?.anchored().catch(() => null);
    if (anchored) expected.push({ head: anchored, source: "the head file" });
    return verifyAuditChain(this.prisma, { chainKey: this.chainKey, expectedHeads: expected });
  }

  /** Resolves once everything queued so far is written. */
  settled(): Promise<void> {
    return this.queue.length || this.draining ? this.idle : Promise.resolve();
  }

  /** Waits for the queue, then anchors the head one last time. */
  async close(): Promise<void> {
    await this.refusals.close();
    await this.settled();
    await this.options.anchor?.close();
  }

  /** The entry with the environment's and target's names of the moment, where it lacks them. */
  private named(entry: AuditEntry): AuditEntry {
    if (!this.options.names || (entry.environmentName && entry.targetName)) return entry;
    try {
      const names = this.options.names(entry);
      return {
        ...entry,
        environmentName: entry.environmentName ?? names.environmentName ?? null,
        targetName: entry.targetName ?? names.targetName ?? null,
      };
    } catch {
      return entry; // a name is a convenience: never a reason not to record
    }
  }

  private enqueue(op: Op): void {
    if (!this.queue.length && !this.draining) {
      this.idle = new Promise((resolve) => (this.markIdle = resolve));
    }
    this.queue.push(op);
    if (!this.draining) void this.drain();
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length) {
        this.refuseLateIntents();
        const first = this.queue[0];
        if (!first) break;
        if (first.type === "prune") {
          this.queue.shift();
          await this.runPrune(first);
          continue;
        }
        const batch: AppendOp[] = [];
        const limit = this.isolating ? 1 : BATCH;
        while (batch.length < limit && this.queue[0] && this.queue[0].type !== "prune") {
          batch.push(this.queue.shift() as AppendOp);
        }
        try {
          await this.append(batch);
          this.failures = 0;
          this.isolating = false;
        } catch (error) {
          await this.appendFailed(batch, error);
        }
      }
    } finally {
      this.draining = false;
      if (!this.queue.length) this.markIdle();
      else void this.drain();
    }
  }

  /** Intents whose deadline passed while queued: their actions are refused, never run unrecorded. */
  private refuseLateIntents(): void {
    const now = Date.now();
    if (!this.queue.some((op) => op.type === "insert" && op.deadline !== null && op.deadline < now)) return;
    this.queue = this.queue.filter((op) => {
      if (op.type !== "insert" || op.deadline === null || op.deadline >= now) return true;
      op.reject(new AuditWriteError(new Error("the audit queue did not reach this intent in time")));
      return false;
    });
  }

  private async appendFailed(batch: AppendOp[], error: unknown): Promise<void> {
    this.failures++;
    if (this.failures === 1 || this.failures % 20 === 0) {
      this.log(
        `audit: writing ${batch.length} event(s) failed (attempt ${this.failures}), retrying: ${describe(error)}`,
      );
    }
    for (const op of batch) op.attempts++;
    // Back in front, in order: nothing is dropped and nothing overtakes.
    const retry: AppendOp[] = [];
    for (const op of batch) {
      if (op.type === "insert" && op.link === "intent" && batch.length === 1 && op.attempts >= INTENT_ATTEMPTS) {
        op.reject(new AuditWriteError(error));
        continue;
      }
      if (batch.length === 1 && op.attempts >= PLAIN_AFTER && refusedAsData(error)) plainer(op, error);
      retry.push(op);
    }
    this.queue.unshift(...retry);
    if (batch.length > 1) {
      this.isolating = true;
      return;
    }
    await sleep(Math.min(5000, 50 * 2 ** Math.min(this.failures, 7)));
  }

  private async runPrune(op: PruneOp): Promise<void> {
    try {
      const result = await this.prisma.$transaction(
        async (tx) => {
          await lockChain(tx);
          return pruneChain(tx, this.chainKey, op.olderThan);
        },
        { timeout: 60_000, maxWait: 30_000 },
      );
      if (result.checkpoint) await this.options.anchor?.mark(result.checkpoint, `prune: ${result.pruned} event(s)`);
      op.resolve(result.pruned);
    } catch (error) {
      op.reject(error);
    }
  }

  /** One transaction: the lock, the head, every link of the batch in order, two statements. */
  private async append(batch: AppendOp[]): Promise<void> {
    const written: { op: AppendOp; id: string }[] = [];
    /** recordOnce events found recorded already: resolved, not written, not announced */
    const skipped = new Set<AppendOp>();
    const head = await this.prisma.$transaction(
      async (tx) => {
        await lockChain(tx);
        const state = await readChainState(tx);
        let head = state.head;
        // The first append of this version seals what older versions wrote (server/audit/seal.ts).
        if (!state.sealed) {
          const quiet = this.sealMissingLogged ? () => undefined : this.log;
          this.sealMissingLogged = !(await ensureSeal(tx, this.chainKey, quiet));
        }
        const inserts: NewEventRow[] = [];
        const completions: CompletionRow[] = [];
        const completing = batch.filter((op): op is CompleteOp => op.type === "complete");
        const intents = completing.length
          ? await tx.auditEvent.findMany({ where: { id: { in: completing.map((op) => op.id) } } })
          : [];
        const byId = new Map(intents.map((row) => [row.id, row]));
        const next = (): bigint => (head?.seq ?? 0n) + 1n;

        for (const op of batch) {
          if (op.type === "insert") {
            if (op.once && (await recordedAlready(tx, op.fields, op.once))) {
              skipped.add(op);
              written.push({ op, id: op.fields.id });
              continue;
            }
            const seq = next();
            const hash = eventLinkHash(this.chainKey, head?.hash ?? null, op.link, seq, op.fields);
            inserts.push({ ...op.fields, chainSeq: seq, prevHash: head?.hash ?? null, hash });
            head = { seq, hash };
            written.push({ op, id: op.fields.id });
            continue;
          }
          const row = byId.get(op.id);
          if (!row || row.completionSeq !== null) {
            // Never begun here, or completed already (twice is once): nothing to append.
            written.push({ op, id: op.id });
            continue;
          }
          byId.delete(op.id);
          const intent = eventFieldsOfRow(row);
          let chainSeq = row.chainSeq;
          let prevHash = row.prevHash;
          let intentHash = row.hash;
          if (chainSeq === null || intentHash === null) {
            // An intent written before intents were chained (an older version): chain it now.
            chainSeq = next();
            prevHash = head?.hash ?? null;
            intentHash = eventLinkHash(this.chainKey, prevHash, "intent", chainSeq, intent);
            head = { seq: chainSeq, hash: intentHash };
          }
          const final: EventFields = {
            ...intent,
            ...op.patch,
            outcome: op.outcome,
            error: op.error,
            durationMs: op.durationMs,
          };
          if (op.recording) {
            // Beside the redacted parameters, never through the redactor: a digest is not a secret.
            const params = final.params && typeof final.params === "object" ? final.params : {};
            final.params = { ...params, recording: { sha256: op.recording.sha256, chunks: op.recording.chunks } };
          }
          const completionSeq = next();
          const completionHash = completionLinkHash(this.chainKey, head?.hash ?? null, completionSeq, {
            completedAt: op.completedAt,
            intentHash,
            final,
          });
          completions.push({
            ...final,
            chainSeq,
            prevHash,
            hash: intentHash,
            completionSeq,
            completedAt: op.completedAt,
            completionPrevHash: head?.hash ?? null,
            completionHash,
            intentFields: changedByCompletion(intent, final),
          });
          head = { seq: completionSeq, hash: completionHash };
          written.push({ op, id: op.id });
        }
        await insertEvents(tx, inserts);
        const completed = await applyCompletions(tx, completions);
        if (completed !== completions.length) {
          // Under the lock nobody else completes rows: a mismatch means the rows changed under
          // us. Roll back rather than leave a gap in the chain.
          throw new Error(`completed ${completed} of ${completions.length} events`);
        }
        return head;
      },
      { timeout: 30_000, maxWait: 30_000 },
    );
    if (head) {
      // Read under the lock, so it is the chain's head now (every process's links included).
      this.lastHead = head;
      this.options.anchor?.moved(head);
    }
    for (const { op, id } of written) {
      op.resolve();
      if (!skipped.has(op)) this.events.emit("event", id);
    }
  }
}

/** Whether an event like this one (RecordOnce) is on the chain already; under the chain's lock. */
async function recordedAlready(tx: Tx, fields: EventFields, once: RecordOnce): Promise<boolean> {
  const since = new Date(fields.time.getTime() - once.withinMs);
  const rows = await tx.$queryRaw<unknown[]>`
    SELECT 1 FROM "AuditEvent"
    WHERE action = ${fields.action} AND time >= ${since}
      AND "targetId" IS NOT DISTINCT FROM ${fields.targetId}
      AND params @> ${JSON.stringify(once.params)}::jsonb
    LIMIT 1`;
  return rows.length > 0;
}

/** Event ids: unique, and sortable by creation like the cuids Prisma made before. */
function newEventId(): string {
  return `ev${Date.now().toString(36)}${randomUUID().replace(/-/g, "").slice(0, 16)}`;
}

/** The event without its parameters, in case they are what the database refuses. */
function plainer(op: AppendOp, error: unknown): void {
  const note = { "[not recorded]": `the parameters could not be stored: ${describe(error).slice(0, 200)}` };
  if (op.type === "insert") op.fields = { ...op.fields, params: note };
  else if (op.patch.params !== undefined) op.patch = { ...op.patch, params: note };
}

/** The database (or serialising) refused the values themselves, not the connection or the table. */
function refusedAsData(error: unknown): boolean {
  return error instanceof TypeError || error instanceof RangeError || describeDatabaseError(error)?.kind === "invalid";
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message.split("\n").slice(-1)[0] ?? ""}` : String(error);
}
