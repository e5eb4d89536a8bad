// A page's environments and the live feed joined without waiting: a simulated server (the
// environments' statuses, `environments.list`, `fleet.changes`) and a page that reads the
// environments at once while the feed connects, wired as Home is (its feed asks for counts) or as
// a list page is (components/data-table/use-live-list.ts: no counts, and the environments read
// again when the feed is back after a gap). Every interleaving of the server's changes, the
// page's reads, the feed's start and messages, the answers' arrival and a feed that drops and
// reconnects must end with the page showing exactly the server's statuses (a list page: all but
// the counts, which its feed does not send): no change is lost between a read and the feed, nor
// between a read and its answer.
import { describe, expect, it } from "vitest";
import type { EnvironmentStatus } from "../../server/docker/types";
import { LiveStatusSync } from "./live-status-sync";
import { seededRandom } from "./seeded-random";

interface Env {
  id: string;
  name: string;
  status: EnvironmentStatus | null;
}

type Message =
  | { type: "start"; statuses: EnvironmentStatus[] }
  | { type: "status"; status: EnvironmentStatus }
  | { type: "counts"; environmentId: string; counts: EnvironmentStatus["counts"] }
  | { type: "resync" };

const STATES = ["up", "down", "degraded", "paused"] as const;

function status(environmentId: string, n: number, running = 0): EnvironmentStatus {
  return {
    environmentId,
    name: environmentId,
    url: `unix:///run/${environmentId}.sock`,
    state: STATES[n % STATES.length]!,
    since: n,
    degradedReasons: [],
    pictureWarm: true,
    counts: { containers: running, running, paused: 0, stopped: 0, images: 0, volumes: 0 },
  };
}

const random = seededRandom;

/** The server: each environment's status (the fleet's), its list and its one feed. */
class Server {
  readonly statuses = new Map<string, EnvironmentStatus | null>();
  /** The open feed's messages not yet delivered (lost when it drops). */
  feed: Message[] | null = null;
  /** Whether the open feed asked for counts (Home's does, a list page's does not). */
  private counts = false;
  private changes = 0;

  constructor(ids: string[]) {
    // The last environment has no status yet (the fleet has not met it).
    ids.forEach((id, i) => this.statuses.set(id, i === ids.length - 1 ? null : status(id, 0)));
  }

  /** An environment is added: the fleet meets it at once, and its first status is a message. */
  add(id: string): void {
    this.change(id);
  }

  /** An environment is removed: its picture is dropped, which the feed says as a resync. */
  remove(id: string): void {
    this.statuses.delete(id);
    this.feed?.push({ type: "resync" });
  }

  /** The environment's status changes (state, error...). */
  change(id: string): void {
    const next = status(id, ++this.changes, this.statuses.get(id)?.counts?.running ?? 0);
    this.statuses.set(id, next);
    this.feed?.push({ type: "status", status: next });
  }

  /** Only its counts move. */
  count(id: string): void {
    const now = this.statuses.get(id);
    if (!now) return;
    const running = (now.counts?.running ?? 0) + 1;
    const next = { ...now, counts: { ...now.counts!, containers: running, running } };
    this.statuses.set(id, next);
    if (this.counts) this.feed?.push({ type: "counts", environmentId: id, counts: next.counts });
  }

  list(): Env[] {
    return [...this.statuses].map(([id, s]) => ({ id, name: id, status: s }));
  }

  /** Subscribes and takes the statuses in one step, as the router does. */
  subscribe(counts = true): void {
    this.counts = counts;
    this.feed = [{ type: "start", statuses: [...this.statuses.values()].filter((s) => s !== null) }];
  }
}

interface Read {
  answer?: Env[];
}

type Wiring = "home" | "list";

/**
 * The page: its query and subscription, as fleet-overview.tsx (Home) or use-live-list.ts (a list
 * page) wires them.
 */
class Page {
  /** An environment added or removed since the last read: read them again. */
  readonly sync = new LiveStatusSync(() => this.sendRead());
  held: Env[] | undefined;
  /** The read on its way (a new one cancels it, as the query does). */
  read: Read | null = null;
  /** Reads the page sent itself (a list page's, when its feed is back), for the server to take. */
  readonly sent: Read[] = [];
  private starts = 0;

