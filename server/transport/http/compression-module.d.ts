// The slice of expressjs/compression (1.8) Stevedore uses, on plain Node requests (its own
// typings pull in Express's).
declare module "compression" {
  import type { IncomingMessage, ServerResponse } from "node:http";
  import type { BrotliOptions } from "node:zlib";

  interface CompressionOptions {
    filter?: (req: IncomingMessage, res: ServerResponse) => boolean;
    threshold?: number | string;
    level?: number;
    brotli?: BrotliOptions;
  }
  type Middleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;
  interface Compression {
    (options?: CompressionOptions): Middleware;
    /** The default filter: compressible content types. */
    filter(req: IncomingMessage, res: ServerResponse): boolean;
  }
  const compression: Compression;
  export default compression;
}
