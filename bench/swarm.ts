// bench/swarm: a swarm cluster's services list through Stevedore against the raw Docker API of
// its manager, and how fast a change made on the engine reaches a page, in the same run.
//
//   npm run bench:swarm                          measure (makes the bench services, removes them after)
//   npm run bench:swarm -- --iterations 50       more list rounds
//   npm run bench:swarm -- --rounds 40           more live-change rounds
//   npm run bench:swarm -- --keep                leave the bench services running (a second run is faster)
//   npm run bench:swarm -- --cleanup             remove the bench services and stop
//
// What it does: brings the testbed up and, on its three-node swarm, makes 100 replicated services
// of 3 replicas each (300 running tasks, labelled stevedore.bench=swarm), by the raw API. Then a
// Stevedore server (the production build when there is one) on a fresh embedded database, with
// the swarm's three engines added as environments (one cluster), and two phases:
//
//   list   once the cluster's live picture is warm, rounds in which the raw calls a client makes
//          to get the same answer (GET /services and GET /tasks from the manager, at once) and
//          Stevedore's services.list (every service with its running / desired tasks) alternate,
//          so load from other work on the machine hits both sides alike;
//   live   a page's live feed (swarm.changes over server-sent events, as the Swarm page holds it
//          open) while the bench scales a service up and down by the raw API, as a CLI would:
//          from the moment the engine's request is sent until the feed carries the service's
//          change, and until it carries the task that change made (tasks have no engine events:
//          Stevedore reads them twice a second while a swarm page is open). Beside it, the
//          engine's own event stream (GET /events, type=service) for the same change: the floor.
//
// A ratio is Stevedore's median over the raw median measured in the same phase. Lower is better.
// Targets (#13): swarm.services.list.warm.ratio <= 0.5, swarm.task_event_to_page.ms.median < 1000.
// The last lines are `RESULT <figure> <value>`.
import http from "node:http";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { DockerHttp } from "./support/http";
import { EventStreamReader, type Arrival } from "./support/sse";
import { round, Samples } from "./support/stats";
import {
  activeServers,
  killActiveServersNow,
  preferredMode,
  setUpAdmin,
  sleep,
  StevedoreServer,
  type StevedoreApi,
} from "./support/stevedore";
import { testbedEngines, testbedUp, type Engine } from "./support/testbed";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const FIXTURE_IMAGE = "stevedore-fixture/busybox:latest";
const LABEL = "stevedore.bench";
const LABEL_VALUE = "swarm";
const LIVE_SERVICE = "bench-swarm-live";

const { values: args } = parseArgs({
  options: {
    cleanup: { type: "boolean", default: false },
    keep: { type: "boolean", default: false },
    iterations: { type: "string", default: "30" },
    warmup: { type: "string", default: "5" },
    services: { type: "string", default: "100" },
    replicas: { type: "string", default: "3" },
    rounds: { type: "string", default: "20" },
  },
});
const ITERATIONS = wholeNumber(args.iterations, "--iterations");
const WARMUP = wholeNumber(args.warmup, "--warmup", true);
const SERVICES = wholeNumber(args.services, "--services");
const REPLICAS = wholeNumber(args.replicas, "--replicas");
const ROUNDS = wholeNumber(args.rounds, "--rounds");

function wholeNumber(text: string | undefined, flag: string, zeroOk = false): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < (zeroOk ? 0 : 1)) throw new Error(`${flag} needs a whole number`);
  return value;
}

const log = (line: string) => console.log(line);

// ---- the bench services, by the raw API -----------------------------------------------------

interface RawService {
  ID: string;
  Version: { Index: number };
  Spec: { Name: string; Labels?: Record<string, string>; Mode?: { Replicated?: { Replicas?: number } } };
}

interface RawTask {
  ID: string;
  ServiceID: string;
  DesiredState: string;
  Status: { State: string };
}

const filters = (value: Record<string, string[]>) => encodeURIComponent(JSON.stringify(value));
const benchFilter = filters({ label: [`${LABEL}=${LABEL_VALUE}`] });

