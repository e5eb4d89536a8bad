// A server-sent-events reader for tRPC subscriptions, as a page's EventSource reads them: each
// message's data parsed, stamped with the wall-clock time it arrived.
import http from "node:http";

export interface Arrival<T> {
  at: number;
  data: T;
}

export class EventStreamReader<T> {
  private readonly request: http.ClientRequest;
  private readonly waiters = new Set<{ match: (data: T) => boolean; resolve: (arrival: Arrival<T>) => void }>();
  private buffer = "";
  messages = 0;

  constructor(url: URL, headers: Record<string, string>) {
    this.request = http.get(url, { headers: { ...headers, accept: "text/event-stream" } }, (res) => {
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => this.feed(chunk, Date.now()));
      res.on("error", () => undefined);
    });
    this.request.on("error", () => undefined);
  }

  /** Resolves with the first message from now on that `match` accepts. */
  next(match: (data: T) => boolean): Promise<Arrival<T>> {
    return new Promise((resolve) => this.waiters.add({ match, resolve }));
  }

  close(): void {
    this.request.destroy();
  }

  private feed(chunk: string, at: number): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf("\n\n")) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const data = block
        .split("\n")
        .filter((line) => line.startsWith("data:"))
        .map((line) => line.slice(5).trimStart())
        .join("\n");
      if (!data) continue;
      let parsed: T;
      try {
        parsed = JSON.parse(data) as T;
      } catch {
        continue;
      }
      this.messages++;
      for (const waiter of this.waiters) {
        if (!waiter.match(parsed)) continue;
        this.waiters.delete(waiter);
        waiter.resolve({ at, data: parsed });
      }
    }
  }
}