  constructor(private readonly wiring: Wiring = "home") {}

  sendRead(): Read {
    this.read = {};
    this.sent.push(this.read);
    return this.read;
  }
  answer(read: Read): void {
    if (this.read !== read || !read.answer) return;
    this.read = null;
    this.held = this.sync.settle(read.answer);
  }
  hear(message: Message): void {
    // Home refreshes on a resync; a list page reads the environments named again.
    if (message.type === "resync") this.sendRead();
    else if (message.type === "start") {
      this.held = this.sync.started(message.statuses, this.held);
      if (this.wiring === "list" && this.starts++ > 0) this.sendRead();
    } else if (message.type === "status") this.held = this.sync.heardStatus(message.status, this.held);
    else this.held = this.sync.heardCounts(message.environmentId, message.counts, this.held);
  }
}

/** Each environment's id and status, its counts left out when a page does not hear them. */
function statuses(environments: { id: string; status: EnvironmentStatus | null }[], counts: boolean) {
  return environments.map((e) => [e.id, counts || !e.status ? e.status : { ...e.status, counts: undefined }]);
}

function shown(page: Page, counts = true) {
  return page.held ? statuses(page.held, counts) : undefined;
}

function truth(server: Server, counts = true) {
  return statuses(server.list(), counts);
}