function serviceSpec(name: string, replicas: number) {
  return {
    Name: name,
    Labels: { [LABEL]: LABEL_VALUE },
    TaskTemplate: {
      ContainerSpec: { Image: FIXTURE_IMAGE, Command: ["sleep", "86400"], StopGracePeriod: 1_000_000_000 },
      RestartPolicy: { Condition: "none" },
    },
    Mode: { Replicated: { Replicas: replicas } },
  };
}

async function benchServices(manager: DockerHttp): Promise<RawService[]> {
  return manager.json<RawService[]>("GET", `/services?filters=${benchFilter}`);
}

/** Every bench task that should run, running: the swarm converged on what the bench asked. */
async function runningTasks(manager: DockerHttp): Promise<number> {
  const tasks = await manager.json<RawTask[]>("GET", `/tasks?filters=${filters({ "desired-state": ["running"] })}`);
  const ours = new Set((await benchServices(manager)).map((s) => s.ID));
  return tasks.filter((t) => ours.has(t.ServiceID) && t.Status.State === "running").length;
}

async function ensureBenchServices(manager: DockerHttp): Promise<void> {
  const have = new Set((await benchServices(manager)).map((s) => s.Spec.Name));
  const wanted = Array.from({ length: SERVICES }, (_, i) => `bench-swarm-${String(i).padStart(3, "0")}`);
  const missing = wanted.filter((name) => !have.has(name));
  if (missing.length) log(`making ${missing.length} services of ${REPLICAS} replicas on the swarm…`);
  // A few at a time: the manager queues them anyway, and the engines start the containers.
  for (let i = 0; i < missing.length; i += 10) {
    await Promise.all(
      missing.slice(i, i + 10).map((name) => manager.json("POST", "/services/create", serviceSpec(name, REPLICAS))),
    );
  }
  if (!have.has(LIVE_SERVICE)) await manager.json("POST", "/services/create", serviceSpec(LIVE_SERVICE, 1));
  // The live service from one settled task (a run stopped half-way may have left it anywhere).
  const live = (await benchServices(manager)).find((s) => s.Spec.Name === LIVE_SERVICE)!;
  if (live.Spec.Mode?.Replicated?.Replicas !== 1) {
    await manager.json("POST", `/services/${live.ID}/update?version=${live.Version.Index}`, {
      ...live.Spec,
      Mode: { Replicated: { Replicas: 1 } },
    });
  }
  await settled(manager, live.ID, 1);
  const want = SERVICES * REPLICAS + 1;
  const started = performance.now();
  let last = -1;
  for (;;) {
    const running = await runningTasks(manager);
    if (running >= want) break;
    if (running !== last)
      log(`  ${running}/${want} bench tasks running (${((performance.now() - started) / 1000).toFixed(0)} s)`);
    last = running;
    if (performance.now() - started > 900_000)
      throw new Error(`only ${running}/${want} bench tasks running after 15 min`);
    await sleep(2000);
  }
  log(`  ${want} bench tasks running`);
}

async function removeBenchServices(manager: DockerHttp): Promise<void> {
  const services = await benchServices(manager);
  for (const service of services) await manager.request("DELETE", `/services/${service.ID}`);
  if (services.length) log(`removed ${services.length} bench services`);
}

// ---- the list phase -------------------------------------------------------------------------

interface ListedService {
  name: string;
  running: number;
  desired: number;
}

interface EnvironmentRow {
  status: { state: string; pictureWarm: boolean } | null;
}

interface ServicesList {
  items: ListedService[];
  errors: Array<{ message: string }>;
}

/** The bench services converged in Stevedore's answer too: each running all it wants. */
function convergedIn(list: ServicesList): number {
  return list.items.filter((s) => s.name.startsWith("bench-swarm-") && s.running === s.desired && s.desired > 0).length;
}

