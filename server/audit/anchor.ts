// The chain's head, kept outside the database: someone who can write the database could
// delete the newest events and leave a shorter chain that still verifies link by link; a head
// written elsewhere names that truncation. The latest head goes to <dataDir>/audit-head.json
// within a moment of every append; every few minutes (when it moved), at each checkpoint and
// at shutdown it is also appended to <dataDir>/audit-anchors.log and printed to the server log,
// which usually ends up somewhere the database's writers cannot reach (journald, a log
// collector). `npm run audit:verify` reads the file by default and accepts an expected head
// (`--expect-head <seq>:<hash>`) copied from any of them.
import { appendFile, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";

export interface ChainHead {
  seq: bigint;
  hash: string;
}

export interface HeadAnchor {
  /** The chain grew to `head`. */
  moved(head: ChainHead): void;
  /** A checkpoint (prune, seal) or a stop: anchored at once, in the file and the log. */
  mark(head: ChainHead, why: string): Promise<void>;
  /** Writes what is pending and stops the timers. */
  close(): Promise<void>;
  /** The newest head anchored where this anchor writes (for verify), or null. */
  anchored(): Promise<ChainHead | null>;
}

export const HEAD_FILE = "audit-head.json";
export const ANCHOR_LOG = "audit-anchors.log";

/** "123:abcd…" -> head; null when it is not one. */
export function parseHead(text: string): ChainHead | null {
  const match = /^#?(\d+)[:\s]+([0-9a-f]{64})$/i.exec(text.trim());
  return match ? { seq: BigInt(match[1]!), hash: match[2]!.toLowerCase() } : null;
}

export function formatHead(head: ChainHead): string {
  return `${head.seq}:${head.hash}`;
}

export class FileHeadAnchor implements HeadAnchor {
  private latest: ChainHead | null = null;
  private written: ChainHead | null = null;
  private logged: ChainHead | null = null;
  private writeTimer: NodeJS.Timeout | undefined;
  private readonly periodic: NodeJS.Timeout;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly dataDir: string,
    private readonly options: { log?: (line: string) => void; periodicMs?: number; debounceMs?: number } = {},
  ) {
    this.periodic = setInterval(() => void this.anchorIfMoved("periodic"), options.periodicMs ?? 5 * 60_000);
    this.periodic.unref();
  }

  moved(head: ChainHead): void {
    if (this.latest && this.latest.seq >= head.seq) return;
    this.latest = head;
    this.writeTimer ??= setTimeout(() => {
      this.writeTimer = undefined;
      this.writing = this.writing.then(() => this.writeHeadFile()).catch(this.complain);
    }, this.options.debounceMs ?? 200);
  }

  async mark(head: ChainHead, why: string): Promise<void> {
    this.moved(head);
    await this.anchor(head, why);
  }

  async close(): Promise<void> {
    clearInterval(this.periodic);
    if (this.writeTimer) clearTimeout(this.writeTimer);
    this.writeTimer = undefined;
    await this.writing;
    await this.writeHeadFile().catch(this.complain);
    await this.anchorIfMoved("shutdown");
  }

  anchored(): Promise<ChainHead | null> {
    return readAnchoredHead(this.dataDir);
  }

  private readonly complain = (error: unknown) =>
    console.error(`audit: cannot write the head anchor in ${this.dataDir}:`, error);

  private async writeHeadFile(): Promise<void> {
    const head = this.latest;
    if (!head || (this.written && this.written.seq >= head.seq)) return;
    const file = path.join(this.dataDir, HEAD_FILE);
    const body = JSON.stringify({ seq: head.seq.toString(), hash: head.hash, at: new Date().toISOString() });
    // Whole or not at all: a reader never sees half a file.
    await writeFile(`${file}.tmp`, body + "\n", { mode: 0o600 });
    await rename(`${file}.tmp`, file);
    this.written = head;
  }

  private async anchorIfMoved(why: string): Promise<void> {
    const head = this.latest;
    if (!head || (this.logged && this.logged.seq >= head.seq)) return;
    await this.anchor(head, why).catch(this.complain);
  }

  private async anchor(head: ChainHead, why: string): Promise<void> {
    this.logged = head;
    (this.options.log ?? console.log)(`audit: head #${head.seq} ${head.hash} (${why})`);
    await appendFile(path.join(this.dataDir, ANCHOR_LOG), `${new Date().toISOString()} ${formatHead(head)} ${why}\n`, {
      mode: 0o600,
    });
  }
}

/** The newest head anchored in a data folder (the head file or the anchor log), or null. */
export async function readAnchoredHead(dataDir: string): Promise<ChainHead | null> {
  const heads: ChainHead[] = [];
  try {
    const { seq, hash } = JSON.parse(await readFile(path.join(dataDir, HEAD_FILE), "utf8")) as {
      seq: string;
      hash: string;
    };
    const head = parseHead(`${seq}:${hash}`);
    if (head) heads.push(head);
  } catch {
    // none yet
  }
  try {
    const lines = (await readFile(path.join(dataDir, ANCHOR_LOG), "utf8")).trim().split("\n");
    const last = lines[lines.length - 1]?.split(" ")[1];
    const head = last ? parseHead(last) : null;
    if (head) heads.push(head);
  } catch {
    // none yet
  }
  return heads.sort((a, b) => (a.seq < b.seq ? 1 : a.seq > b.seq ? -1 : 0))[0] ?? null;
}
