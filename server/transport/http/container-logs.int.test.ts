// Container logs over HTTP against a real engine: the download returns every line (and only
// the streams asked for), refusals are answered and recorded, and a client that stops reading
// (the download, or the browser's server-sent events) stops the read from the engine instead of
// growing the server's memory. The routes run in this process on an HTTP server of the test's
// own, with the real database and fleet, so the bytes read from the engine can be counted.
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { LogStore, type WireBatch } from "../../../components/containers/logs/log-store";
import { logStreamCounters, MAX_LINE_BYTES } from "../../docker/index";
import { openHarness, type Harness } from "../../testing/harness";
import { need } from "../../testing/testbed-env";
import { CONTAINER_LOGS_PREFIX, containerLogsRoute } from "./container-logs";
import { serveTrpc, TRPC_PREFIX } from "./trpc";

const testbed = inject("testbed");
const socketPath = need(testbed, "TESTBED_STANDALONE_SOCKET");
const engine = new Docker({ socketPath, version: "v1.41" });
const LABEL = { "stevedore.test": "logs-http" };
const STDOUT_LINES = 30_000;
const STDERR_LINES = 3_000;
const BIG_LINES = 600_000;

let h: Harness;
let server: Server;
let origin: string;
/** The same routes on a unix socket, for the backpressure tests (see there). */
let socketServer: Server;
let socketDir: string;
let unixSocket: string;
let environmentId: string;
let adminToken: string;
let readOnlyToken: string;
let mixed: string;
let big: string;
let hostile: string;
/** Over the engine's 16 KiB log message, and MAX_LINE_BYTES: the page gets it in pieces. */
const LONG_LINE_BYTES = 1_000_000;

async function tokenFor(roles: string[]): Promise<string> {
  const user = await h.makeUser(roles.map((role) => ({ role })));
  const actor = await h.actorFor(user.id);
  return (await h.caller(actor).tokens.create({ name: "logs", expiresInDays: 1 })).token;
}

/** Runs a busybox script to completion; its logs stay on the engine. */
async function finishedContainer(name: string, script: string): Promise<string> {
  const container = await engine.createContainer({
    Image: need(testbed, "TESTBED_FIXTURE_IMAGE"),
    name: `logs-http-${name}-${Date.now()}`,
    Cmd: ["sh", "-c", script],
    Labels: LABEL,
  });
  await container.start();
  await container.wait();
  return container.id;
}

beforeAll(async () => {
  h = await openHarness();
  const admin = await h.actorFor((await h.makeUser([{ role: "Administrator" }], "logs-admin")).id);
  environmentId = (await h.caller(admin).environments.create({ name: "standalone", url: `unix://${socketPath}` })).id;
  adminToken = await tokenFor(["Administrator"]);
  readOnlyToken = await tokenFor(["Read-only"]);
  const routes = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://test.local");
    const handled = url.pathname.startsWith(TRPC_PREFIX)
      ? serveTrpc(h.services, req, res, url)
      : url.pathname.startsWith(CONTAINER_LOGS_PREFIX)
        ? containerLogsRoute.handle(h.services, req, res, url)
        : Promise.resolve(void res.writeHead(404).end());
    handled.catch(() => res.destroy());
  };
  server = createServer(routes);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  socketDir = await mkdtemp(path.join(tmpdir(), "logs-http-"));
  unixSocket = path.join(socketDir, "http.sock");
  socketServer = createServer(routes);
  await new Promise<void>((resolve) => socketServer.listen(unixSocket, resolve));
  // Lines numbered per stream, interleaved: "out 00001 ..." on stdout, every tenth also "err ..." on stderr.
  mixed = await finishedContainer(
    "mixed",
    `busybox seq -w 1 ${STDOUT_LINES} | while read i; do echo "out $i"; case $i in *0) echo "err $i" >&2;; esac; done`,
  );
  big = await finishedContainer(
    "big",
    `busybox seq -w 1 ${BIG_LINES} | busybox sed 's/^/line /;s/$/ of a log too big to hold in memory twice over/'`,
  );
  // Whatever a program may print: JSON and SSE syntax, controls, bytes that are not UTF-8, CRs.
  hostile = await finishedContainer(
    "hostile",
    [
      String.raw`printf 'quote " backslash \\ tab \t end\n'`,
      String.raw`printf 'controls \001\033[31mred\033[0m \177 nul \000 end\n'`,
      String.raw`printf 'not utf-8 \377\376 and a cut character \342\202\n'`,
      String.raw`printf 'err "quoted" \\ on stderr\n' >&2`,
      String.raw`printf 'a carriage return inside a\rb, and one before the newline\r\n'`,
      String.raw`printf 'empty line next\n\n'`,
      String.raw`printf '</script><b>\342\234\223 \360\237\232\242 \342\200\250 \357\273\277</b>\n'`,
      String.raw`printf 'data: not an event\n\nevent: return\nid: 7\n'`,
      String.raw`printf '{"text":"a","runs":[2,1]}\n'`,
      String.raw`busybox head -c ${LONG_LINE_BYTES} /dev/zero | busybox tr '\0' x; echo`,
      String.raw`printf 'the last line has no newline'`,
    ].join("; "),
  );
}, 180_000);

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  socketServer?.closeAllConnections();
  await new Promise((resolve) => socketServer?.close(resolve));
  if (socketDir) await rm(socketDir, { recursive: true, force: true });
  const left = await engine.listContainers({ all: true, filters: { label: ["stevedore.test=logs-http"] } });
  await Promise.all(left.map((c) => engine.getContainer(c.Id).remove({ force: true })));
  await h?.close();
});