async function measureList(manager: DockerHttp, api: StevedoreApi, samples: Samples): Promise<void> {
  const wanted = SERVICES + 1;
  const raw = async () => {
    const started = performance.now();
    const [services, tasks] = await Promise.all([
      manager.request("GET", "/services"),
      manager.request("GET", "/tasks"),
    ]);
    const ms = performance.now() - started;
    if (services.status !== 200 || tasks.status !== 200) throw new Error("raw /services or /tasks failed");
    const count = (JSON.parse(services.body.toString("utf8")) as unknown[]).length;
    if (count < wanted) throw new Error(`raw /services lists ${count}, expected ${wanted}+`);
    return ms;
  };
  const stevedore = async () => {
    const answer = await api.timedQuery("services.list");
    if (answer.status !== 200) throw new Error(`services.list: HTTP ${answer.status}: ${answer.body.toString()}`);
    const list = (JSON.parse(answer.body.toString("utf8")) as { result: { data: ServicesList } }).result.data;
    if (list.errors.length) throw new Error(`services.list: ${list.errors.map((e) => e.message).join("; ")}`);
    if (convergedIn(list) < wanted)
      throw new Error(`services.list: ${convergedIn(list)} converged, expected ${wanted}`);
    return answer.ms;
  };
  const rounds = WARMUP + ITERATIONS;
  for (let i = 0; i < rounds; i++) {
    const r = await raw();
    const s = await stevedore();
    if (i >= WARMUP) {
      samples.add("raw", r);
      samples.add("stevedore", s);
    }
    if ((i + 1) % 10 === 0 || i + 1 === rounds) log(`  list: round ${i + 1}/${rounds} (${WARMUP} warm-up)`);
  }
}

// ---- the live phase -------------------------------------------------------------------------

/** The service's tasks as the manager lists them (slot, desired state, state): said when a round fails. */
async function tasksSaid(manager: DockerHttp, serviceId: string): Promise<string> {
  const tasks = await manager.json<Array<RawTask & { Slot?: number }>>(
    "GET",
    `/tasks?filters=${filters({ service: [serviceId] })}`,
  );
  return tasks.map((t) => `${t.ID.slice(0, 8)} slot ${t.Slot ?? "-"} ${t.DesiredState}/${t.Status.State}`).join("; ");
}

/**
 * Waits until the service runs exactly `replicas` tasks and the task a scale-down removed is gone
 * too (earlier tasks of a slot, its history, may stay). Scaling up again while that task is still
 * there (told to go, not gone yet) can leave the swarm with no new task at all: the orchestrator
 * counts the slot as taken and, once the old task is deleted, is not asked again (seen on the
 * test bed's engines, 20.10: a service at 2 replicas with 1 task for minutes). A round that
 * started then waited for a task that the engine never made.
 */
async function settled(manager: DockerHttp, serviceId: string, replicas: number): Promise<void> {
  const started = performance.now();
  for (;;) {
    const tasks = await manager.json<RawTask[]>("GET", `/tasks?filters=${filters({ service: [serviceId] })}`);
    const meant = tasks.filter((t) => t.DesiredState === "running");
    const leaving = tasks.some((t) => t.DesiredState === "remove");
    if (!leaving && meant.length === replicas && meant.every((t) => t.Status.State === "running")) return;
    if (performance.now() - started > 60_000) {
      throw new Error(`the swarm did not settle at ${replicas} within 60 s: ${await tasksSaid(manager, serviceId)}`);
    }
    await sleep(200);
  }
}

type Change =
  | { type: "changes"; events: Array<{ kind: string; type: string; id: string; item?: Record<string, unknown> }> }
  | { type: "resync" | "status"; reason?: string };

/** The engine's own events (GET /events?filters=type=service), each line a JSON object. */
class EngineEvents {
  private readonly request: http.ClientRequest;
  private readonly waiters = new Set<{ match: (e: EngineEvent) => boolean; resolve: (at: number) => void }>();
  private buffer = "";

  constructor(socketPath: string, apiVersion: string) {
    this.request = http.get(
      { socketPath, path: `/v${apiVersion}/events?filters=${filters({ type: ["service"] })}` },
      (res) => {
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => this.feed(chunk, Date.now()));
        res.on("error", () => undefined);
      },
    );
    this.request.on("error", () => undefined);
  }

  next(match: (e: EngineEvent) => boolean): Promise<number> {
    return new Promise((resolve) => this.waiters.add({ match, resolve }));
  }

  close(): void {
    this.request.destroy();
  }

  private feed(chunk: string, at: number): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf("\n")) >= 0) {
      const line = this.buffer.slice(0, end).trim();
      this.buffer = this.buffer.slice(end + 1);
      if (!line) continue;
      const event = JSON.parse(line) as EngineEvent;
      for (const waiter of this.waiters) {
        if (!waiter.match(event)) continue;
        this.waiters.delete(waiter);
        waiter.resolve(at);
      }
    }
  }
}

