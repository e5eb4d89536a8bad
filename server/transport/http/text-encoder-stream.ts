// tRPC writes every server-sent event through `new TextEncoderStream()`. Node 20's encodes a
// chunk one UTF-16 code unit at a time, appending each to a string before one encode: a log
// batch of 256 KiB is 256 K string appends and as many short-lived strings to collect. On the
// logs bench that was a third of the server's CPU per followed stream (per-character loop,
// then the encode of the rope it built, then the collections it caused). This is the
// Encoding Standard's "encode and enqueue a chunk" done per chunk instead: a lone surrogate
// becomes U+FFFD (TextEncoder already does that), and a high surrogate that ends a chunk waits
// for the next one, so a pair cut between two chunks is still one character.

const REPLACEMENT = new Uint8Array([0xef, 0xbf, 0xbd]);

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** TextEncoderStream as the standard has it, encoding each chunk whole. */
export class ChunkTextEncoderStream extends TransformStream<string, Uint8Array> {
  readonly encoding = "utf-8";

  constructor() {
    const encoder = new TextEncoder();
    let pendingHigh = "";
    super({
      transform(chunk, controller) {
        let text = pendingHigh + String(chunk);
        pendingHigh = "";
        if (text.length && isHighSurrogate(text.charCodeAt(text.length - 1))) {
          pendingHigh = text.slice(-1);
          text = text.slice(0, -1);
        }
        if (text.length) controller.enqueue(encoder.encode(text));
      },
      flush(controller) {
        if (pendingHigh) controller.enqueue(REPLACEMENT.slice());
      },
    });
  }
}

/**
 * Makes the global TextEncoderStream (the one tRPC's event stream uses) encode chunk by chunk.
 * Called once when the tRPC door is loaded; replacing it again changes nothing.
 */
export function installChunkTextEncoderStream(): void {
  if (globalThis.TextEncoderStream !== ChunkTextEncoderStream) {
    globalThis.TextEncoderStream = ChunkTextEncoderStream as unknown as typeof TextEncoderStream;
  }
}
