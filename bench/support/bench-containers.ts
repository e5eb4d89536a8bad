// The bench's containers: N per engine, labelled stevedore.bench=fleet, created once and reused.
// Most stay "created" (a created container costs the engine a record, not a process); a few run
// so the lists hold the usual mix of states, addresses and uptimes.
import { DockerHttp } from "./http";
import type { Engine } from "./testbed";

export const BENCH_LABEL_KEY = "stevedore.bench";
export const BENCH_LABEL_VALUE = "fleet";
const NAME_PREFIX = "bench-fleet-";

interface ListedContainer {
  Id: string;
  Names?: string[];
  State?: string;
}

export interface EnsureOptions {
  perEngine: number;
  /** How many of them run (indices 0..running-1). */
  running: number;
  /** Creations in flight at once, across all engines. */
  concurrency: number;
  fixtureImage: string;
  apiVersion: string;
  log: (line: string) => void;
}

/** Runs `task` over `items` with at most `limit` in flight. */
export async function mapLimit<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function benchFilter(): string {
  return encodeURIComponent(JSON.stringify({ label: [`${BENCH_LABEL_KEY}=${BENCH_LABEL_VALUE}`] }));
}

async function listBench(docker: DockerHttp): Promise<ListedContainer[]> {
  return docker.json<ListedContainer[]>("GET", `/containers/json?all=1&filters=${benchFilter()}`);
}

function nameOf(index: number): string {
  return `${NAME_PREFIX}${String(index).padStart(3, "0")}`;
}

/** Makes sure every engine holds the bench containers; returns how many each holds now. */
export async function ensureBenchContainers(engines: Engine[], options: EnsureOptions): Promise<Map<string, number>> {
  const clients = engines.map((engine) => new DockerHttp(engine, options.apiVersion, "admin"));
  try {
    type Job = { docker: DockerHttp; index: number; action: "create" | "start" };
    const jobs: Job[] = [];
    for (const docker of clients) {
      const existing = new Map<string, ListedContainer>();
      for (const c of await listBench(docker)) for (const n of c.Names ?? []) existing.set(n.replace(/^\//, ""), c);
      for (let index = 0; index < options.perEngine; index++) {
        const found = existing.get(nameOf(index));
        if (!found) jobs.push({ docker, index, action: "create" });
        else if (index < options.running && found.State !== "running") jobs.push({ docker, index, action: "start" });
      }
    }
    if (jobs.length) {
      const creating = jobs.filter((j) => j.action === "create").length;
      options.log(
        `bench containers: ${creating} to create, ${jobs.length - creating} to start ` +
          `(${options.concurrency} at a time; created once, reused by later runs)`,
      );
      const started = performance.now();
      let done = 0;
      await mapLimit(jobs, options.concurrency, async ({ docker, index, action }) => {
        if (action === "create") await createOne(docker, index, options);
        if (index < options.running) await startOne(docker, index);
        done++;
        if (done % 50 === 0 || done === jobs.length) {
          const seconds = ((performance.now() - started) / 1000).toFixed(1);
          options.log(`  ${done}/${jobs.length} done (${seconds} s)`);
        }
      });
    }
    const counts = new Map<string, number>();
    for (const docker of clients) counts.set(docker.engine.name, (await listBench(docker)).length);
    return counts;
  } finally {
    for (const docker of clients) docker.close();
  }
}

async function createOne(docker: DockerHttp, index: number, options: EnsureOptions): Promise<void> {
  const body = {
    Image: options.fixtureImage,
    Cmd: ["sleep", "2147483647"],
    Labels: {
      [BENCH_LABEL_KEY]: BENCH_LABEL_VALUE,
      "stevedore.bench.index": String(index),
      "stevedore.bench.note": "created by npm run bench:fleet; remove with npm run bench:fleet -- --cleanup",
    },
    // No restart policy: a testbed restart leaves them stopped, and the next run starts the few.
    HostConfig: { RestartPolicy: { Name: "no" } },
  };
  await docker.json("POST", `/containers/create?name=${nameOf(index)}`, body);
}

async function startOne(docker: DockerHttp, index: number): Promise<void> {
  const answer = await docker.request("POST", `/containers/${nameOf(index)}/start`);
  // 304: already running.
  if (answer.status !== 204 && answer.status !== 304) {
    throw new Error(`${docker.engine.name}: starting ${nameOf(index)}: ${answer.status} ${answer.body.toString()}`);
  }
}

/** Removes every container labelled stevedore.bench=fleet from every engine. */
export async function removeBenchContainers(
  engines: Engine[],
  options: Pick<EnsureOptions, "concurrency" | "apiVersion" | "log">,
): Promise<number> {
  const clients = engines.map((engine) => new DockerHttp(engine, options.apiVersion, "admin"));
  try {
    const jobs: Array<{ docker: DockerHttp; id: string }> = [];
    for (const docker of clients) for (const c of await listBench(docker)) jobs.push({ docker, id: c.Id });
    options.log(`removing ${jobs.length} bench container(s)`);
    let done = 0;
    await mapLimit(jobs, options.concurrency, async ({ docker, id }) => {
      const answer = await docker.request("DELETE", `/containers/${id}?force=1&v=1`);
      if (answer.status !== 204 && answer.status !== 404) {
        throw new Error(`${docker.engine.name}: removing ${id}: ${answer.status} ${answer.body.toString()}`);
      }
      if (++done % 100 === 0) options.log(`  ${done}/${jobs.length} removed`);
    });
    return jobs.length;
  } finally {
    for (const docker of clients) docker.close();
  }
}
