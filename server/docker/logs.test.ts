import { describe, expect, it } from "vitest";
import { LogLineSplitter } from "./logs";

function frame(stream: 1 | 2, text: string): Buffer {
  const body = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

describe("LogLineSplitter", () => {
  it("demultiplexes frames split anywhere, keeping stdout and stderr apart", () => {
    const raw = Buffer.concat([frame(1, "out1\nou"), frame(2, "err1\n"), frame(1, "t2\n"), frame(2, "tail")]);
    const splitter = new LogLineSplitter(true, false);
    const lines = [];
    for (let i = 0; i < raw.length; i += 3) lines.push(...splitter.push(raw.subarray(i, i + 3)));
    lines.push(...splitter.flush());
    expect(lines).toEqual([
      { stream: "stdout", text: "out1" },
      { stream: "stderr", text: "err1" },
      { stream: "stdout", text: "out2" },
      { stream: "stderr", text: "tail" },
    ]);
  });

  it("reads a TTY's raw stream as stdout, with timestamps and multi-byte characters intact", () => {
    const splitter = new LogLineSplitter(false, true);
    const text = Buffer.from("2026-11-25T10:00:00.000000001Z héllo ✓\r\n2026-11-25T10:00:01Z second\n");
    const lines = [...splitter.push(text.subarray(0, 33)), ...splitter.push(text.subarray(33)), ...splitter.flush()];
    expect(lines).toEqual([
      { stream: "stdout", time: "2026-11-25T10:00:00.000000001Z", text: "héllo ✓" },
      { stream: "stdout", time: "2026-11-25T10:00:01Z", text: "second" },
    ]);
  });
});
