// The real server compresses what a browser asks compressed (the API's JSON, Next's pages) and
// nothing that streams: server-sent events go out as they happen.
import http from "node:http";
import { rm } from "node:fs/promises";
import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient } from "../../testing/api-client";
import { setupCodeOf, spawnServer, type RunningServer } from "../../testing/spawn-server";
import { dataDirWithDatabase } from "../../testing/embedded-template";

let dataDir: string;
let server: RunningServer;
let cookie: string;

beforeAll(async () => {
  dataDir = await dataDirWithDatabase("stevedore-compression-");
  server = await spawnServer({ STEVEDORE_DATA_DIR: dataDir, DATABASE_URL: "" });
  const api = new ApiClient(server.url);
  await api.mutate("auth.setup", {
    setupCode: await setupCodeOf(dataDir),
    username: "compress-admin",
    password: "barge-hawser-capstan-19",
  });
  cookie = api.cookie;
});
afterAll(async () => {
  await server?.stop("SIGKILL");
  await rm(dataDir, { recursive: true, force: true });
});

interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function get(pathAndQuery: string, headers: Record<string, string>): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${server.url}${pathAndQuery}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", reject);
  });
}

/**
 * A tRPC batch answer well over the 1 KiB below which nothing is compressed: the signed-in
 * administrator's own record (with every permission) ten times, the most calls a batch may hold.
 */
const BATCH_CALLS = 10;
const batch = `/api/trpc/${Array(BATCH_CALLS).fill("auth.me").join(",")}?batch=1&input=${encodeURIComponent("{}")}`;

describe("response compression", () => {
  it("sends the API's JSON as br or gzip, as the client accepts, and plain to a client that does not", async () => {
    const br = await get(batch, { cookie, "accept-encoding": "gzip, deflate, br" });
    expect(br.status).toBe(200);
    expect(br.headers["content-encoding"]).toBe("br");
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    const fromBr = JSON.parse(zlib.brotliDecompressSync(br.body).toString("utf8")) as unknown[];
    expect(fromBr).toHaveLength(BATCH_CALLS);

    const gzip = await get(batch, { cookie, "accept-encoding": "gzip" });
    expect(gzip.headers["content-encoding"]).toBe("gzip");
    expect(JSON.parse(zlib.gunzipSync(gzip.body).toString("utf8"))).toEqual(fromBr);

    const plain = await get(batch, { cookie });
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(JSON.parse(plain.body.toString("utf8"))).toEqual(fromBr);
    expect(br.body.length).toBeLessThan(plain.body.length / 4);
  });

  it("compresses pages", { timeout: 240_000 }, async () => {
    const page = await get("/login", { "accept-encoding": "gzip, deflate, br, zstd" });
    expect(page.status).toBe(200);
    expect(page.headers["content-encoding"]).toBe("br");
    expect(zlib.brotliDecompressSync(page.body).toString("utf8")).toContain("<html");
    const plain = await get("/login", {});
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.body.toString("utf8")).toContain("<html");
  });

  it("never compresses server-sent events: the first event arrives while the stream stays open", async () => {
    const url = `${server.url}/api/trpc/fleet.changes?input=${encodeURIComponent("{}")}`;
    const first = await new Promise<{ headers: http.IncomingHttpHeaders; chunk: string }>((resolve, reject) => {
      const req = http.get(
        url,
        { headers: { cookie, accept: "text/event-stream", "accept-encoding": "gzip, deflate, br" } },
        (res) => {
          res.once("data", (chunk: Buffer) => {
            resolve({ headers: res.headers, chunk: chunk.toString("utf8") });
            req.destroy();
          });
          res.on("error", () => undefined);
        },
      );
      req.on("error", (error) => (req.destroyed ? undefined : reject(error)));
    });
    expect(first.headers["content-type"]).toMatch(/^text\/event-stream/);
    expect(first.headers["content-encoding"]).toBeUndefined();
    expect(first.chunk).toMatch(/^(event|data|:)/m);
  });
});
