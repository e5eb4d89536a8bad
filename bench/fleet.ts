// bench/fleet: containers.list through Stevedore over 1, 4 and 8 environments, against the raw
// Docker API call (GET /containers/json?all=1) to the slowest engine, in the same run.
//
//   npm run bench:fleet                      measure (creates the bench containers the first time)
//   npm run bench:fleet -- --iterations 50   more rounds
//   npm run bench:fleet -- --cleanup         remove the bench containers and stop
//   npm run bench:fleet -- --cpu-prof DIR    also write the servers' CPU profiles into DIR
//
// What it does: brings the testbed up; makes sure each of its 5 engines holds 200 containers
// labelled stevedore.bench=fleet (mostly "created", a few running); then, in three phases, each a
// series of rounds in which the raw calls to all 5 engines and the Stevedore calls alternate:
//
//   cold    a Stevedore server whose fleet does not watch (see support/watch-off.ts), so every
//           containers.list reads the engines live: the cold picture, honestly and every time;
//   warm    an unmodified Stevedore server, once every environment's live picture is warm;
//   inproc  Stevedore's Fleet class in this process (no HTTP, no tRPC, no sign-in), cold and warm,
//           to show how much of each figure is the fleet and how much the API around it.
//
// A ratio is Stevedore's median over the median of the slowest engine's raw call measured in the
// same phase (interleaved, so load from other work on the machine hits both sides alike).
// Lower is better. The last lines are `RESULT <figure> <value>`.
import { parseArgs } from "node:util";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Fleet, type EnvironmentDescriptor } from "../server/docker/index";
import { ensureBenchContainers, removeBenchContainers } from "./support/bench-containers";
import { DockerHttp } from "./support/http";
import { Samples, round, type Summary } from "./support/stats";
import {
  activeServers,
  killActiveServersNow,
  preferredMode,
  signInWithToken,
  sleep,
  StevedoreServer,
  StevedoreApi,
  type Memory,
} from "./support/stevedore";
import { testbedEngines, testbedUp, type Engine } from "./support/testbed";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const FIXTURE_IMAGE = "stevedore-fixture/busybox:latest";

const { values: args } = parseArgs({
  options: {
    cleanup: { type: "boolean", default: false },
    iterations: { type: "string", default: "30" },
    warmup: { type: "string", default: "5" },
    "per-engine": { type: "string", default: "200" },
    running: { type: "string", default: "3" },
    concurrency: { type: "string", default: "8" },
    "cpu-prof": { type: "string" },
  },
});
const ITERATIONS = wholeNumber(args.iterations, "--iterations");
const WARMUP = wholeNumber(args.warmup, "--warmup", true);
const PER_ENGINE = wholeNumber(args["per-engine"], "--per-engine");
const RUNNING = wholeNumber(args.running, "--running", true);
const CONCURRENCY = wholeNumber(args.concurrency, "--concurrency");

function wholeNumber(text: string | undefined, flag: string, zeroOk = false): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < (zeroOk ? 0 : 1)) throw new Error(`${flag} needs a whole number`);
  return value;
}

const log = (line: string) => console.log(line);

// ---- what is registered -------------------------------------------------------------------

interface Registration {
  name: string;
  engine: Engine;
}

/**
 * The testbed has 5 engines; "8 env" registers 3 of them a second time under other names (each
 * registration is its own client, watcher and picture in Stevedore, as two names for one host
 * would be).
 */
function registrations(engines: Engine[]): Registration[] {
  const byName = (name: string) => {
    const engine = engines.find((e) => e.name === name);
    if (!engine) throw new Error(`the testbed has no engine ${name}`);
    return engine;
  };
  return [
    { name: "standalone", engine: byName("standalone") },
    { name: "swarm-mgr", engine: byName("swarm-mgr") },
    { name: "swarm-w1", engine: byName("swarm-w1") },
    { name: "swarm-w2", engine: byName("swarm-w2") },
    { name: "tls", engine: byName("tls") },
    { name: "standalone-again", engine: byName("standalone") },
    { name: "swarm-mgr-again", engine: byName("swarm-mgr") },
    { name: "tls-again", engine: byName("tls") },
  ];
}