function get(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: IncomingMessage["headers"]; body: string }> {
  return new Promise((resolve, reject) => {
    // A connection per request: one kept alive from the request before can be closed by the
    // server (its 5 s keep-alive timeout) just as it is reused: "socket hang up" under load.
    const req = request(`${origin}${path}`, { headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

const download = (id: string, query = "", token = adminToken) =>
  get(`${CONTAINER_LOGS_PREFIX}${environmentId}/${id}${query}`, { authorization: `Bearer ${token}` });

const lines = (body: string) => body.split("\n").slice(0, -1);

describe("the logs download", () => {
  it("returns every line of both streams, in order within each, as a text attachment", async () => {
    const answer = await download(mixed);
    expect(answer.status).toBe(200);
    expect(answer.headers["content-disposition"]).toMatch(
      /^attachment; filename=".+-logs\.txt"; filename\*=UTF-8''.+-logs\.txt$/,
    );
    expect(answer.headers["content-type"]).toBe("text/plain; charset=utf-8");
    const all = lines(answer.body);
    expect(all).toHaveLength(STDOUT_LINES + STDERR_LINES);
    const out = all.filter((l) => l.startsWith("out "));
    const err = all.filter((l) => l.startsWith("err "));
    expect(out).toEqual(Array.from({ length: STDOUT_LINES }, (_, i) => `out ${String(i + 1).padStart(5, "0")}`));
    expect(err).toEqual(Array.from({ length: STDERR_LINES }, (_, i) => `err ${String((i + 1) * 10).padStart(5, "0")}`));
  });

  it("is a sensitive read: on the record before the first byte leaves, completed with what was sent", async () => {
    const answer = await download(mixed, "?tail=100&stderr=0");
    expect(answer.status).toBe(200);
    // The intent is written before the first byte; the outcome is appended once the answer
    // has ended, so it may land a moment after the client has read everything.
    const newest = () =>
      h.prisma.auditEvent.findFirstOrThrow({
        where: { action: "containers.logs.download", targetId: mixed },
        orderBy: { chainSeq: "desc" },
      });
    let event = await newest();
    for (const deadline = Date.now() + 15_000; event.outcome === "pending" && Date.now() < deadline;) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      event = await newest();
    }
    expect(event).toMatchObject({
      outcome: "ok",
      permission: "container.logs",
      environmentId,
      // the environment's name at the time, so the event still says where after a rename
      environmentName: "standalone",
      targetKind: "container",
      params: { tail: 100, stdout: true, stderr: false, bytes: Buffer.byteLength(answer.body) },
    });
    expect(event.actorUsername).toBeTruthy();
    expect(event.completionSeq).not.toBeNull();
  });

  it("refuses a revoked token at the download door, and the refusal names the token (never the secret)", async () => {
    const owner = await h.actorFor((await h.makeUser([{ role: "Administrator" }])).id);
    const revoked = await h.caller(owner).tokens.create({ name: "logs-revoked", expiresInDays: 1 });
    await h.caller(owner).tokens.revoke({ id: revoked.id });
    const answer = await download(mixed, "?tail=1", revoked.token);
    expect(answer.status).toBe(401);
    await h.services.audit.flushRefusals();
    const refusal = await h.prisma.auditEvent.findFirstOrThrow({
      where: { action: "containers.logs.download", actorTokenId: revoked.id },
    });
    expect(refusal).toMatchObject({
      outcome: "denied",
      params: { via: "API token", prefix: revoked.token.slice(0, 10), reason: "revoked", owner: owner.username },
    });
    expect(JSON.stringify(refusal.params)).not.toContain(revoked.token);
  });

  it("returns only the stream asked for, with timestamps when asked", async () => {
    const stdout = lines((await download(mixed, "?stdout=1&stderr=0")).body);
    expect(stdout).toHaveLength(STDOUT_LINES);
    expect(stdout.every((l) => l.startsWith("out "))).toBe(true);
    const stderr = lines((await download(mixed, "?stdout=0&stderr=1&timestamps=1")).body);
    expect(stderr).toHaveLength(STDERR_LINES);
    expect(stderr.every((l) => /^\d{4}-\d\d-\d\dT\S+Z err \d{5}$/.test(l))).toBe(true);
    expect(lines((await download(mixed, "?tail=5")).body)).toHaveLength(5);
  });

  it("returns every line of a large log", async () => {
    const all = lines((await download(big)).body);
    expect(all).toHaveLength(BIG_LINES);
    expect(all[BIG_LINES - 1]).toBe(`line ${BIG_LINES} of a log too big to hold in memory twice over`);
  }, 120_000);

  it("refuses without container.logs, without credentials and with bad ones, and records each refusal", async () => {
    const where = {
      action: "containers.logs.download",
      outcome: "denied",
      environmentId,
      targetKind: "container",
      targetId: mixed,
    } as const;
    const before = await h.prisma.auditEvent.count({ where });
    const forbidden = await download(mixed, "", readOnlyToken);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toContain("container.logs");
    expect((await get(`${CONTAINER_LOGS_PREFIX}${environmentId}/${mixed}`)).status).toBe(401);
    expect((await download(mixed, "", "stv_not-a-token")).status).toBe(401);
    expect((await h.prisma.auditEvent.count({ where })) - before).toBe(3);
  });

  it("answers a bad request and an unknown container with a clear error", async () => {
    const bad = await download(mixed, "?tail=lots");
    expect(bad.status).toBe(400);
    expect(bad.body).toContain("tail");
    const missing = await download("0123456789ab");
    expect(missing.status).toBe(404);
  });
});

/** An event stream read as EventSource reads it (lines end at CR, LF or CRLF), each batch into a LogStore. */
async function readEventStreamIntoStore(path: string, headers: Record<string, string>): Promise<LogStore> {
  const body = await get(path, headers);
  expect(body.status).toBe(200);
  const store = new LogStore(1_000_000);
  let data: string[] = [];
  let event = "";
  for (const line of body.body.split(/\r\n|\r|\n/)) {
    if (line === "") {
      if (!event && data.length) store.append(JSON.parse(data.join("\n")) as WireBatch);
      data = [];
      event = "";
    } else if (line.startsWith("data: ")) data.push(line.slice(6));
    else if (line.startsWith("event: ")) event = line.slice(7);
  }
  return store;
}

describe("hostile lines", () => {
  it("reach the page's log store exactly as the download has them, whatever bytes they hold", async () => {
    const input = encodeURIComponent(JSON.stringify({ environmentId, id: hostile, follow: true, tail: "all" }));
    const store = await readEventStreamIntoStore(`${TRPC_PREFIX}containers.logs?input=${input}`, {
      authorization: `Bearer ${adminToken}`,
      accept: "text/event-stream",
    });
    const shown = Array.from({ length: store.size }, (_, i) => store.line(i)!);
    // The download is the container's bytes as the engine sends them; the page drops a CR that
    // ends a line, and gets a line longer than MAX_LINE_BYTES in pieces of at most that.
    const expected = lines((await download(hostile)).body).map((line) => line.replace(/\r$/, ""));
    const long = expected.findIndex((line) => line.length === LONG_LINE_BYTES);
    const pieces = Math.ceil(LONG_LINE_BYTES / MAX_LINE_BYTES);
    expect(shown).toHaveLength(expected.length + pieces - 1);
    expect(
      shown
        .slice(long, long + pieces)
        .map((l) => l.text)
        .join(""),
    ).toBe(expected[long]);
    expect(shown.slice(long, long + pieces).every((l) => l.text.length <= MAX_LINE_BYTES && !l.stderr)).toBe(true);
    const others = [...shown.slice(0, long), ...shown.slice(long + pieces)];
    expect(others.map((l) => l.text)).toEqual([...expected.slice(0, long), ...expected.slice(long + 1)]);
    expect(others.filter((l) => l.stderr).map((l) => l.text)).toEqual(['err "quoted" \\ on stderr']);
    expect(others.some((l) => /^not utf-8 \ufffd+ and a cut character \ufffd+$/.test(l.text))).toBe(true);
    expect(others.map((l) => l.text)).toContain("data: not an event");
  });
});

/**
 * Opens `target` over the unix socket, reads the response head, then stops reading. Resolves
 * with a function that reads the rest and counts its bytes.
 */
async function stalledReader(target: string, headers: Record<string, string>) {
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    // A connection of its own, as get()'s.
    const req = request({ socketPath: unixSocket, path: target, headers, agent: false }, resolve);
    req.on("error", reject);
    req.end();
  });
  expect(res.statusCode).toBe(200);
  res.pause();
  res.socket.pause();
  return {
    res,
    readRest: () =>
      new Promise<string>((resolve, reject) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve(Buffer.concat(chunks).toString()));
        res.on("error", reject);
        res.socket.resume();
        res.resume();
      }),
  };
}

