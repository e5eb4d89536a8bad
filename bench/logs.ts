// npm run bench:logs: how fast Stevedore streams a container's logs, against the raw engine
// stream (GET /containers/{id}/logs?follow=1) read in the same run.
//
//   npm run bench:logs                       300,000 lines of 56 bytes, 5 rounds
//   npm run bench:logs -- --lines 1000000 --rounds 5
//   npm run bench:logs -- --cpu-prof DIR     also write the server's CPU profile into DIR
//
// A fixture container on the testbed's standalone engine prints N fixed-width lines and exits;
// then, round after round (interleaved, so load from other work on the machine hits every side
// alike), three readers read all of it to the end and count the lines:
//
//   raw       the engine's multiplexed stream, demultiplexed here (the floor);
//   sse       containers.logs through Stevedore's server process, over HTTP server-sent events
//             exactly as a browser receives them (follow on, so the live path is what is measured);
//   download  GET /api/containers/logs/<environment>/<container>, the text file a browser saves.
//
// Each side's lines/s is its median over the rounds; a ratio is the median of the per-round
// ratios (each Stevedore reading against the raw reading of the same round), which holds up better
// when other work on the machine comes and goes between rounds. Prints a table, then
//   RESULT logs.throughput.ratio <sse lines/s / raw lines/s>          (higher is better; target >= 0.8)
//   RESULT logs.download.throughput.ratio <download / raw>
//   RESULT logs.server.mode <production|development>  (production when .next/BUILD_ID exists)
//   RESULT logs.raw.lines_per_s, logs.sse.lines_per_s, logs.download.lines_per_s, ... MB/s, server RSS
import http from "node:http";
import { existsSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import Docker from "dockerode";
import { summarize } from "./support/stats";
import {
  killActiveServersNow,
  preferredMode,
  signInWithToken,
  StevedoreServer,
  type StevedoreApi,
} from "./support/stevedore";
import { testbedEngines, testbedUp } from "./support/testbed";

const repoRoot = path.resolve(import.meta.dirname, "..");
const FIXTURE_IMAGE = "stevedore-fixture/busybox:latest";
const { values: args } = parseArgs({
  options: {
    lines: { type: "string", default: "300000" },
    rounds: { type: "string", default: "5" },
    "cpu-prof": { type: "string" },
  },
});
const LINES = Number(args.lines);
const ROUNDS = Number(args.rounds);
if (!Number.isInteger(LINES) || LINES < 1) throw new Error("--lines needs a whole number");
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new Error("--rounds needs a whole number");
const log = (line: string) => console.log(line);
// "line 0000001 of the stevedore log benchmark, fixed width\n" for 7 digits
const LINE_BYTES = "line  of the stevedore log benchmark, fixed width\n".length + String(LINES).length;

interface Reading {
  lines: number;
  bytes: number;
  ms: number;
}

/** One GET read to the end; `onData` counts lines in whatever framing the side uses. */
function readAll(
  options: http.RequestOptions,
  makeCounter: () => { push(chunk: Buffer): void; lines(): number },
): Promise<Reading> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const counter = makeCounter();
    let bytes = 0;
    const request = http.get(options, (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        reject(new Error(`${options.path}: HTTP ${response.statusCode}`));
        return;
      }
      response.on("data", (chunk: Buffer) => {
        bytes += chunk.length;
        counter.push(chunk);
      });
      response.on("error", reject);
      response.on("end", () => resolve({ lines: counter.lines(), bytes, ms: performance.now() - started }));
    });
    request.on("error", reject);
  });
}

function countNewlines(chunk: Buffer): number {
  let n = 0;
  for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) n++;
  return n;
}

/** The engine's framing: 8-byte headers (stream, 0, 0, 0, size) before each payload. */
function rawCounter() {
  let pending: Buffer = Buffer.alloc(0);
  let lines = 0;
  return {
    push(chunk: Buffer) {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      let at = 0;
      while (pending.length - at >= 8) {
        const size = pending.readUInt32BE(at + 4);
        if (pending.length - at < 8 + size) break;
        lines += countNewlines(pending.subarray(at + 8, at + 8 + size));
        at += 8 + size;
      }
      pending = pending.subarray(at);
    },
    lines: () => lines,
  };
}

/** tRPC's server-sent events: each `data:` line is one JSON batch of log lines. */
function sseCounter() {
  let pending = "";
  let lines = 0;
  const decoder = new TextDecoder();
  return {
    push(chunk: Buffer) {
      pending += decoder.decode(chunk, { stream: true });
      let end = pending.indexOf("\n\n");
      while (end !== -1) {
        const event = pending.slice(0, end).replace(/^\n+/, "");
        pending = pending.slice(end + 2);
        end = pending.indexOf("\n\n");
        if (event.startsWith("event:")) continue; // connected, ping, return
        const data = event.startsWith("data: ") ? event.slice(6) : "";
        if (!data) continue;
        lines += countBatch(JSON.parse(data) as Batch);
      }
    },
    lines: () => lines,
  };
}

type Batch = { lines: unknown[] } | { text: string };
function countBatch(batch: Batch): number {
  if ("lines" in batch) return batch.lines.length;
  let n = 0;
  for (let i = batch.text.indexOf("\n"); i !== -1; i = batch.text.indexOf("\n", i + 1)) n++;
  return n + 1;
}

function textCounter() {
  let lines = 0;
  return { push: (chunk: Buffer) => void (lines += countNewlines(chunk)), lines: () => lines };
}