/** 1 env: standalone; 4 env: standalone + the swarm's three (unix sockets); 8 env: all above. */
const SETS = [
  { label: "1env", size: 1 },
  { label: "4env", size: 4 },
  { label: "8env", size: 8 },
] as const;

// ---- measuring ------------------------------------------------------------------------------

interface Target {
  name: string;
  /** One timed call; checks its answer (outside the timing) and returns the milliseconds. */
  run: () => Promise<number>;
}

function rawTargets(raw: DockerHttp[], minimum: number): Target[] {
  return raw.map((docker) => ({
    name: `raw.${docker.engine.name}`,
    run: async () => {
      const answer = await docker.request("GET", "/containers/json?all=1");
      if (answer.status !== 200) throw new Error(`${docker.engine.name}: /containers/json: HTTP ${answer.status}`);
      const count = (JSON.parse(answer.body.toString("utf8")) as unknown[]).length;
      if (count < minimum) throw new Error(`${docker.engine.name} lists ${count} containers, expected ${minimum}+`);
      return answer.ms;
    },
  }));
}

/**
 * The 4env engines read at once, the way a fan-out reads them: the floor under any live (cold)
 * list over those engines on this machine, whatever Stevedore does around it.
 */
function parallelRawTarget(raw: DockerHttp[], minimum: number): Target {
  return {
    name: `raw.parallel.${raw.length}env`,
    run: async () => {
      const started = performance.now();
      const answers = await Promise.all(raw.map((docker) => docker.request("GET", "/containers/json?all=1")));
      const ms = performance.now() - started;
      for (const [i, answer] of answers.entries()) {
        const count = answer.status === 200 ? (JSON.parse(answer.body.toString("utf8")) as unknown[]).length : -1;
        if (count < minimum) throw new Error(`${raw[i]!.engine.name}: HTTP ${answer.status}, ${count} containers`);
      }
      return ms;
    },
  };
}

/** A query that must answer 200, timed; for the fixed costs around a list. */
function plainQuery(name: string, api: StevedoreApi, procedure: string, input?: unknown): Target {
  return {
    name,
    run: async () => {
      const answer = await api.timedQuery(procedure, input);
      if (answer.status !== 200) throw new Error(`${procedure}: HTTP ${answer.status}: ${answer.body.toString()}`);
      return answer.ms;
    },
  };
}

interface ListAnswer {
  items: unknown[];
  errors: Array<{ environmentId: string; message: string }>;
  paused: string[];
}

function checkList(what: string, data: ListAnswer, minimum: number): void {
  if (data.errors.length) throw new Error(`${what}: errors: ${data.errors.map((e) => e.message).join("; ")}`);
  if (data.paused.length) throw new Error(`${what}: paused environments: ${data.paused.join(", ")}`);
  if (data.items.length < minimum) throw new Error(`${what}: ${data.items.length} containers, expected ${minimum}+`);
}

