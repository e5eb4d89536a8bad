import { describe, expect, it } from "vitest";
import { attachInputProblem, Demultiplexer } from "./attach";

const frame = (kind: 1 | 2, text: string) => {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = kind;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
};

async function demux(chunks: Buffer[], crlf = true): Promise<string> {
  const d = new Demultiplexer(crlf);
  const out: Buffer[] = [];
  d.on("data", (c: Buffer) => out.push(c));
  for (const c of chunks) d.write(c);
  d.end();
  await new Promise((r) => d.on("end", r));
  return Buffer.concat(out).toString();
}

describe("Demultiplexer", () => {
  it("takes stdout and stderr frames apart, whole or cut anywhere", async () => {
    const stream = Buffer.concat([frame(1, "out-1\n"), frame(2, "err-1\n"), frame(1, "ünïcode\n")]);
    expect(await demux([stream], false)).toBe("out-1\nerr-1\nünïcode\n");
    // Every way of cutting the stream in two gives the same text.
    for (let cut = 0; cut <= stream.length; cut++) {
      expect(await demux([stream.subarray(0, cut), stream.subarray(cut)], false)).toBe("out-1\nerr-1\nünïcode\n");
    }
    // One byte at a time.
    expect(
      await demux(
        [...stream].map((b) => Buffer.from([b])),
        false,
      ),
    ).toBe("out-1\nerr-1\nünïcode\n");
  });

  it("makes bare line feeds CR LF for a terminal, leaving CR LF alone, across frames", async () => {
    expect(await demux([frame(1, "a\nb\r\nc\r"), frame(1, "\nd\n")])).toBe("a\r\nb\r\nc\r\nd\r\n");
  });
});

describe("attachInputProblem", () => {
  it("allows input only to a process with an open stdin that survives a detach", () => {
    expect(attachInputProblem({ Tty: true, OpenStdin: true, StdinOnce: false })).toBeNull();
    expect(attachInputProblem({ Tty: true, OpenStdin: true, StdinOnce: true })).toBeNull();
    expect(attachInputProblem({ Tty: false, OpenStdin: true, StdinOnce: false })).toBeNull();
    expect(attachInputProblem({ Tty: false, OpenStdin: true, StdinOnce: true })).toMatch(/stdin once/);
    expect(attachInputProblem({ Tty: true, OpenStdin: false })).toMatch(/without an open input/);
  });
});