async function main(): Promise<void> {
  let { engines, apiVersion } = testbedEngines(repoRoot);
  if (!existsSync(engines[0]!.adminSocket)) {
    testbedUp(repoRoot);
    ({ engines, apiVersion } = testbedEngines(repoRoot));
  }
  const standalone = engines.find((e) => e.name === "standalone")!;
  const docker = new Docker({ socketPath: standalone.adminSocket, version: `v${apiVersion}` });

  log(`printing ${LINES} lines in a fixture container…`);
  const container = await docker.createContainer({
    Image: FIXTURE_IMAGE,
    name: `stevedore-bench-logs-${process.pid}`,
    Cmd: [
      "sh",
      "-c",
      `busybox seq -w 1 ${LINES} | busybox sed 's/^/line /;s/$/ of the stevedore log benchmark, fixed width/'`,
    ],
    Labels: { "stevedore.bench": "logs" },
  });
  let server: StevedoreServer | undefined;
  let api: StevedoreApi | undefined;
  try {
    await container.start();
    await container.wait();

    // Development mode scores lower (Next's dev server shares the process): say which ran.
    const mode = preferredMode(repoRoot);
    console.log(`RESULT logs.server.mode ${mode}`);
    if (mode === "development") log("no production build (.next/BUILD_ID): the server runs in development mode");
    server = await StevedoreServer.start({
      repoRoot,
      mode,
      watch: true,
      log,
      cpuProfileDir: args["cpu-prof"],
    });
    api = await signInWithToken(server);
    const { token } = await api.mutate<{ token: string }>("tokens.create", { name: "logs-bench", expiresInDays: 1 });
    const env = await api.mutate<{ id: string }>("environments.create", { name: "standalone", url: standalone.url });
    const auth = { authorization: `Bearer ${token}` };
    const origin = new URL(server.origin);
    const stevedore = { host: origin.hostname, port: origin.port, headers: auth, agent: false as const };
    const input = { environmentId: env.id, id: container.id, follow: true, tail: "all" as const };

    const sides = {
      raw: () =>
        readAll(
          {
            socketPath: standalone.adminSocket,
            path: `/v${apiVersion}/containers/${container.id}/logs?stdout=1&stderr=1&follow=1&tail=all`,
            agent: false,
          },
          rawCounter,
        ),
      sse: () =>
        readAll(
          {
            ...stevedore,
            path: `/api/trpc/containers.logs?input=${encodeURIComponent(JSON.stringify(input))}`,
            headers: { ...auth, accept: "text/event-stream" },
          },
          sseCounter,
        ),
      download: () => readAll({ ...stevedore, path: `/api/containers/logs/${env.id}/${container.id}` }, textCounter),
    };
    const results: Record<keyof typeof sides, Reading[]> = { raw: [], sse: [], download: [] };
    let peakRss = 0;
    const available = new Set<keyof typeof sides>(Object.keys(sides) as (keyof typeof sides)[]);
    for (let round = 0; round < ROUNDS; round++) {
      for (const name of available) {
        let reading: Reading;
        try {
          reading = await sides[name]();
        } catch (error) {
          log(`  ${name}: ${(error as Error).message}; left out`);
          available.delete(name);
          continue;
        }
        if (reading.lines !== LINES) throw new Error(`${name} read ${reading.lines} lines, not ${LINES}`);
        results[name].push(reading);
        peakRss = Math.max(peakRss, server.memoryMb().rss);
        log(
          `  round ${round + 1} ${name.padEnd(8)} ${(reading.ms / 1000).toFixed(2)} s  ${Math.round((reading.lines / reading.ms) * 1000)} lines/s`,
        );
      }
    }

    const figure = (name: keyof typeof sides) => {
      const readings = results[name];
      if (!readings.length) return undefined;
      const ms = summarize(readings.map((r) => r.ms)).median;
      // MB/s of log text (each line and its newline), the same figure for every side.
      return { linesPerS: (LINES / ms) * 1000, mbPerS: (LINE_BYTES * LINES) / ms / 1000 };
    };
    /** Median over the rounds of (side's lines/s / raw lines/s in the same round). */
    const ratio = (name: keyof typeof sides) =>
      summarize(results[name].map((r, i) => results.raw[i]!.ms / r.ms)).median;
    const raw = figure("raw")!;
    const sse = figure("sse");
    const download = figure("download");
    log(`\n${LINES} lines, median of ${ROUNDS} rounds`);
    for (const [name, f] of [
      ["raw engine", raw],
      ["Stevedore SSE", sse],
      ["Stevedore download", download],
    ] as const) {
      if (f)
        log(
          `  ${name.padEnd(20)} ${Math.round(f.linesPerS).toString().padStart(9)} lines/s  ${f.mbPerS.toFixed(1)} MB/s of log text`,
        );
    }
    log(`server RSS peak while reading ${peakRss.toFixed(0)} MiB\n`);
    console.log(`RESULT logs.raw.lines_per_s ${Math.round(raw.linesPerS)}`);
    console.log(`RESULT logs.raw.mb_per_s ${raw.mbPerS.toFixed(2)}`);
    if (download) {
      console.log(`RESULT logs.download.lines_per_s ${Math.round(download.linesPerS)}`);
      console.log(`RESULT logs.download.throughput.ratio ${ratio("download").toFixed(2)}`);
    }
    console.log(`RESULT logs.server.rss_mb ${peakRss.toFixed(0)}`);
    if (sse) {
      console.log(`RESULT logs.sse.lines_per_s ${Math.round(sse.linesPerS)}`);
      console.log(`RESULT logs.sse.mb_per_s ${sse.mbPerS.toFixed(2)}`);
      console.log(`RESULT logs.throughput.ratio ${ratio("sse").toFixed(2)}`);
    }
  } finally {
    api?.close();
    await server?.stop();
    await container.remove({ force: true }).catch(() => undefined);
  }
}

process.on("SIGINT", () => {
  killActiveServersNow();
  process.exit(130);
});
await main();
