// Resource usage of containers, computed from the engine's raw stats the way `docker stats`
// computes it (docker/cli, cli/command/container/stats_helpers.go):
//
//   CPU %     = (Δ cpu_stats.cpu_usage.total_usage / Δ cpu_stats.system_cpu_usage)
//               × online CPUs × 100, where Δ is against the previous sample (precpu_stats
//               when the engine filled it in, else the sample we saw before). 100 % is one
//               CPU busy; a container using two CPUs shows 200 %.
//   memory    = memory_stats.usage − page cache that can be reclaimed: total_inactive_file
//               (cgroup v1) or inactive_file (cgroup v2), when smaller than usage.
//   memory %  = memory / memory_stats.limit × 100 (the limit is the host's memory when the
//               container has none).
//   net rx/tx = Σ over interfaces of rx_bytes / tx_bytes; rates are Δ bytes / Δ read time.
//   block I/O = Σ of io_service_bytes_recursive entries whose op is read / write (cgroup v1
//               says "Read", v2 "read"); rates are Δ bytes / Δ read time.
import type { Readable } from "node:stream";
import type { Fleet } from "./fleet";
import { DockerConflictError } from "./errors";

/** The parts of the engine's stats JSON the figures come from. */
export interface RawStats {
  read?: string;
  preread?: string;
  pids_stats?: { current?: number; limit?: number };
  cpu_stats?: CpuStats;
  precpu_stats?: CpuStats;
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> };
  networks?: Record<string, { rx_bytes?: number; tx_bytes?: number }>;
  blkio_stats?: { io_service_bytes_recursive?: { op?: string; value?: number }[] | null };
}

interface CpuStats {
  cpu_usage?: { total_usage?: number; percpu_usage?: number[] | null };
  system_cpu_usage?: number;
  online_cpus?: number;
}

/** One point of a container's usage. Rates are per second; null until two samples exist. */
export interface StatsSample {
  /** ms since the epoch, from the engine's read time */
  at: number;
  cpuPercent: number | null;
  onlineCpus: number;
  memoryBytes: number;
  memoryLimitBytes: number;
  memoryPercent: number;
  netRxBytes: number;
  netTxBytes: number;
  netRxRate: number | null;
  netTxRate: number | null;
  blockReadBytes: number;
  blockWriteBytes: number;
  blockReadRate: number | null;
  blockWriteRate: number | null;
  pids: number;
}

function memoryUsed(memory: RawStats["memory_stats"]): number {
  const usage = memory?.usage ?? 0;
  const stats = memory?.stats ?? {};
  for (const key of ["total_inactive_file", "inactive_file"]) {
    const cache = stats[key];
    if (cache !== undefined && cache < usage) return usage - cache;
  }
  return usage;
}

function blockBytes(stats: RawStats): { read: number; write: number } {
  let read = 0;
  let write = 0;
  for (const entry of stats.blkio_stats?.io_service_bytes_recursive ?? []) {
    const op = entry.op?.toLowerCase();
    if (op === "read") read += entry.value ?? 0;
    else if (op === "write") write += entry.value ?? 0;
  }
  return { read, write };
}

function networkBytes(stats: RawStats): { rx: number; tx: number } {
  let rx = 0;
  let tx = 0;
  for (const n of Object.values(stats.networks ?? {})) {
    rx += n.rx_bytes ?? 0;
    tx += n.tx_bytes ?? 0;
  }
  return { rx, tx };
}

function onlineCpus(cpu: CpuStats | undefined): number {
  return cpu?.online_cpus || cpu?.cpu_usage?.percpu_usage?.length || 1;
}

function cpuPercent(now: CpuStats | undefined, before: CpuStats | undefined): number | null {
  const total = now?.cpu_usage?.total_usage;
  const system = now?.system_cpu_usage;
  const prevTotal = before?.cpu_usage?.total_usage;
  const prevSystem = before?.system_cpu_usage;
  if (total === undefined || system === undefined || !prevSystem || prevTotal === undefined) return null;
  const cpuDelta = total - prevTotal;
  const systemDelta = system - prevSystem;
  if (systemDelta <= 0 || cpuDelta < 0) return null;
  return (cpuDelta / systemDelta) * onlineCpus(now) * 100;
}

const time = (s: string | undefined) => {
  const t = s ? Date.parse(s) : NaN;
  return Number.isFinite(t) && t > 0 ? t : undefined;
};