interface EngineEvent {
  Type: string;
  Action: string;
  Actor: { ID: string };
}

async function measureLive(
  manager: DockerHttp,
  mgrEngine: Engine,
  apiVersion: string,
  server: StevedoreServer,
  api: StevedoreApi,
  environmentId: string,
  samples: Samples,
): Promise<void> {
  const live = (await benchServices(manager)).find((s) => s.Spec.Name === LIVE_SERVICE);
  if (!live) throw new Error(`${LIVE_SERVICE} is missing`);
  const url = new URL(`/api/trpc/swarm.changes`, server.origin);
  url.searchParams.set("input", JSON.stringify({ environmentId }));
  const feed = new EventStreamReader<Change>(url, api.headers);
  const engine = new EngineEvents(mgrEngine.adminSocket, apiVersion);
  const seenTasks = new Set<string>();
  const taskKey = (e: { id: string; item?: Record<string, unknown> }) => `${e.id}:${String(e.item?.desiredState)}`;
  const eventsOf = (data: Change) => (data.type === "changes" ? data.events : []);
  // What the feed carried about the live service in this round: said when a round times out.
  let carried: string[] = [];
  void feed.next((data) => {
    if (data.type !== "changes") carried.push(data.type);
    for (const e of eventsOf(data)) {
      if (e.id === live.ID || e.item?.serviceId === live.ID) {
        carried.push(`${e.kind} ${e.type} ${e.id.slice(0, 8)} ${JSON.stringify(e.item?.desiredState ?? "")}`);
      }
    }
    return false;
  });
  // Every task of the live service the feed has shown so far, in each desired state.
  const taskOfLive = (data: Change) =>
    eventsOf(data).filter((e) => e.kind === "tasks" && e.item?.serviceId === live.ID);
  // (After this message's other waiters have looked: they ask what the feed had not shown before it.)
  void feed.next((data) => {
    const keys = taskOfLive(data).map(taskKey);
    queueMicrotask(() => keys.forEach((key) => seenTasks.add(key)));
    return false;
  });
  try {
    await Promise.race([
      feed.next((data) => data.type === "resync"),
      sleep(30_000).then(() => {
        throw new Error("swarm.changes did not start within 30 s");
      }),
    ]);
    let replicas = 1;
    for (let i = 0; i < WARMUP + ROUNDS; i++) {
      replicas = replicas === 1 ? 2 : 1;
      const current = await manager.json<RawService>("GET", `/services/${live.ID}`);
      carried = [];
      const timeout = (what: string) =>
        sleep(15_000).then((): Arrival<Change> => {
          throw new Error(
            `${what} did not reach the page within 15 s (round ${i + 1}, scaling to ${replicas}; ` +
              `the feed carried: ${carried.join("; ") || "nothing about the service"})\n${server.logTail(20)}`,
          );
        });
      // A new task (scaling up) or a task told to shut down (scaling down) that the feed had not shown.
      const taskChange = feed.next((data) => taskOfLive(data).some((e) => !seenTasks.has(taskKey(e))));
      const serviceChange = feed.next((data) => eventsOf(data).some((e) => e.kind === "services" && e.id === live.ID));
      const rawEvent = engine.next((e) => e.Type === "service" && e.Action === "update" && e.Actor.ID === live.ID);
      const sent = Date.now();
      await manager.json("POST", `/services/${live.ID}/update?version=${current.Version.Index}`, {
        ...current.Spec,
        Mode: { Replicated: { Replicas: replicas } },
      });
      const [task, service, raw] = await Promise.all([
        Promise.race([
          taskChange,
          timeout("the task change").catch(async (error: Error) => {
            throw new Error(
              `${error.message}\nthe swarm's own tasks of the service now: ${await tasksSaid(manager, live.ID)}`,
            );
          }),
        ]),
        Promise.race([serviceChange, timeout("the service change")]),
        Promise.race([rawEvent, sleep(15_000).then(() => sent + 15_000)]),
      ]);
      if (i >= WARMUP) {
        samples.add("task_event_to_page", task.at - sent);
        samples.add("service_event_to_page", service.at - sent);
        samples.add("service_event_raw", raw - sent);
      }
      await settled(manager, live.ID, replicas);
      await sleep(300);
      if ((i + 1) % 5 === 0) log(`  live: round ${i + 1}/${WARMUP + ROUNDS} (${WARMUP} warm-up)`);
    }
  } finally {
    feed.close();
    engine.close();
  }
}