describe("LiveStatusSync", () => {
  it("shows a change made between the page's read and the feed's start, at the start", () => {
    const server = new Server(["a", "b"]);
    const page = new Page();
    page.sendRead();
    page.read!.answer = server.list();
    page.answer(page.read!);
    server.change("a"); // the feed is not there yet: nobody tells the page
    server.subscribe();
    expect(shown(page)).not.toEqual(truth(server));
    page.hear(server.feed!.shift()!);
    expect(shown(page)).toEqual(truth(server));
  });

  it("keeps a change heard while a read was on its way, when the answer is older", () => {
    const server = new Server(["a"]);
    const page = new Page();
    server.subscribe();
    page.hear(server.feed!.shift()!);
    page.sendRead();
    page.read!.answer = server.list(); // read by the server...
    server.change("a"); // ...then a change, heard before the answer comes
    page.hear(server.feed!.shift()!);
    page.answer(page.read!);
    expect(page.held![0]!.status).toEqual(server.statuses.get("a"));
  });

  it("shows a read as it is while the feed is away, and lays the next start over it", () => {
    const server = new Server(["a"]);
    const page = new Page();
    server.subscribe();
    page.hear(server.feed!.shift()!);
    server.feed = null;
    page.sync.stopped();
    server.change("a");
    page.sendRead();
    page.read!.answer = server.list();
    page.answer(page.read!);
    // What the feed said before it dropped is older than this read: it is not laid over it.
    expect(page.held![0]!.status).toEqual(server.statuses.get("a"));
    server.change("a");
    server.subscribe();
    page.hear(server.feed!.shift()!);
    expect(page.held![0]!.status).toEqual(server.statuses.get("a"));
  });

  it("changes only the environment a status message names, and nothing for one it does not hold", () => {
    const server = new Server(["a", "b"]);
    const page = new Page();
    page.sendRead();
    page.read!.answer = server.list();
    page.answer(page.read!);
    const before = page.held!;
    server.subscribe();
    page.hear(server.feed!.shift()!);
    server.change("b");
    page.hear(server.feed!.shift()!);
    expect(page.held![0]).toBe(before[0]);
    expect(page.held![1]!.status).toEqual(server.statuses.get("b"));
    const held = page.held;
    page.hear({ type: "status", status: status("zzz", 1) });
    expect(page.held).toBe(held);
  });

  it.each<Wiring>(["home", "list"])(
    "reads the environments again when one was added or removed between the read and the start (%s)",
    (wiring) => {
      for (const between of ["add", "remove", "remove one never met"] as const) {
        const server = new Server(["a", "b", "c"]);
        const page = new Page(wiring);
        const read = page.sendRead();
        read.answer = server.list();
        page.answer(read);
        if (between === "add") server.add("d");
        else server.remove(between === "remove" ? "a" : "c");
        server.subscribe(wiring === "home");
        page.hear(server.feed!.shift()!);
        // The feed's start disagrees with what the page holds: it has sent a read.
        expect(page.sent, between).toHaveLength(2);
        page.read!.answer = server.list();
        page.answer(page.read!);
        expect(shown(page), between).toEqual(truth(server));
        // Once per start: the same answer again asks for nothing more.
        page.answer(Object.assign(page.sendRead(), { answer: server.list() }));
        expect(page.sent, between).toHaveLength(3);
      }
    },
  );

  it("reads the environments again for a status or counts message naming one it does not hold, once", () => {
    const server = new Server(["a"]);
    const page = new Page();
    page.answer(Object.assign(page.sendRead(), { answer: server.list() }));
    server.subscribe();
    page.hear(server.feed!.shift()!);
    const reads = page.sent.length;
    page.hear({ type: "counts", environmentId: "new", counts: status("new", 1).counts });
    expect(page.sent).toHaveLength(reads + 1);
    page.hear({ type: "status", status: status("new", 2) });
    expect(page.sent).toHaveLength(reads + 1);
  });

  it.each<Wiring>(["home", "list"])("ends every interleaving showing the server's statuses (%s)", (wiring) => {
    const counts = wiring === "home";
    for (let seed = 1; seed <= 400; seed++) {
      const rnd = random(seed);
      const ids = ["a", "b", "c"];
      const server = new Server(ids);
      let added = 0;
      const page = new Page(wiring);
      // The page reads at once, beside the feed connecting.
      page.sendRead();
      /** The reads the server has not yet answered. */
      const onServer: Read[] = [];
      /** Answers on their way back, in any order. */
      const inFlight: Read[] = [];
      const steps = 20 + Math.floor(rnd.next() * 40);
      for (let step = 0; step < steps; step++) {
        onServer.push(...page.sent.splice(0));
        const r = rnd.next();
        const present = [...server.statuses.keys()];
        if (r < 0.25) {
          if (present.length) server.change(rnd.pick(present));
        } else if (r < 0.35) {
          if (present.length) server.count(rnd.pick(present));
        } else if (r < 0.38) {
          if (rnd.next() < 0.5) server.add(`new${++added}`);
          else if (present.length) server.remove(rnd.pick(present));
        } else if (r < 0.45 && !server.feed) server.subscribe(counts);
        else if (r < 0.6 && server.feed?.length) page.hear(server.feed.shift()!);
        else if (r < 0.7 && onServer.length) {
          const read = onServer.shift()!;
          read.answer = server.list();
          inFlight.push(read);
        } else if (r < 0.8 && inFlight.length) {
          page.answer(inFlight.splice(Math.floor(rnd.next() * inFlight.length), 1)[0]!);
        } else if (r < 0.85) {
          // The refresh (or a resync): a new read, the one on its way cancelled.
          page.sendRead();
        } else if (r < 0.88 && server.feed) {
          // The feed drops; the page notices and reconnects.
          server.feed = null;
          page.sync.stopped();
        }
      }
      // Quiet: the feed connects, every read is answered, every message delivered.
      if (!server.feed) server.subscribe(counts);
      const feed = server.feed!;
      const answerAll = () => {
        for (const read of [...onServer.splice(0), ...page.sent.splice(0)]) {
          read.answer = server.list();
          inFlight.push(read);
        }
      };
      answerAll();
      while (inFlight.length || feed.length) {
        if (feed.length && (rnd.next() < 0.5 || !inFlight.length)) page.hear(feed.shift()!);
        else page.answer(inFlight.splice(Math.floor(rnd.next() * inFlight.length), 1)[0]!);
        answerAll();
      }
      if (!page.held) {
        // Every read was cancelled before it was answered: the last one is answered now.
        page.sendRead();
        page.read!.answer = server.list();
        page.answer(page.read!);
      }
      expect(shown(page, counts), `seed ${seed}`).toEqual(truth(server, counts));
    }
  });
});
