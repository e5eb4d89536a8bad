// Pulls and pushes in progress, in memory by id, so a page that reconnects (a reload, a
// dropped connection, another tab) picks an operation up again where it is. Progress is
// published at most every PUBLISH_MS per operation; the end at once. Finished operations stay
// KEEP_FINISHED_MS for pages that come back late, at most MAX_FINISHED of them.
import type { Fleet } from "../../docker/index";
import { emptyProgress, transferFraction, type TransferKind, type TransferProgress } from "./progress";

export const PUBLISH_MS = 200;
const KEEP_FINISHED_MS = 30 * 60_000;
const MAX_FINISHED = 200;

export interface TransferView {
  id: string;
  kind: TransferKind;
  environmentId: string;
  environmentName: string;
  /** the image as pulled or pushed: host/path:tag */
  reference: string;
  /** the saved registry whose credentials were used, if any */
  registryName: string | null;
  startedBy: string;
  startedAt: number;
  finishedAt?: number;
  state: "running" | "ok" | "error";
  progress: TransferProgress;
  /** 0 to 1 */
  fraction: number;
  error?: string;
  cli: string;
}

export interface TransferHandle {
  readonly id: string;
  progress(progress: TransferProgress): void;
  finish(error?: string): TransferView;
}

type Listener = (view: TransferView) => void;

interface Entry {
  view: TransferView;
  timer?: NodeJS.Timeout;
  lastPublished: number;
}

export class TransferBoard {
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<Listener>();

  has(id: string): boolean {
    return this.entries.has(id);
  }

  get(id: string): TransferView | undefined {
    return this.entries.get(id)?.view;
  }

  /** Every operation known now, newest first. */
  list(): TransferView[] {
    return [...this.entries.values()].map((e) => e.view).sort((a, b) => b.startedAt - a.startedAt);
  }

  /** Hears every published change. Returns the unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  begin(init: Omit<TransferView, "state" | "progress" | "fraction" | "startedAt">): TransferHandle {
    const entry: Entry = {
      view: { ...init, startedAt: Date.now(), state: "running", progress: emptyProgress(), fraction: 0 },
      lastPublished: 0,
    };
    this.entries.set(init.id, entry);
    this.publish(entry);
    return {
      id: init.id,
      progress: (progress) => {
        if (entry.view.state !== "running") return;
        entry.view = { ...entry.view, progress, fraction: transferFraction(entry.view.kind, progress) };
        this.schedule(entry);
      },
      finish: (error) => {
        clearTimeout(entry.timer);
        entry.timer = undefined;
        const failed = error ?? entry.view.progress.error;
        entry.view = {
          ...entry.view,
          state: failed ? "error" : "ok",
          finishedAt: Date.now(),
          fraction: transferFraction(entry.view.kind, entry.view.progress, !failed),
          ...(failed ? { error: failed } : {}),
        };
        this.publish(entry);
        const forget = setTimeout(() => this.entries.delete(init.id), KEEP_FINISHED_MS);
        forget.unref();
        this.trim();
        return entry.view;
      },
    };
  }

  private schedule(entry: Entry): void {
    if (entry.timer) return;
    const wait = Math.max(0, entry.lastPublished + PUBLISH_MS - Date.now());
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      if (entry.view.state === "running") this.publish(entry);
    }, wait);
    entry.timer.unref();
  }

  private publish(entry: Entry): void {
    entry.lastPublished = Date.now();
    for (const listener of [...this.listeners]) {
      try {
        listener(entry.view);
      } catch (error) {
        console.error("transfers: a listener threw", error);
      }
    }
  }

  private trim(): void {
    const finished = [...this.entries.values()].filter((e) => e.view.state !== "running");
    if (finished.length <= MAX_FINISHED) return;
    finished.sort((a, b) => (a.view.finishedAt ?? 0) - (b.view.finishedAt ?? 0));
    for (const entry of finished.slice(0, finished.length - MAX_FINISHED)) this.entries.delete(entry.view.id);
  }
}

const boards = new WeakMap<Fleet, TransferBoard>();

/** The board of this server (one per fleet). */
export function transfersOf(fleet: Fleet): TransferBoard {
  let board = boards.get(fleet);
  if (!board) {
    board = new TransferBoard();
    boards.set(fleet, board);
  }
  return board;
}