/**
 * Turns successive raw samples of one container into figures. It keeps the previous sample,
 * so it also works on one-shot samples (whose precpu_stats the engine leaves empty).
 */
export class StatsCalculator {
  private previous: RawStats | undefined;

  next(raw: RawStats, receivedAt = Date.now()): StatsSample {
    const before = this.previous;
    const at = time(raw.read) ?? receivedAt;
    const prevAt = before ? (time(before.read) ?? at) : undefined;
    const seconds = prevAt !== undefined ? (at - prevAt) / 1000 : 0;
    const precpu = raw.precpu_stats?.system_cpu_usage ? raw.precpu_stats : before?.cpu_stats;
    const memory = memoryUsed(raw.memory_stats);
    const limit = raw.memory_stats?.limit ?? 0;
    const net = networkBytes(raw);
    const block = blockBytes(raw);
    const rate = (now: number, then: number | undefined) =>
      then === undefined || seconds <= 0 ? null : Math.max(0, (now - then) / seconds);
    const prevNet = before ? networkBytes(before) : undefined;
    const prevBlock = before ? blockBytes(before) : undefined;
    this.previous = raw;
    return {
      at,
      cpuPercent: cpuPercent(raw.cpu_stats, precpu),
      onlineCpus: onlineCpus(raw.cpu_stats),
      memoryBytes: memory,
      memoryLimitBytes: limit,
      memoryPercent: limit > 0 ? (memory / limit) * 100 : 0,
      netRxBytes: net.rx,
      netTxBytes: net.tx,
      netRxRate: rate(net.rx, prevNet?.rx),
      netTxRate: rate(net.tx, prevNet?.tx),
      blockReadBytes: block.read,
      blockWriteBytes: block.write,
      blockReadRate: rate(block.read, prevBlock?.read),
      blockWriteRate: rate(block.write, prevBlock?.write),
      pids: raw.pids_stats?.current ?? 0,
    };
  }
}

/** Splits the engine's stream of JSON documents (one per line) into objects. */
export class JsonLines {
  private rest = "";
  private readonly decoder = new TextDecoder();

  push(chunk: Buffer): unknown[] {
    const text = this.rest + this.decoder.decode(chunk, { stream: true });
    const lines = text.split("\n");
    this.rest = lines.pop() ?? "";
    return lines.filter((l) => l.trim()).map((l) => JSON.parse(l) as unknown);
  }
}

/** Throws a DockerConflictError saying why when the container is not running. */
export async function ensureRunning(fleet: Fleet, environmentId: string, id: string): Promise<void> {
  const state = await fleet.call(
    environmentId,
    "container inspect",
    async (docker) => (await docker.getContainer(id).inspect()).State,
  );
  if (!state.Running || state.Paused) {
    throw new DockerConflictError(
      environmentId,
      state.Paused
        ? "The container is paused: it uses no CPU until it is resumed."
        : "The container is not running: start it to see live usage.",
    );
  }
}

/**
 * Live usage of one container, about once a second, until `signal` aborts (check it runs
 * first with ensureRunning: a stopped one's stream sends empty samples).
 */
export async function* containerStats(
  fleet: Fleet,
  environmentId: string,
  id: string,
  signal: AbortSignal,
): AsyncGenerator<StatsSample> {
  const stream = await fleet.openStream<Readable>(
    environmentId,
    "container stats",
    async (docker) => (await docker.getContainer(id).stats({ stream: true })) as unknown as Readable,
    { signal },
  );
  const calculator = new StatsCalculator();
  const lines = new JsonLines();
  try {
    for await (const chunk of stream) {
      for (const raw of lines.push(chunk as Buffer)) yield calculator.next(raw as RawStats);
    }
  } finally {
    stream.destroy();
  }
}

/** One sample now, without waiting for a second one (stream=false&one-shot=true, API 1.41+). */
export function containerStatsOnce(
  fleet: Fleet,
  environmentId: string,
  id: string,
  options: { deadlineMs?: number; signal?: AbortSignal } = {},
): Promise<RawStats> {
  return fleet.call(
    environmentId,
    "container stats",
    async (docker) =>
      (await docker.getContainer(id).stats({ stream: false, "one-shot": true } as { stream: false })) as RawStats,
    { deadlineMs: options.deadlineMs ?? 3_000, signal: options.signal },
  );
}
