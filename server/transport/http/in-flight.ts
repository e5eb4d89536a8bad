// The HTTP requests a server is answering, so that stopping it (an upgrade's old replica, a
// scaled-down one) loses none of them: what it accepted completes before the database goes.
// Live streams (server-sent events) never complete by themselves: they are ended instead, and
// their clients reconnect to another replica.
import type { IncomingMessage, ServerResponse } from "node:http";

export class InFlightRequests {
  private readonly requests = new Set<ServerResponse>();
  private readonly streams = new Set<ServerResponse>();
  private readonly idle = new Set<() => void>();

  track(req: IncomingMessage, res: ServerResponse): void {
    const isStream = /\btext\/event-stream\b/.test(req.headers.accept ?? "");
    const set = isStream ? this.streams : this.requests;
    set.add(res);
    res.once("close", () => {
      set.delete(res);
      if (this.requests.size === 0) for (const resolve of this.idle) resolve();
    });
  }

  get count(): number {
    return this.requests.size;
  }

  /** Ends the live streams, then waits for the other requests to complete (at most `deadlineMs`). */
  async drain(deadlineMs: number): Promise<boolean> {
    for (const stream of this.streams) stream.end();
    if (this.requests.size === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    let done!: () => void;
    const completed = new Promise<true>((resolve) => (done = () => resolve(true)));
    this.idle.add(done);
    try {
      return await Promise.race([
        completed,
        new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), deadlineMs))),
      ]);
    } finally {
      clearTimeout(timer);
      this.idle.delete(done);
    }
  }
}
