// bench/images: the Images page's list across 4 environments through Stevedore, against one raw
// GET /images/json on one engine, in the same run.
//
//   npm run bench:images                       measure (makes the bench images the first time)
//   npm run bench:images -- --iterations 50    more rounds
//   npm run bench:images -- --cleanup          remove the bench images and stop
//
// What it does: brings the testbed up; makes sure each of the 4 unix-socket engines (standalone,
// swarm-mgr, swarm-w1, swarm-w2) holds 200 distinct images labelled stevedore.bench=images, each
// `docker import` of a tarball of one small file (made here, nothing pulled; kept for later runs);
// then a Stevedore server (the production build when there is one) on a fresh embedded database
// with those 4 engines as environments and, once every environment's live picture is warm,
// rounds in which the raw GET /images/json on each engine and Stevedore's images.list (the call
// the Images page makes, over every environment) alternate, so load from other work on the
// machine hits both sides alike.
//
// The ratio is Stevedore's median over the median of the slowest engine's raw call in the same
// run (as bench:fleet does). Lower is better; target (#15) images.list.4env.warm.ratio <= 0.5.
// The last lines are `RESULT <figure> <value>`.
import os from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import tar from "tar-stream";
import { mapLimit } from "./support/bench-containers";
import { DockerHttp } from "./support/http";
import { round, Samples } from "./support/stats";
import {
  activeServers,
  killActiveServersNow,
  preferredMode,
  signInWithToken,
  sleep,
  StevedoreServer,
  type StevedoreApi,
} from "./support/stevedore";
import { testbedEngines, testbedUp, type Engine } from "./support/testbed";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const LABEL = "stevedore.bench";
const LABEL_VALUE = "images";
const REPOSITORY = "bench-images/i";
const ENGINES = ["standalone", "swarm-mgr", "swarm-w1", "swarm-w2"];

const { values: args } = parseArgs({
  options: {
    cleanup: { type: "boolean", default: false },
    iterations: { type: "string", default: "30" },
    warmup: { type: "string", default: "5" },
    "per-engine": { type: "string", default: "200" },
    concurrency: { type: "string", default: "8" },
  },
});
const ITERATIONS = wholeNumber(args.iterations, "--iterations");
const WARMUP = wholeNumber(args.warmup, "--warmup", true);
const PER_ENGINE = wholeNumber(args["per-engine"], "--per-engine");
const CONCURRENCY = wholeNumber(args.concurrency, "--concurrency");

function wholeNumber(text: string | undefined, flag: string, zeroOk = false): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < (zeroOk ? 0 : 1)) throw new Error(`${flag} needs a whole number`);
  return value;
}

const log = (line: string) => console.log(line);
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");

// ---- the bench images, by the raw API ----------------------------------------------------------

interface RawImage {
  Id: string;
  RepoTags?: string[] | null;
}

const benchFilter = encodeURIComponent(JSON.stringify({ label: [`${LABEL}=${LABEL_VALUE}`] }));

function benchImages(docker: DockerHttp): Promise<RawImage[]> {
  return docker.json<RawImage[]>("GET", `/images/json?filters=${benchFilter}`);
}

const tagOf = (index: number) => `${REPOSITORY}${String(index).padStart(3, "0")}:latest`;

/** A tarball holding one small file whose text differs per image: distinct layers, distinct images. */
function tarballOf(index: number): Promise<Buffer> {
  const pack = tar.pack();
  pack.entry({ name: "bench-image.txt" }, `stevedore bench image ${index}\n`);
  pack.finalize();
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    pack.on("data", (chunk: Buffer) => chunks.push(chunk));
    pack.on("end", () => resolve(Buffer.concat(chunks)));
    pack.on("error", reject);
  });
}

/** `docker import` through the API; the engine answers 200 and reports a failure in the stream. */
async function importImage(docker: DockerHttp, index: number): Promise<void> {
  const [repo, tag] = tagOf(index).split(":") as [string, string];
  const query = new URLSearchParams({ fromSrc: "-", repo, tag });
  query.append("changes", `LABEL ${LABEL}=${LABEL_VALUE}`);
  const answer = await docker.upload("POST", `/images/create?${query}`, await tarballOf(index), "application/x-tar");
  const text = answer.body.toString("utf8");
  if (answer.status !== 200 || text.includes('"error"')) {
    throw new Error(`${docker.engine.name}: importing ${tagOf(index)}: ${answer.status} ${text.trim()}`);
  }
}

