// bench/scale: Stevedore at fleet scale, against fake engines (support/fake-engine.ts): 10 and 50
// engines holding 10,000 containers between them, in headless Chromium and through the API.
//
//   npm run bench:scale                          both fleet sizes
//   npm run bench:scale -- --sizes 50            one size
//   npm run bench:scale -- --idle-seconds 60     a longer idle CPU window
//   npm run bench:scale -- --cpu-prof DIR        also write the server's CPU profile into DIR
//
// Per fleet size, with a fresh production server on the embedded database:
//   cpu_idle      the server's CPU (% of one core) while it only watches the fleet: no page, no
//                 call, the engines quiet (probes, resyncs and event streams are all it does);
//   list          containers.list over every environment through the HTTP API, against the raw
//                 parallel fan-out (GET /containers/json?all=1 on every engine at once, to the
//                 last byte) to the same engines, interleaved round by round; ratio of medians;
//   first_row     navigation to /containers until the first container row is in the page;
//   scroll_fps    frames per second while the list scrolls one screen-ish step per frame;
//   keystroke     one character typed into the search box until the rows shown all match;
//   event_to_row  a container stops or starts on an engine until its row in the open page says so.
// The page figures go through the page's roles (searchbox "Search by name or image", rows of the
// container table), not its markup, so they hold when the table's implementation changes.
// Lower is better except fps. The last lines are `RESULT <figure> <value>`.
import { spawnSync } from "node:child_process";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { chromium, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { containerIdOf, containerName } from "./support/fake-engine";
import { FakeFleet, killFakeFleetsNow } from "./support/fake-fleet";
import { send } from "./support/http";
import { EventStreamReader } from "./support/sse";
import { round, summarize } from "./support/stats";
import {
  activeServers,
  killActiveServersNow,
  setUpAdmin,
  sleep,
  StevedoreServer,
  type StevedoreApi,
} from "./support/stevedore";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const TOTAL_CONTAINERS = 10_000;

const { values: args } = parseArgs({
  options: {
    sizes: { type: "string", default: "10,50" },
    rounds: { type: "string", default: "12" },
    "idle-seconds": { type: "string", default: "30" },
    events: { type: "string", default: "40" },
    churn: { type: "string", default: "1" },
    navigations: { type: "string", default: "5" },
    keystrokes: { type: "string", default: "8" },
    "cpu-prof": { type: "string" },
  },
});
const SIZES = args.sizes.split(",").map((s) => wholeNumber(s, "--sizes"));
const ROUNDS = wholeNumber(args.rounds, "--rounds");
const IDLE_SECONDS = wholeNumber(args["idle-seconds"], "--idle-seconds");
const EVENTS = wholeNumber(args.events, "--events");
const CHURN_PER_SECOND = Number(args.churn);
const NAVIGATIONS = wholeNumber(args.navigations, "--navigations");
const KEYSTROKES = wholeNumber(args.keystrokes, "--keystrokes");
/** The container each engine shows for a search of "n0042" (one per engine). */
const WATCHED = 42;

function wholeNumber(text: string | undefined, flag: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${flag} needs a whole number above 0`);
  return value;
}

const log = (line: string) => console.log(line);

// ---- the API side --------------------------------------------------------------------------------

interface EnvironmentRow {
  id: string;
  name: string;
  status: { state: string; pictureWarm: boolean; lastError?: { message: string } } | null;
}

async function registerFleet(api: StevedoreApi, fleet: FakeFleet): Promise<string[]> {
  const ids: string[] = [];
  for (const [i, url] of fleet.urls.entries()) {
    ids.push((await api.mutate<{ id: string }>("environments.create", { name: fleet.names[i]!, url })).id);
  }
  const deadline = Date.now() + 120_000;
  for (;;) {
    const rows = (await api.query<EnvironmentRow[]>("environments.list")).filter((r) => ids.includes(r.id));
    const waiting = rows.filter((r) => !r.status?.pictureWarm || r.status.state !== "up");
    if (rows.length === ids.length && !waiting.length) return ids;
    if (Date.now() > deadline) {
      throw new Error(`not warm within 120 s: ${waiting.map((r) => `${r.name} ${r.status?.state}`).join(", ")}`);
    }
    await sleep(250);
  }
}

/** Every engine's /containers/json?all=1 at once, to the last byte of the last answer. */
async function rawFanOut(fleet: FakeFleet, agents: http.Agent[]): Promise<{ ms: number; count: number }> {
  const started = performance.now();
  const answers = await Promise.all(
    fleet.urls.map((url, i) =>
      send(false, {
        socketPath: url.slice("unix://".length),
        path: "/v1.41/containers/json?all=1",
        method: "GET",
        agent: agents[i],
      }),
    ),
  );
  const ms = performance.now() - started;
  let count = 0;
  for (const answer of answers) {
    if (answer.status !== 200) throw new Error(`raw list: HTTP ${answer.status}`);
    count += (JSON.parse(answer.body.toString("utf8")) as unknown[]).length;
  }
  return { ms, count };
}

interface ListFigures {
  raw: number[];
  stevedore: number[];
  gzip: number[];
  bytes: number;
  gzipBytes: number;
}

async function measureList(api: StevedoreApi, fleet: FakeFleet): Promise<ListFigures> {
  const agents = fleet.urls.map(() => new http.Agent({ keepAlive: true, maxSockets: 1 }));
  const figures: ListFigures = { raw: [], stevedore: [], gzip: [], bytes: 0, gzipBytes: 0 };
  try {
    for (let round = 0; round < ROUNDS + 2; round++) {
      const raw = await rawFanOut(fleet, agents);
      const answer = await api.timedQuery("containers.list");
      if (answer.status !== 200) throw new Error(`containers.list: HTTP ${answer.status}`);
      const data = (JSON.parse(answer.body.toString("utf8")) as { result: { data: { items: unknown[] } } }).result.data;
      if (data.items.length !== raw.count) throw new Error(`containers.list: ${data.items.length} of ${raw.count}`);
      // As a browser asks for it: compressed when the server compresses.
      const zipped = await api.timedQuery("containers.list", undefined, { "accept-encoding": "gzip, deflate, br" });
      if (zipped.status !== 200) throw new Error(`containers.list (compressed): HTTP ${zipped.status}`);
      if (round < 2) continue; // warm-up
      figures.raw.push(raw.ms);
      figures.stevedore.push(answer.ms);
      figures.gzip.push(zipped.ms);
      figures.bytes = answer.body.length;
      figures.gzipBytes = zipped.body.length;
    }
  } finally {
    for (const agent of agents) agent.destroy();
  }
  return figures;
}

async function measureIdleCpu(server: StevedoreServer): Promise<number> {
  const before = server.cpuSeconds();
  const started = performance.now();
  await sleep(IDLE_SECONDS * 1000);
  const seconds = (performance.now() - started) / 1000;
  return ((server.cpuSeconds() - before) / seconds) * 100;
}

/**
 * The server's share of event to row: from the engine writing the events to the picture change
 * arriving on a fleet.changes stream, read as a page reads it (but with no page to render).
 */
async function measureEventToStream(api: StevedoreApi, origin: string, fleet: FakeFleet): Promise<number[]> {
  const engines = fleet.urls.length;
  const url = new URL("/api/trpc/fleet.changes", origin);
  url.searchParams.set("input", "{}");
  type Change = {
    type: string;
    events?: Array<{ kind?: string; type: string; id: string; item?: { state?: string } }>;
  };
  const stream = new EventStreamReader<Change>(url, api.headers);
  const samples: number[] = [];
  try {
    await sleep(1_000);
    for (let i = 0; i < EVENTS; i++) {
      const engine = (i * 7) % engines;
      const container = 60 + Math.floor(i / engines);
      // Armed before the events go out: the upsert of this container (nothing else moves it now).
      const id = containerIdOf(engine, container);
      const arrival = stream.next(
        (change) =>
          change.type === "picture" &&
          (change.events ?? []).some((e) => e.kind === "containers" && e.type === "upsert" && e.id === id),
      );
      const { emittedAt } = await fleet.toggle(engine, container);
      const heard = await Promise.race([arrival, sleep(10_000).then(() => undefined)]);
      samples.push(heard ? heard.at - emittedAt : 10_000);
      await sleep(100);
    }
  } finally {
    stream.close();
  }
  return samples;
}

// ---- the page side -------------------------------------------------------------------------------

/** Installed before any page script: notes when the first container row is in the page. */
const FIRST_ROW_PROBE = `
  // tsx compiles this file with esbuild's keepNames: functions handed to page.evaluate call __name.
  globalThis.__name = globalThis.__name || ((fn) => fn);
  (() => {
    const rowSelector = 'tr, [role="row"]';
    const found = () => [...document.querySelectorAll(rowSelector)].some((r) => /app-e\\d\\d-n\\d{4}/.test(r.textContent || ""));
    const observer = new MutationObserver(() => {
      if (window.__firstRowAt !== undefined || !found()) return;
      const at = performance.now();
      observer.disconnect();
      requestAnimationFrame(() => { window.__firstRowAt = at; window.__firstRowPaintedAt = performance.now(); });
    });
    observer.observe(document, { childList: true, subtree: true, characterData: true });
  })();
`;

async function measureFirstRow(context: BrowserContext, origin: string): Promise<number[]> {
  const samples: number[] = [];
  await context.addInitScript(FIRST_ROW_PROBE);
  const page = await context.newPage();
  try {
    for (let i = 0; i < NAVIGATIONS; i++) {
      await page.goto(`${origin}/containers`, { waitUntil: "commit" });
      await page.waitForFunction(() => (window as { __firstRowPaintedAt?: number }).__firstRowPaintedAt !== undefined, {
        timeout: 60_000,
        polling: 50,
      });
      const at = await page.evaluate(() => (window as { __firstRowPaintedAt?: number }).__firstRowPaintedAt!);
      samples.push(at);
      log(`  first row: navigation ${i + 1}/${NAVIGATIONS} ${at.toFixed(0)} ms`);
    }
  } finally {
    await page.close();
  }
  return samples;
}

/**
 * Until the page holds the whole list, not only its first screen (which comes with the HTML and
 * is shown until then): the count under the table names every container once it does.
 */
async function waitForWholeList(page: Page): Promise<void> {
  await page.getByText(new RegExp(`^${TOTAL_CONTAINERS} containers`)).waitFor({ timeout: 120_000 });
}

async function measureScroll(page: Page, origin: string): Promise<{ fps: number; frames: number; worstMs: number }> {
  await page.goto(`${origin}/containers`);
  await page.waitForFunction(() => (window as { __firstRowAt?: number }).__firstRowAt !== undefined, {
    timeout: 60_000,
  });
  await waitForWholeList(page);
  await page.waitForTimeout(1_500); // let the list settle (usage feed, fonts)
  return page.evaluate(async () => {
    const firstRow = [...document.querySelectorAll('tr, [role="row"]')].find((r) =>
      /app-e\d\d-n\d{4}/.test(r.textContent ?? ""),
    );
    // The element that scrolls the rows: the nearest scrollable ancestor, else the window.
    let scroller: Element | null = firstRow?.parentElement ?? null;
    while (scroller && scroller !== document.documentElement) {
      const style = getComputedStyle(scroller);
      if (/(auto|scroll)/.test(style.overflowY) && scroller.scrollHeight > scroller.clientHeight + 10) break;
      scroller = scroller.parentElement;
    }
    const target = scroller && scroller !== document.documentElement ? scroller : document.scrollingElement!;
    const durationMs = 4_000;
    const stepPx = 90;
    const stamps: number[] = [];
    await new Promise<void>((resolve) => {
      const start = performance.now();
      const frame = (now: number) => {
        stamps.push(now);
        target.scrollTop += stepPx;
        if (now - start < durationMs) requestAnimationFrame(frame);
        else resolve();
      };
      requestAnimationFrame(frame);
    });
    const gaps = stamps.slice(1).map((t, i) => t - stamps[i]!);
    const spanMs = stamps[stamps.length - 1]! - stamps[0]!;
    return { fps: ((stamps.length - 1) / spanMs) * 1000, frames: stamps.length, worstMs: Math.max(...gaps) };
  });
}

async function measureKeystrokes(page: Page, origin: string): Promise<number[]> {
  const samples: number[] = [];
  await page.goto(`${origin}/containers`);
  const box = page.getByRole("searchbox", { name: "Search by name or image" });
  await box.waitFor({ timeout: 60_000 });
  await waitForWholeList(page);
  for (let i = 0; i < KEYSTROKES; i++) {
    // "n00<d>" shows 10 containers per engine; the next digit narrows it to one per engine.
    const digit = String(i % 10);
    const prefix = `n00${String((i + 3) % 10)}`;
    const query = `${prefix}${digit}`;
    await box.fill(prefix);
    await page.waitForFunction(
      ({ prefix, query }) => {
        const rows = [...document.querySelectorAll('tr, [role="row"]')].filter((r) =>
          /app-e\d\d-n\d{4}/.test(r.textContent ?? ""),
        );
        return (
          rows.length > 0 &&
          rows.every((r) => (r.textContent ?? "").includes(prefix)) &&
          rows.some((r) => !(r.textContent ?? "").includes(query))
        );
      },
      { prefix, query },
      { timeout: 30_000, polling: 50 },
    );
    await page.waitForTimeout(300);
    // Timed inside the page: from the keydown event to the first frame whose rows all match.
    await page.evaluate((query) => {
      const input = document.querySelector<HTMLInputElement>('input[type="search"]') ?? document;
      (window as { __keystroke?: Promise<number> }).__keystroke = new Promise<number>((resolve) => {
        const onKey = (event: Event) => {
          const pressedAt = event.timeStamp;
          const check = () => {
            const rows = [...document.querySelectorAll('tr, [role="row"]')].filter((r) =>
              /app-e\d\d-n\d{4}/.test(r.textContent ?? ""),
            );
            if (rows.length > 0 && rows.every((r) => (r.textContent ?? "").includes(query))) {
              resolve(performance.now() - pressedAt);
            } else requestAnimationFrame(check);
          };
          requestAnimationFrame(check);
        };
        input.addEventListener("keydown", onKey, { once: true, capture: true });
      });
    }, query);
    await box.press(digit);
    const ms = await page.evaluate(() => (window as { __keystroke?: Promise<number> }).__keystroke!);
    samples.push(ms);
    log(`  keystroke ${i + 1}/${KEYSTROKES}: "${prefix}" + "${digit}" ${ms.toFixed(0)} ms`);
  }
  return samples;
}

async function measureEventToRow(
  page: Page,
  origin: string,
  fleet: FakeFleet,
): Promise<{ samples: number[]; missed: number }> {
  const engines = fleet.urls.length;
  const query = `n${String(WATCHED).padStart(4, "0")}`;
  await page.goto(`${origin}/containers?q=${query}`);
  // The rows drawn (a virtualised table draws those in view): one per engine, all matching.
  const shown = await page.waitForFunction(
    (query) => {
      const rows = [...document.querySelectorAll('tr, [role="row"]')].filter((r) =>
        /app-e\d\d-n\d{4}/.test(r.textContent ?? ""),
      );
      if (rows.length < 3 || !rows.every((r) => (r.textContent ?? "").includes(query))) return undefined;
      return rows.map((r) => Number(/app-e(\d\d)-n\d{4}/.exec(r.textContent ?? "")![1]));
    },
    query,
    { timeout: 60_000, polling: 100 },
  );
  const visible = (await shown.jsonValue())!;
  await page.waitForTimeout(1_000);
  // Background churn: other containers stop and start meanwhile, as on a fleet in use.
  let churning = CHURN_PER_SECOND > 0;
  const churn = (async () => {
    let n = 0;
    while (churning) {
      await sleep(1000 / CHURN_PER_SECOND);
      if (!churning) break;
      n++;
      await fleet.toggle((n * 7) % engines, 100 + ((n * 13) % 50)).catch(() => undefined);
    }
  })();
  const samples: number[] = [];
  let missed = 0;
  try {
    for (let i = 0; i < EVENTS; i++) {
      const engine = visible[i % visible.length]!;
      const name = containerName(engine, WATCHED);
      // Armed before the event: resolves with the wall-clock time the row shows the change.
      await page.evaluate((name) => {
        const rowOf = () =>
          [...document.querySelectorAll('tr, [role="row"]')].find((r) => (r.textContent ?? "").includes(name));
        const initial = rowOf()?.textContent ?? "";
        const wasRunning = /running/i.test(initial) && !/exited/i.test(initial);
        const changed = () => {
          const text = rowOf()?.textContent ?? "";
          return wasRunning ? /exited/i.test(text) && !/running/i.test(text) : /running/i.test(text);
        };
        (window as { __changed?: Promise<number> }).__changed = new Promise<number>((resolve) => {
          const observer = new MutationObserver(() => {
            if (!changed()) return;
            observer.disconnect();
            resolve(performance.timeOrigin + performance.now());
          });
          observer.observe(document.body, { childList: true, subtree: true, characterData: true });
        });
      }, name);
      const { emittedAt } = await fleet.toggle(engine, WATCHED);
      const seenAt = await Promise.race([
        page.evaluate(() => (window as { __changed?: Promise<number> }).__changed!),
        sleep(10_000).then(() => undefined),
      ]);
      if (seenAt === undefined) {
        missed++;
        samples.push(10_000);
        log(`  event ${i + 1}/${EVENTS}: ${name} not updated within 10 s`);
        await page.reload();
        await sleep(2_000);
        continue;
      }
      const outcome = { at: seenAt };
      samples.push(outcome.at - emittedAt);
      if ((i + 1) % 10 === 0) log(`  event to row ${i + 1}/${EVENTS}: last ${(outcome.at - emittedAt).toFixed(0)} ms`);
      await sleep(250);
    }
  } finally {
    churning = false;
    await churn;
  }
  return { samples, missed };
}

// ---- a phase -------------------------------------------------------------------------------------

interface PhaseFigures {
  engines: number;
  idleCpuPercent: number;
  list: ListFigures;
  firstRow: number[];
  scroll?: { fps: number; frames: number; worstMs: number };
  keystrokes?: number[];
  eventToRow: { samples: number[]; missed: number };
  eventToStream: number[];
  engineRequests: Record<string, number>;
}

async function phase(engines: number, browser: Browser): Promise<PhaseFigures> {
  const perEngine = Math.round(TOTAL_CONTAINERS / engines);
  log(`\n== ${engines} engines x ${perEngine} containers`);
  const fleet = await FakeFleet.start(engines, perEngine);
  log(`  fake engines up (pid ${fleet.pid}) in ${fleet.dir}`);
  try {
    const server = await StevedoreServer.start({
      repoRoot,
      mode: "production",
      watch: true,
      log,
      ...(args["cpu-prof"] ? { cpuProfileDir: path.resolve(args["cpu-prof"]) } : {}),
    });
    try {
      const { api, cookie } = await setUpAdmin(server);
      try {
        const registered = performance.now();
        await registerFleet(api, fleet);
        log(
          `  ${engines} environments registered and warm in ${((performance.now() - registered) / 1000).toFixed(1)} s`,
        );
        await sleep(2_000);
        const idleCpuPercent = await measureIdleCpu(server);
        log(`  idle CPU over ${IDLE_SECONDS} s: ${idleCpuPercent.toFixed(1)} % of one core`);
        const list = await measureList(api, fleet);
        log(
          `  containers.list: median ${summarize(list.stevedore).median.toFixed(0)} ms ` +
            `(${(list.bytes / 1e6).toFixed(1)} MB; as a browser asks: ${summarize(list.gzip).median.toFixed(0)} ms, ` +
            `${(list.gzipBytes / 1e6).toFixed(2)} MB), raw fan-out ${summarize(list.raw).median.toFixed(0)} ms`,
        );

        const eventToStream = await measureEventToStream(api, server.origin, fleet);
        const streamSummary = summarize(eventToStream);
        log(
          `  event to fleet.changes (server side): median ${streamSummary.median.toFixed(0)} ms, ` +
            `p95 ${streamSummary.p95.toFixed(0)} ms`,
        );

        const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
        // The sign-in sets more than one cookie (the session and the device): each its own.
        await context.addCookies(
          cookie.split("; ").map((pair) => {
            const [name, value] = pair.split(/=(.*)/s);
            return { name: name!, value: value!, url: server.origin };
          }),
        );
        try {
          const firstRow = await measureFirstRow(context, server.origin);
          const page = await context.newPage();
          try {
            const last = engines === Math.max(...SIZES);
            const scroll = last ? await measureScroll(page, server.origin) : undefined;
            if (scroll)
              log(
                `  scroll: ${scroll.fps.toFixed(1)} fps over ${scroll.frames} frames, worst ${scroll.worstMs.toFixed(0)} ms`,
              );
            const keystrokes = last ? await measureKeystrokes(page, server.origin) : undefined;
            const eventToRow = await measureEventToRow(page, server.origin, fleet);
            const s = summarize(eventToRow.samples);
            log(
              `  event to row: median ${s.median.toFixed(0)} ms, p95 ${s.p95.toFixed(0)} ms, max ${s.max.toFixed(0)} ms`,
            );
            return {
              engines,
              idleCpuPercent,
              list,
              firstRow,
              ...(scroll ? { scroll } : {}),
              ...(keystrokes ? { keystrokes } : {}),
              eventToRow,
              eventToStream,
              engineRequests: (await fleet.requests()).requests,
            };
          } finally {
            await page.close();
          }
        } finally {
          await context.close();
        }
      } finally {
        api.close();
      }
    } finally {
      await server.stop();
      log(`  stopped Stevedore pid ${server.pid}`);
    }
  } finally {
    await fleet.stop();
  }
}

// ---- main ----------------------------------------------------------------------------------------

function ensureProductionBuild(): void {
  const run = spawnSync(process.execPath, ["scripts/ensure-build.mjs"], { cwd: repoRoot, stdio: "inherit" });
  if (run.status !== 0) throw new Error("the production build failed");
}

async function main(): Promise<void> {
  const started = performance.now();
  const load = () =>
    os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ");
  log(`bench:scale on ${os.cpus().length} CPU(s) (${os.cpus()[0]?.model ?? "?"}), load average ${load()}`);
  ensureProductionBuild();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
  const phases: PhaseFigures[] = [];
  try {
    for (const size of SIZES) phases.push(await phase(size, browser));
  } finally {
    await browser.close();
  }

  log(`\n${"figure".padEnd(34)}${SIZES.map((s) => `${s} engines`.padStart(14)).join("")}`);
  const line = (label: string, value: (p: PhaseFigures) => string) =>
    log(`${label.padEnd(34)}${phases.map((p) => value(p).padStart(14)).join("")}`);
  const median = (xs: number[]) => summarize(xs).median;
  line("containers.list median ms", (p) => median(p.list.stevedore).toFixed(0));
  line("raw parallel fan-out median ms", (p) => median(p.list.raw).toFixed(0));
  line("list ratio", (p) => (median(p.list.stevedore) / median(p.list.raw)).toFixed(2));
  line(
    "list answer MB (compressed)",
    (p) => `${(p.list.bytes / 1e6).toFixed(1)} (${(p.list.gzipBytes / 1e6).toFixed(2)})`,
  );
  line("list as a browser asks, ms", (p) => median(p.list.gzip).toFixed(0));
  line("first row median ms", (p) => median(p.firstRow).toFixed(0));
  line("event to row median / p95 ms", (p) => {
    const s = summarize(p.eventToRow.samples);
    return `${s.median.toFixed(0)} / ${s.p95.toFixed(0)}`;
  });
  line("event to stream median / p95 ms", (p) => {
    const s = summarize(p.eventToStream);
    return `${s.median.toFixed(0)} / ${s.p95.toFixed(0)}`;
  });
  line("idle CPU % of one core", (p) => p.idleCpuPercent.toFixed(1));
  line("engine requests: /containers/json", (p) => String(p.engineRequests["/containers/json"] ?? 0));
  log(`load average now ${load()}; took ${((performance.now() - started) / 1000).toFixed(0)} s`);

  const results: Array<[string, number]> = [];
  for (const p of phases) {
    const tag = `${p.engines}env`;
    results.push([`scale.list.${tag}.ratio`, round(median(p.list.stevedore) / median(p.list.raw), 2)]);
    results.push([`scale.page.first_row.${tag}.ms`, Math.round(median(p.firstRow))]);
    results.push([`scale.event_to_row.${tag}.p95_ms`, Math.round(summarize(p.eventToRow.samples).p95)]);
    results.push([`scale.event_to_stream.${tag}.p95_ms`, Math.round(summarize(p.eventToStream).p95)]);
    results.push([`scale.server.cpu_idle.${tag}.percent`, round(p.idleCpuPercent, 1)]);
    if (p.scroll) results.push(["scale.page.scroll_fps.10k", round(p.scroll.fps, 1)]);
    if (p.keystrokes) results.push(["scale.search.keystroke.10k.ms", Math.round(median(p.keystrokes))]);
  }
  log("");
  for (const [figure, value] of results) log(`RESULT ${figure} ${value}`);
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    killActiveServersNow();
    killFakeFleetsNow();
    process.exit(130);
  });
}
process.on("exit", () => {
  killActiveServersNow();
  killFakeFleetsNow();
});

main().catch(async (error: unknown) => {
  console.error(`bench:scale failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  for (const server of [...activeServers]) await server.stop().catch(() => undefined);
  killFakeFleetsNow();
  process.exit(1);
});