// ---- main -----------------------------------------------------------------------------------

async function main(): Promise<void> {
  testbedUp(repoRoot);
  const { engines, apiVersion } = testbedEngines(repoRoot);
  const swarmEngines = engines.filter((e) => e.name.startsWith("swarm-"));
  const mgrEngine = swarmEngines.find((e) => e.name === "swarm-mgr")!;
  const manager = new DockerHttp(mgrEngine, apiVersion, "admin");
  try {
    if (args.cleanup) return await removeBenchServices(manager);
    await ensureBenchServices(manager);
    const samples = new Samples();
    const mode = preferredMode(repoRoot);
    // A loaded machine (the engines start 300 tasks beside it) can take minutes to start it.
    const server = await StevedoreServer.start({ repoRoot, mode, watch: true, log, readyTimeoutMs: 600_000 });
    try {
      const { api } = await setUpAdmin(server);
      let managerEnvironment = "";
      for (const engine of swarmEngines) {
        const env = await api.mutate<{ id: string }>("environments.create", { name: engine.name, url: engine.url });
        if (engine === mgrEngine) managerEnvironment = env.id;
      }
      // Warm: every environment's live picture is (services.list answers from a manager's picture
      // when one is warm, and reads the manager live before that), and holds every bench service
      // running all it wants.
      const warmFrom = performance.now();
      for (;;) {
        const environments = await api.query<EnvironmentRow[]>("environments.list");
        const warm = environments.every((e) => e.status?.state === "up" && e.status.pictureWarm);
        const list = await api.query<ServicesList>("services.list").catch(() => ({ items: [], errors: [] }));
        if (warm && convergedIn(list) >= SERVICES + 1) break;
        if (performance.now() - warmFrom > 120_000) throw new Error("the cluster's services did not show within 2 min");
        await sleep(500);
      }
      log(`cluster warm after ${((performance.now() - warmFrom) / 1000).toFixed(1)} s; measuring the list…`);
      await measureList(manager, api, samples);
      const rawList = samples.summary("raw");
      const listed = samples.summary("stevedore");
      log(`RESULT swarm.services.list.raw.ms.median ${round(rawList.median, 2)}`);
      log(`RESULT swarm.services.list.warm.ms.median ${round(listed.median, 2)}`);
      log(`RESULT swarm.services.list.warm.ratio ${round(listed.median / rawList.median, 3)}`);
      log("measuring live changes (raw scale on the manager, the page's feed open)…");
      await measureLive(manager, mgrEngine, apiVersion, server, api, managerEnvironment, samples);
      api.close();
    } finally {
      await server.stop();
    }
    for (const name of samples.names()) {
      const s = samples.summary(name);
      log(`${name}: median ${round(s.median, 1)} ms, p95 ${round(s.p95, 1)} ms, max ${round(s.max, 1)} ms (n=${s.n})`);
    }
    for (const name of ["task_event_to_page", "service_event_to_page", "service_event_raw"]) {
      const s = samples.summary(name);
      log(`RESULT swarm.${name}.ms.median ${round(s.median, 1)}`);
      log(`RESULT swarm.${name}.ms.p95 ${round(s.p95, 1)}`);
    }
  } finally {
    if (!args.keep && !args.cleanup) await removeBenchServices(manager).catch((e: unknown) => console.error(e));
    manager.close();
  }
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    killActiveServersNow();
    process.exit(130);
  });
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    if (activeServers.size) killActiveServersNow();
    process.exit(1);
  },
);
