// The engine's progress streams (pull, push, load, import, events) are JSON objects one per
// line. This reads them as they come, and gives up when the stream says nothing for `idleMs`
// (a registry that stalls) or `signal` aborts.
import type { Readable } from "node:stream";

export class StreamIdleError extends Error {
  constructor(idleMs: number) {
    super(`The engine sent nothing for ${Math.round(idleMs / 1000)} s; gave up waiting.`);
    this.name = "StreamIdleError";
  }
}

export async function* jsonLines(
  stream: NodeJS.ReadableStream | Readable,
  options: { idleMs?: number; signal?: AbortSignal } = {},
): AsyncGenerator<Record<string, unknown>> {
  const readable = stream as Readable;
  const idleMs = options.idleMs ?? 0;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    if (!idleMs) return;
    clearTimeout(timer);
    timer = setTimeout(() => readable.destroy(new StreamIdleError(idleMs)), idleMs);
    timer.unref();
  };
  const onAbort = () =>
    readable.destroy(options.signal?.reason instanceof Error ? options.signal.reason : new Error("aborted"));
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  arm();
  let buffer = "";
  try {
    for await (const chunk of readable) {
      arm();
      buffer += typeof chunk === "string" ? chunk : (chunk as Buffer).toString("utf8");
      let newline: number;
      while ((newline = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, newline).trim();
        buffer = buffer.slice(newline + 1);
        const parsed = parse(line);
        if (parsed) yield parsed;
      }
      if (buffer.length > 1024 * 1024) buffer = ""; // a line this long is not progress
    }
    const last = parse(buffer.trim());
    if (last) yield last;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
    readable.destroy();
  }
}

function parse(line: string): Record<string, unknown> | undefined {
  if (!line) return undefined;
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