/** Runs warm-up rounds, then measured rounds; every round calls every target once, in order. */
async function measure(phase: string, targets: Target[], samples: Samples): Promise<void> {
  const rounds = WARMUP + ITERATIONS;
  const started = performance.now();
  for (let i = 0; i < rounds; i++) {
    for (const target of targets) {
      const ms = await target.run();
      if (i >= WARMUP) samples.add(target.name, ms);
    }
    if ((i + 1) % 10 === 0 || i + 1 === rounds) {
      log(
        `  ${phase}: round ${i + 1}/${rounds} (${WARMUP} warm-up) ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
    }
  }
}

/** The raw call's baseline in a phase: the engine whose median is the highest. */
function slowestEngine(samples: Samples, engines: Engine[]): { engine: string; summary: Summary } {
  let slowest: { engine: string; summary: Summary } | undefined;
  for (const engine of engines) {
    const summary = samples.summary(`raw.${engine.name}`);
    if (!slowest || summary.median > slowest.summary.median) slowest = { engine: engine.name, summary };
  }
  if (!slowest) throw new Error("no raw samples");
  return slowest;
}

// ---- a Stevedore server phase -----------------------------------------------------------------

interface EnvironmentRow {
  id: string;
  name: string;
  status: { state: string; pictureWarm: boolean; lastError?: { message: string } } | null;
}

interface PhaseResult {
  samples: Samples;
  baseline: { engine: string; summary: Summary };
  /** The server's memory right after sign-in (no environments yet) and after the runs. */
  memory?: { idle: Memory; after: Memory };
  responseBytes: Map<string, number>;
  mode?: string;
}

async function register(api: StevedoreApi, plan: Registration[]): Promise<string[]> {
  const ids: string[] = [];
  for (const { name, engine } of plan) {
    const created = await api.mutate<{ id: string }>("environments.create", {
      name,
      url: engine.url,
      ...(engine.tls ? { tls: engine.tls } : {}),
    });
    ids.push(created.id);
  }
  return ids;
}

async function waitForEnvironments(
  api: StevedoreApi,
  ids: string[],
  ready: (status: NonNullable<EnvironmentRow["status"]>) => boolean,
  what: string,
  timeoutMs = 60_000,
): Promise<EnvironmentRow[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = (await api.query<EnvironmentRow[]>("environments.list")).filter((row) => ids.includes(row.id));
    const waiting = rows.filter((row) => !row.status || !ready(row.status));
    if (rows.length === ids.length && !waiting.length) return rows;
    if (Date.now() > deadline) {
      const detail = waiting.map(
        (r) => `${r.name}: ${r.status?.state ?? "no status"} ${r.status?.lastError?.message ?? ""}`,
      );
      throw new Error(`environments not ${what} within ${timeoutMs / 1000} s: ${detail.join("; ")}`);
    }
    await sleep(200);
  }
}

const answering = (status: NonNullable<EnvironmentRow["status"]>) =>
  status.state === "up" || status.state === "degraded";

async function serverPhase(
  kind: "cold" | "warm",
  engines: Engine[],
  plan: Registration[],
  raw: DockerHttp[],
): Promise<PhaseResult> {
  log(`\n== ${kind}: containers.list through Stevedore's HTTP API, picture ${kind}`);
  const server = await StevedoreServer.start({
    repoRoot,
    mode: preferredMode(repoRoot),
    watch: kind === "warm",
    log,
    ...(args["cpu-prof"] ? { cpuProfileDir: path.resolve(args["cpu-prof"]) } : {}),
  });
  try {
    const api = await signInWithToken(server);
    const anonymous = new StevedoreApi(server.origin, {});
    try {
      const idle = server.memoryMb();
      const ids = await register(api, plan);
      log(`  registered ${ids.length} environments (${plan.map((r) => r.name).join(", ")})`);
      const warmOrCold = (s: NonNullable<EnvironmentRow["status"]>) =>
        answering(s) && (kind === "warm" ? s.pictureWarm : !s.pictureWarm);
      await waitForEnvironments(api, ids, warmOrCold, kind === "warm" ? "up with a warm picture" : "up");
      if (kind === "cold") {
        // Give a watcher, were there one, time to warm the picture; then make sure none did.
        await sleep(2_000);
        await waitForEnvironments(api, ids, warmOrCold, "up and cold", 1_000);
      }

      const samples = new Samples();
      const responseBytes = new Map<string, number>();
      const targets: Target[] = [...rawTargets(raw, PER_ENGINE)];
      if (kind === "cold") targets.push(parallelRawTarget(raw.slice(0, 4), PER_ENGINE));
      if (kind === "warm") {
        // Where a list's fixed cost goes: tRPC over HTTP alone (auth.me signed out: no database),
        // plus one database round trip (system.health), and a whole token-signed list of nothing
        // (token lookup, permissions, the procedure, an empty fan-out).
        targets.push(
          plainQuery("warm.fixed.trpc", anonymous, "auth.me"),
          plainQuery("warm.fixed.db", anonymous, "system.health"),
          plainQuery("warm.fixed.list", api, "containers.list", { environmentIds: [] }),
        );
      }
      for (const set of SETS) {
        const setIds = ids.slice(0, set.size);
        const name = `${kind}.${set.label}`;
        targets.push({
          name,
          run: async () => {
            const answer = await api.timedQuery("containers.list", { environmentIds: setIds });
            if (answer.status !== 200) throw new Error(`${name}: HTTP ${answer.status}: ${answer.body.toString()}`);
            const data = (JSON.parse(answer.body.toString("utf8")) as { result: { data: ListAnswer } }).result.data;
            checkList(name, data, PER_ENGINE * set.size);
            responseBytes.set(name, answer.body.length);
            return answer.ms;
          },
        });
      }
      await measure(kind, targets, samples);
      await waitForEnvironments(api, ids, warmOrCold, `still ${kind} after the runs`, 1_000);
      return {
        samples,
        baseline: slowestEngine(samples, engines),
        memory: { idle, after: server.memoryMb() },
        responseBytes,
        mode: server.mode,
      };
    } finally {
      api.close();
      anonymous.close();
    }
  } finally {
    await server.stop();
    log(`  stopped Stevedore pid ${server.pid}, removed ${server.dataDir}`);
  }
}

// ---- the in-process phase ---------------------------------------------------------------------

async function inProcessPhase(engines: Engine[], plan: Registration[], raw: DockerHttp[]): Promise<PhaseResult> {
  log("\n== inproc: Stevedore's Fleet in this process (no HTTP, tRPC or sign-in), 4 environments");
  const descriptors: EnvironmentDescriptor[] = plan.slice(0, 4).map(({ name, engine }) => ({
    id: `bench-${name}`,
    name,
    url: engine.url,
    ...(engine.tls ? { tls: engine.tls } : {}),
  }));
  const ids = descriptors.map((d) => d.id);
  const cold = new Fleet({ watch: false });
  const warm = new Fleet();
  try {
    for (const d of descriptors) {
      cold.add(d);
      warm.add(d);
    }
    await Promise.all(ids.map((id) => cold.probe(id)));
    const deadline = Date.now() + 60_000;
    while (!ids.every((id) => warm.status(id)?.pictureWarm)) {
      if (Date.now() > deadline) throw new Error("the in-process fleet's picture did not warm within 60 s");
      await sleep(100);
    }
    const samples = new Samples();
    const responseBytes = new Map<string, number>();
    const minimum = PER_ENGINE * ids.length;
    const timedList = (fleet: Fleet, name: string): Target => ({
      name,
      run: async () => {
        const started = performance.now();
        const list = await fleet.listContainers(ids);
        const ms = performance.now() - started;
        checkList(name, list, minimum);
        if (name === "inproc.warm.4env") {
          // What the API adds on top: the answer as tRPC sends it, made into JSON.
          const t0 = performance.now();
          const json = JSON.stringify({
            result: { data: { items: list.items, errors: list.errors, paused: list.paused } },
          });
          samples.add("inproc.warm.4env.stringify", performance.now() - t0);
          responseBytes.set(name, Buffer.byteLength(json));
        }
        if (!list.sources.every((s) => s.source === (fleet === warm ? "picture" : "engine"))) {
          throw new Error(`${name}: answered from ${list.sources.map((s) => s.source).join(", ")}`);
        }
        return ms;
      },
    });
    await measure(
      "inproc",
      [
        ...rawTargets(raw, PER_ENGINE),
        parallelRawTarget(raw.slice(0, 4), PER_ENGINE),
        timedList(cold, "inproc.cold.4env"),
        timedList(warm, "inproc.warm.4env"),
      ],
      samples,
    );
    return { samples, baseline: slowestEngine(samples, engines), responseBytes };
  } finally {
    cold.close();
    warm.close();
  }
}

// ---- report -------------------------------------------------------------------------------------

function ms(value: number): string {
  return value.toFixed(2).padStart(8);
}

/** Rows whose phase is "" are headings. */
function printTable(
  engines: Engine[],
  phases: Array<[string, PhaseResult]>,
  rows: Array<{ figure: string; phase: string; series: string; note?: string }>,
): void {
  log("\nraw GET /containers/json?all=1 per engine, by phase (ms)");
  log(`  ${"engine".padEnd(12)}${phases.map(([p]) => `${p} median`.padStart(15) + "p95".padStart(9)).join("")}`);
  for (const engine of engines) {
    const cells = phases.map(([, r]) => {
      const s = r.samples.summary(`raw.${engine.name}`);
      return ms(s.median).padStart(15) + ms(s.p95).padStart(9);
    });
    log(`  ${engine.name.padEnd(12)}${cells.join("")}`);
  }
  log(
    `  ${"slowest".padEnd(12)}${phases.map(([, r]) => `${r.baseline.engine} ${ms(r.baseline.summary.median).trim()}`.padStart(24)).join("")}`,
  );

  log("\nStevedore (ms); ratio = median / the same phase's slowest-engine raw median");
  log(`  ${"figure".padEnd(34)}${"median".padStart(9)}${"p95".padStart(9)}${"ratio".padStart(8)}  note`);
  const byName = new Map(phases);
  for (const row of rows) {
    const phase = byName.get(row.phase);
    if (!phase) {
      log(`  ${row.figure}`);
      continue;
    }
    const s = phase.samples.summary(row.series);
    const ratio = s.median / phase.baseline.summary.median;
    log(`  ${row.figure.padEnd(34)}${ms(s.median)} ${ms(s.p95)}${ratio.toFixed(2).padStart(8)}  ${row.note ?? ""}`);
  }
}

// ---- main ---------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const started = performance.now();
  log(
    `bench:fleet on ${os.cpus().length} CPU(s), load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  log("testbed: scripts/testbed up");
  testbedUp(repoRoot);
  const { engines, apiVersion } = testbedEngines(repoRoot);

  if (args.cleanup) {
    const removed = await removeBenchContainers(engines, { concurrency: CONCURRENCY, apiVersion, log });
    log(`removed ${removed} bench container(s)`);
    return;
  }

  const counts = await ensureBenchContainers(engines, {
    perEngine: PER_ENGINE,
    running: RUNNING,
    concurrency: CONCURRENCY,
    fixtureImage: FIXTURE_IMAGE,
    apiVersion,
    log,
  });
  log(`bench containers: ${[...counts].map(([name, n]) => `${name} ${n}`).join(", ")} (${RUNNING} running on each)`);

  const plan = registrations(engines);
  log(
    `environments: 1env = standalone; 4env = standalone, swarm-mgr, swarm-w1, swarm-w2 (unix sockets); ` +
      `8env = those + tls (tcp+TLS) + standalone, swarm-mgr and tls registered again under other names ` +
      `(the testbed has 5 engines)`,
  );

  // Raw calls go the way Stevedore goes: unix sockets, and TCP with client certificates for tls.
  const raw = engines.map((engine) => new DockerHttp(engine, apiVersion, "endpoint"));
  const phases: Array<[string, PhaseResult]> = [];
  try {
    phases.push(["cold", await serverPhase("cold", engines, plan, raw)]);
    phases.push(["warm", await serverPhase("warm", engines, plan, raw)]);
    phases.push(["inproc", await inProcessPhase(engines, plan, raw)]);
  } finally {
    for (const docker of raw) docker.close();
  }
  const result = new Map(phases);
  const cold = result.get("cold")!;
  const warm = result.get("warm")!;
  const inproc = result.get("inproc")!;

  const kb = (r: PhaseResult, name: string) => `${((r.responseBytes.get(name) ?? 0) / 1024).toFixed(0)} KiB answer`;
  const row = (figure: string, phase: string, series: string, note = "") => ({ figure, phase, series, note });
  printTable(engines, phases, [
    ...SETS.map((s) => row(`containers.list ${s.label} warm`, "warm", `warm.${s.label}`, kb(warm, `warm.${s.label}`))),
    ...SETS.map((s) => row(`containers.list ${s.label} cold`, "cold", `cold.${s.label}`, kb(cold, `cold.${s.label}`))),
    row("raw, 4env engines at once", "cold", "raw.parallel.4env", "floor of any live 4env list here"),
    row("where a warm list's time goes:", "", ""),
    row("  auth.me signed out", "warm", "warm.fixed.trpc", "HTTP + tRPC, no database"),
    row("  system.health signed out", "warm", "warm.fixed.db", "+ one database round trip"),
    row("  containers.list [] by token", "warm", "warm.fixed.list", "+ token, permissions; no data"),
    row("  Fleet.list 4env warm", "inproc", "inproc.warm.4env", "in-process, from the picture"),
    row("  JSON.stringify of its answer", "inproc", "inproc.warm.4env.stringify", kb(inproc, "inproc.warm.4env")),
    row("where a cold list's time goes:", "", ""),
    row("  raw, 4env engines at once", "inproc", "raw.parallel.4env", "same phase as the next line"),
    row("  Fleet.list 4env cold", "inproc", "inproc.cold.4env", "in-process, fan-out to the engines"),
  ]);

  const mb = (m: Memory) => `${m.rss.toFixed(0)} (peak ${m.peak.toFixed(0)})`;
  log(`\nserver memory, VmRSS MiB (${warm.mode} mode):`);
  for (const [name, phase] of [
    ["warm", warm],
    ["cold", cold],
  ] as const) {
    const memory = phase.memory!;
    log(`  ${name} server: ${mb(memory.idle)} signed in, no environments; ${mb(memory.after)} after the runs`);
  }
  if (warm.mode === "development") {
    log(
      "  (development mode includes Next's dev bundler: no .next/BUILD_ID here; npm run build for production figures)",
    );
  }
  const loadavg = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
  log(`load average now ${loadavg}; took ${((performance.now() - started) / 1000).toFixed(0)} s`);

  const ratio = (r: PhaseResult, series: string) =>
    round(r.samples.summary(series).median / r.baseline.summary.median, 2);
  const results: Array<[string, number]> = [
    ...SETS.map((s): [string, number] => [`fleet.list.${s.label}.warm.ratio`, ratio(warm, `warm.${s.label}`)]),
    ...SETS.map((s): [string, number] => [`fleet.list.${s.label}.cold.ratio`, ratio(cold, `cold.${s.label}`)]),
    ["fleet.list.4env.warm.inprocess.ratio", ratio(inproc, "inproc.warm.4env")],
    ["fleet.list.4env.cold.inprocess.ratio", ratio(inproc, "inproc.cold.4env")],
    // The same cold list against the 4 engines read at once in the same phase: on this machine
    // the engines share 2 cores, so that is the floor of any live read of 4 engines here.
    [
      "fleet.list.4env.cold.vs_parallel_raw.ratio",
      round(cold.samples.summary("cold.4env").median / cold.samples.summary("raw.parallel.4env").median, 2),
    ],
    ["fleet.list.4env.warm.median_ms", round(warm.samples.summary("warm.4env").median, 2)],
    ["fleet.list.4env.cold.median_ms", round(cold.samples.summary("cold.4env").median, 2)],
    ["fleet.server.rss_mb", Math.round(warm.memory!.after.rss)],
    ["fleet.raw.slowest.median_ms", round(warm.baseline.summary.median, 2)],
  ];
  log("");
  for (const [figure, value] of results) log(`RESULT ${figure} ${value}`);
}

// Whatever happens, the servers this run started stop and their data folders go.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    killActiveServersNow();
    process.exit(130);
  });
}
process.on("exit", killActiveServersNow);

main().catch(async (error: unknown) => {
  console.error(`bench:fleet failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  for (const server of [...activeServers]) await server.stop().catch(() => undefined);
  process.exit(1);
});
