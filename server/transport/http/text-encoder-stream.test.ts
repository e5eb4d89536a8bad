import { describe, expect, it } from "vitest";
import { ChunkTextEncoderStream } from "./text-encoder-stream";

async function encodeAll(stream: TransformStream<string, Uint8Array>, chunks: unknown[]): Promise<number[]> {
  const writer = stream.writable.getWriter();
  const read = (async () => {
    const bytes: number[] = [];
    for await (const part of stream.readable as unknown as AsyncIterable<Uint8Array>) bytes.push(...part);
    return bytes;
  })();
  for (const chunk of chunks) await writer.write(chunk as string);
  await writer.close();
  return read;
}

describe("ChunkTextEncoderStream", () => {
  it("encodes as the built-in TextEncoderStream does, however the text is cut into chunks", async () => {
    const texts = [
      'quote " \\ \u0000\u001b[31m\r\n',
      "é ✓ 日 😀 🚢",
      "high \ud800 x, low \udc00, high last \ud83d",
      "\udc00\ud800\ud800\udc00",
      "",
    ];
    for (const text of texts) {
      // every cut in two (an empty chunk between), and every UTF-16 code unit alone
      const cuttings = [text.split("")];
      for (let cut = 0; cut <= text.length; cut++) cuttings.push([text.slice(0, cut), "", text.slice(cut)]);
      for (const chunks of cuttings) {
        const ours = await encodeAll(new ChunkTextEncoderStream(), chunks);
        const builtIn = await encodeAll(new TextEncoderStream(), chunks);
        expect(ours, JSON.stringify(chunks)).toEqual(builtIn);
      }
    }
  });

  it("ends a stream that stops inside a surrogate pair with U+FFFD, and takes non-strings as strings", async () => {
    expect(await encodeAll(new ChunkTextEncoderStream(), ["a", "\ud83d"])).toEqual([0x61, 0xef, 0xbf, 0xbd]);
    expect(await encodeAll(new ChunkTextEncoderStream(), [12, null])).toEqual([...Buffer.from("12null")]);
  });
});