/** Waits until the engine has not been read for a while (the pipes are full), then counts
 * what it is still made to send over two more seconds. */
async function engineBytesWhileStalled(): Promise<number> {
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  let last = logStreamCounters.bytesFromEngine;
  let stillSince = Date.now();
  for (const started = Date.now(); Date.now() - started < 30_000 && Date.now() - stillSince < 1500;) {
    await sleep(250);
    if (logStreamCounters.bytesFromEngine !== last) {
      last = logStreamCounters.bytesFromEngine;
      stillSince = Date.now();
    }
  }
  await sleep(2000);
  return logStreamCounters.bytesFromEngine - last;
}

describe("backpressure", () => {
  // The big log is ~42 MB of framed engine output (BIG_LINES lines of 70 bytes, with frames).
  // A reader that stops holds what the kernel buffers between it and the server; then the
  // server must stop reading the engine. Over loopback TCP those buffers auto-tune with the
  // traffic and the scheduling, up to tcp_rmem's and tcp_wmem's maxima (32 + 4 MB on the
  // machines this runs on), so a bound on what was read there measures the host, not Stevedore.
  // These readers come over a unix socket, whose buffer stays at its ~200 KB: what was read
  // beyond it is what Stevedore itself holds (a batch of at most BATCH_MAX_BYTES and its
  // streams' buffers; 0.4-0.6 MB measured). Losing backpressure reads the whole log into
  // memory instead (40 MB measured with the download's wait for "drain" taken out).
  const HELD_AT_MOST = 4 * 1024 * 1024;

  it("a download nobody reads stops reading the engine, and resumes to the last line", async () => {
    const before = logStreamCounters.bytesFromEngine;
    const reader = await stalledReader(`${CONTAINER_LOGS_PREFIX}${environmentId}/${big}`, {
      authorization: `Bearer ${adminToken}`,
    });
    const stalled = await engineBytesWhileStalled();
    const heldBack = logStreamCounters.bytesFromEngine - before;
    expect(stalled).toBeLessThan(64 * 1024);
    expect(heldBack).toBeLessThan(HELD_AT_MOST);
    expect(lines(await reader.readRest())).toHaveLength(BIG_LINES);
  }, 120_000);

  it("a browser that stops reading the server-sent events stops the engine stream, and resumes", async () => {
    const before = logStreamCounters.bytesFromEngine;
    const input = encodeURIComponent(JSON.stringify({ environmentId, id: big, follow: true, tail: "all" }));
    const reader = await stalledReader(`${TRPC_PREFIX}containers.logs?input=${input}`, {
      authorization: `Bearer ${adminToken}`,
      accept: "text/event-stream",
    });
    const stalled = await engineBytesWhileStalled();
    const heldBack = logStreamCounters.bytesFromEngine - before;
    expect(stalled).toBeLessThan(64 * 1024);
    expect(heldBack).toBeLessThan(HELD_AT_MOST);
    const body = await reader.readRest();
    let count = 0;
    for (const event of body.split("\n\n")) {
      const data = /^data: (\{.*\})$/m.exec(event)?.[1];
      if (data && data.includes('"runs"')) count += (JSON.parse(data) as { text: string }).text.split("\n").length;
    }
    expect(count).toBe(BIG_LINES);
  }, 120_000);
});
