import { PassThrough } from "node:stream";
import { describe, expect, it, vi } from "vitest";
import { BATCH_LINGER_MS, batchLines, LogLineSplitter, MAX_LINE_BYTES, pulled, type LogBatch } from "./logs";

function frame(stream: 1 | 2, text: string | Buffer): Buffer {
  const body = Buffer.isBuffer(text) ? text : Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

function readAll(splitter: LogLineSplitter, raw: Buffer, step: number): LogBatch[] {
  const batches: (LogBatch | undefined)[] = [];
  for (let i = 0; i < raw.length; i += step) batches.push(splitter.push(raw.subarray(i, i + step)));
  batches.push(splitter.flush());
  return batches.filter((b): b is LogBatch => b !== undefined);
}

describe("LogLineSplitter", () => {
  it("demultiplexes frames split anywhere, keeping stdout and stderr apart and in order", () => {
    const raw = Buffer.concat([frame(1, "out1\nou"), frame(2, "err1\n"), frame(1, "t2\n"), frame(2, "tail")]);
    for (const step of [1, 3, 7, raw.length]) {
      const lines = readAll(new LogLineSplitter(true), raw, step).flatMap((b) => batchLines(b, false));
      expect(lines).toEqual([
        { stream: "stdout", text: "out1" },
        { stream: "stderr", text: "err1" },
        { stream: "stdout", text: "out2" },
        { stream: "stderr", text: "tail" },
      ]);
    }
  });

  it("keeps lines of one read in one batch, with runs naming each line's stream", () => {
    const raw = Buffer.concat([frame(1, "a\nb\n"), frame(1, "c\n"), frame(2, "x\n"), frame(1, "d\n")]);
    expect(new LogLineSplitter(true).push(raw)).toEqual({ text: "a\nb\nc\nx\nd", runs: [1, 3, 2, 1, 1, 1] });
  });

  it("reads a TTY's raw stream as stdout, with timestamps and multi-byte characters cut anywhere intact", () => {
    const text = Buffer.from("2026-11-25T10:00:00.000000001Z héllo ✓\r\n2026-11-25T10:00:01Z second\n");
    for (let cut = 1; cut < text.length; cut++) {
      const splitter = new LogLineSplitter(false);
      const batches = [splitter.push(text.subarray(0, cut)), splitter.push(text.subarray(cut)), splitter.flush()];
      const lines = batches.filter((b): b is LogBatch => b !== undefined).flatMap((b) => batchLines(b, true));
      expect(lines).toEqual([
        { stream: "stdout", time: "2026-11-25T10:00:00.000000001Z", text: "héllo ✓" },
        { stream: "stdout", time: "2026-11-25T10:00:01Z", text: "second" },
      ]);
    }
  });

  it("cuts a line that never ends at MAX_LINE_BYTES instead of holding it", () => {
    const splitter = new LogLineSplitter(true);
    const piece = Buffer.alloc(1000, "x");
    let batch: LogBatch | undefined;
    for (let i = 0; i < 100 && !batch; i++) batch = splitter.push(frame(1, piece));
    expect(batch?.runs).toEqual([1, 1]);
    expect(batch?.text.length).toBe(Math.ceil(MAX_LINE_BYTES / 1000) * 1000);
  });

  it("a line of exactly MAX_LINE_BYTES, or a multiple, is not followed by an empty line", () => {
    // The engine sends a long line in 16 KiB messages, as here; the newline may come with the
    // last piece or in a frame of its own.
    const piece = "y".repeat(16 * 1024);
    for (const multiple of [1, 2]) {
      const pieces = Array.from({ length: 4 * multiple }, () => frame(1, piece));
      for (const raw of [
        Buffer.concat([...pieces.slice(0, -1), frame(1, `${piece}\n\nnext\n`)]),
        Buffer.concat([...pieces, frame(1, "\n"), frame(1, "\nnext\n")]),
      ]) {
        for (const step of [4096, raw.length]) {
          const lines = readAll(new LogLineSplitter(true), raw, step).flatMap((b) => batchLines(b, false));
          expect(lines.map((l) => l.text.length)).toEqual([...Array<number>(multiple).fill(MAX_LINE_BYTES), 0, 4]);
        }
      }
    }
    // On a TTY too, and a stream's cut does not eat the other stream's newline.
    const tty = readAll(new LogLineSplitter(false), Buffer.from(`${"z".repeat(MAX_LINE_BYTES)}\nend\n`), 1000);
    expect(tty.flatMap((b) => batchLines(b, false)).map((l) => l.text.length)).toEqual([MAX_LINE_BYTES, 3]);
    const mixed = readAll(
      new LogLineSplitter(true),
      Buffer.concat([frame(1, "o".repeat(MAX_LINE_BYTES)), frame(2, "\n"), frame(1, "\n")]),
      1 << 20,
    );
    expect(mixed.flatMap((b) => batchLines(b, false)).map((l) => [l.stream, l.text.length])).toEqual([
      ["stdout", MAX_LINE_BYTES],
      ["stderr", 0],
    ]);
  });

  it("keeps empty lines", () => {
    const lines = readAll(new LogLineSplitter(true), frame(1, "a\n\n\nb\n"), 100).flatMap((b) => batchLines(b, false));
    expect(lines.map((l) => l.text)).toEqual(["a", "", "", "b"]);
  });

  it("gives the lines of any mix of short and long frames, split anywhere, in the order they end", () => {
    // A small generator with a fixed seed: the same frames on every run.
    let seed = 17;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 20; round++) {
      const frames: Buffer[] = [];
      const expected: { stream: string; text: string }[] = [];
      const open = { 1: "", 2: "" };
      for (let f = 0; f < 40; f++) {
        const stream = random(4) === 0 ? 2 : 1;
        // lengths around the short-frame path's limit; "\n" often, and size fields holding 0x0a
        const length = [0, 1, 10, 57, 255, 256, 257, 700][random(8)]!;
        const text = Array.from({ length }, () => "ab\nxé\r"[random(6)]).join("");
        frames.push(frame(stream, text));
        const parts = (open[stream] + text).split("\n");
        open[stream] = parts.pop()!;
        for (const part of parts) expected.push({ stream: stream === 2 ? "stderr" : "stdout", text: part });
      }
      for (const stream of [1, 2] as const)
        if (open[stream]) expected.push({ stream: stream === 2 ? "stderr" : "stdout", text: open[stream] });
      const raw = Buffer.concat(frames);
      for (const step of [1 + random(9), 64 + random(400), raw.length]) {
        const lines = readAll(new LogLineSplitter(true), raw, step).flatMap((b) => batchLines(b, false));
        const withoutFinalCr = expected.map((l) => ({ ...l, text: l.text.replace(/\r$/, "") }));
        expect(lines).toEqual(withoutFinalCr);
      }
    }
  });
});

describe("pulled", () => {
  it("sends a batch once its linger timer fires, even when the clock says the time is not yet up", async () => {
    // Timers may fire a fraction of a millisecond before performance.now() reaches their time:
    // here the timer is moved on while the real clock has not moved at all. A batch that waited
    // for the clock instead of its timer was held until the next line came, which after the
    // last line of a flood is never.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      const stream = new PassThrough();
      const batches = pulled(stream, new AbortController().signal);
      stream.write("the last line\n");
      let batch: Buffer | undefined;
      void batches.next().then((r) => (batch = r.value as Buffer));
      // The loop reads the line, sets its timer and waits for more.
      for (let i = 0; i < 20 && !vi.getTimerCount(); i++) await Promise.resolve();
      expect(vi.getTimerCount()).toBe(1);
      vi.advanceTimersByTime(BATCH_LINGER_MS);
      for (let i = 0; i < 20 && !batch; i++) await Promise.resolve();
      expect(batch?.toString()).toBe("the last line\n");
      await batches.return(undefined);
    } finally {
      vi.useRealTimers();
    }
  });
});