async function ensureBenchImages(clients: DockerHttp[]): Promise<void> {
  const jobs: Array<{ docker: DockerHttp; index: number }> = [];
  for (const docker of clients) {
    const have = new Set((await benchImages(docker)).flatMap((i) => i.RepoTags ?? []));
    for (let index = 0; index < PER_ENGINE; index++) if (!have.has(tagOf(index))) jobs.push({ docker, index });
  }
  if (!jobs.length) return;
  log(`bench images: ${jobs.length} to import (${CONCURRENCY} at a time; made once, reused by later runs)`);
  const started = performance.now();
  let done = 0;
  await mapLimit(jobs, CONCURRENCY, async ({ docker, index }) => {
    await importImage(docker, index);
    if (++done % 100 === 0 || done === jobs.length) {
      log(`  ${done}/${jobs.length} imported (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    }
  });
}

async function removeBenchImages(clients: DockerHttp[]): Promise<number> {
  const jobs: Array<{ docker: DockerHttp; id: string }> = [];
  for (const docker of clients) for (const image of await benchImages(docker)) jobs.push({ docker, id: image.Id });
  await mapLimit(jobs, CONCURRENCY, async ({ docker, id }) => {
    const answer = await docker.request("DELETE", `/images/${id}?force=1`);
    if (answer.status !== 200 && answer.status !== 404) {
      throw new Error(`${docker.engine.name}: removing ${id}: ${answer.status} ${answer.body.toString()}`);
    }
  });
  return jobs.length;
}

// ---- measuring ---------------------------------------------------------------------------------

interface EnvironmentRow {
  id: string;
  name: string;
  status: { state: string; pictureWarm: boolean; lastError?: { message: string } } | null;
}

interface ImagesList {
  items: Array<{ environmentId: string; labels: Record<string, string> }>;
  errors: Array<{ environmentId: string; message: string }>;
  freshness: Array<{ environmentId: string; source: string }>;
}

async function registerWarm(api: StevedoreApi, engines: Engine[]): Promise<string[]> {
  const ids: string[] = [];
  for (const engine of engines) {
    ids.push((await api.mutate<{ id: string }>("environments.create", { name: engine.name, url: engine.url })).id);
  }
  const deadline = Date.now() + 120_000;
  for (;;) {
    const rows = (await api.query<EnvironmentRow[]>("environments.list")).filter((r) => ids.includes(r.id));
    const waiting = rows.filter((r) => r.status?.state !== "up" || !r.status.pictureWarm);
    if (rows.length === ids.length && !waiting.length) return ids;
    if (Date.now() > deadline) {
      const detail = waiting.map(
        (r) => `${r.name}: ${r.status?.state ?? "no status"} ${r.status?.lastError?.message ?? ""}`,
      );
      throw new Error(`environments not up and warm within 120 s: ${detail.join("; ")}`);
    }
    await sleep(200);
  }
}

/** Stevedore's answer holds every bench image of every environment, from the live picture. */
function checkList(list: ImagesList, environments: number): void {
  if (list.errors.length) throw new Error(`images.list: ${list.errors.map((e) => e.message).join("; ")}`);
  const bench = list.items.filter((i) => i.labels[LABEL] === LABEL_VALUE).length;
  if (bench < PER_ENGINE * environments) {
    throw new Error(`images.list: ${bench} bench images, expected ${PER_ENGINE * environments}`);
  }
  const cold = list.freshness.filter((f) => f.source !== "picture");
  if (cold.length) throw new Error(`images.list: ${cold.length} environment(s) answered live, not warm`);
}

async function measure(raw: DockerHttp[], api: StevedoreApi, ids: string[], samples: Samples): Promise<number> {
  let bytes = 0;
  const rounds = WARMUP + ITERATIONS;
  for (let i = 0; i < rounds; i++) {
    for (const docker of raw) {
      const answer = await docker.request("GET", "/images/json");
      if (answer.status !== 200) throw new Error(`${docker.engine.name}: /images/json: HTTP ${answer.status}`);
      const count = (JSON.parse(answer.body.toString("utf8")) as unknown[]).length;
      if (count < PER_ENGINE) throw new Error(`${docker.engine.name} lists ${count} images, expected ${PER_ENGINE}+`);
      if (i >= WARMUP) samples.add(`raw.${docker.engine.name}`, answer.ms);
    }
    const answer = await api.timedQuery("images.list", { environmentIds: ids });
    if (answer.status !== 200) throw new Error(`images.list: HTTP ${answer.status}: ${answer.body.toString()}`);
    checkList((JSON.parse(answer.body.toString("utf8")) as { result: { data: ImagesList } }).result.data, ids.length);
    bytes = answer.body.length;
    if (i >= WARMUP) samples.add("stevedore", answer.ms);
    if ((i + 1) % 10 === 0 || i + 1 === rounds) log(`  round ${i + 1}/${rounds} (${WARMUP} warm-up)`);
  }
  return bytes;
}

// ---- main --------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const started = performance.now();
  log(`bench:images on ${os.cpus().length} CPU(s), load average ${load()}`);
  testbedUp(repoRoot);
  const { engines: all, apiVersion } = testbedEngines(repoRoot);
  const engines = ENGINES.map((name) => {
    const engine = all.find((e) => e.name === name);
    if (!engine) throw new Error(`the testbed has no engine ${name}`);
    return engine;
  });
  const admin = engines.map((engine) => new DockerHttp(engine, apiVersion, "admin"));
  // Raw calls go the way Stevedore goes: the engines' own URLs (unix sockets here).
  const raw = engines.map((engine) => new DockerHttp(engine, apiVersion, "endpoint"));
  try {
    if (args.cleanup) {
      log(`removed ${await removeBenchImages(admin)} bench image(s)`);
      return;
    }
    await ensureBenchImages(admin);
    const server = await StevedoreServer.start({ repoRoot, mode: preferredMode(repoRoot), watch: true, log });
    const samples = new Samples();
    let bytes: number;
    try {
      const api = await signInWithToken(server);
      try {
        const ids = await registerWarm(api, engines);
        log(`${ids.length} environments up and warm (${ENGINES.join(", ")}); measuring…`);
        bytes = await measure(raw, api, ids, samples);
      } finally {
        api.close();
      }
    } finally {
      await server.stop();
      log(`stopped Stevedore pid ${server.pid}`);
    }

    log("\nmedian / p95 ms");
    for (const name of samples.names()) {
      const s = samples.summary(name);
      log(`  ${name.padEnd(20)}${s.median.toFixed(2).padStart(9)}${s.p95.toFixed(2).padStart(9)}`);
    }
    const slowest = engines
      .map((e) => ({ name: e.name, median: samples.summary(`raw.${e.name}`).median }))
      .reduce((a, b) => (b.median > a.median ? b : a));
    const stevedore = samples.summary("stevedore").median;
    log(`  images.list answer ${(bytes / 1024).toFixed(0)} KiB; slowest raw engine ${slowest.name}`);
    log(`load average now ${load()}; took ${((performance.now() - started) / 1000).toFixed(0)} s`);
    log("");
    log(`RESULT images.list.4env.warm.ms.median ${round(stevedore, 2)}`);
    log(`RESULT images.raw.slowest.ms.median ${round(slowest.median, 2)}`);
    log(`RESULT images.list.4env.warm.ratio ${round(stevedore / slowest.median, 2)}`);
  } finally {
    for (const docker of [...admin, ...raw]) docker.close();
  }
}

// Whatever happens, the server this run started stops and its data folder goes.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    killActiveServersNow();
    process.exit(130);
  });
}
process.on("exit", killActiveServersNow);

main().catch(async (error: unknown) => {
  console.error(`bench:images failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  for (const server of [...activeServers]) await server.stop().catch(() => undefined);
  process.exit(1);
});
