import { describe, expect, it } from "vitest";
import { JsonLines, StatsCalculator, type RawStats } from "./stats";

const sample = (over: { read: string; total: number; system: number; rx: number; read_b: number }): RawStats => ({
  read: over.read,
  cpu_stats: { cpu_usage: { total_usage: over.total }, system_cpu_usage: over.system, online_cpus: 2 },
  memory_stats: {
    usage: 100 * 1024 * 1024,
    limit: 1024 * 1024 * 1024,
    stats: { total_inactive_file: 20 * 1024 * 1024 },
  },
  networks: { eth0: { rx_bytes: over.rx, tx_bytes: over.rx / 2 }, eth1: { rx_bytes: 1000, tx_bytes: 0 } },
  blkio_stats: {
    io_service_bytes_recursive: [
      { op: "Read", value: over.read_b },
      { op: "Write", value: 0 },
    ],
  },
  pids_stats: { current: 3 },
});

describe("StatsCalculator (docker stats' formulas)", () => {
  it("computes CPU from the previous sample when precpu is empty (one-shot)", () => {
    const calc = new StatsCalculator();
    const first = calc.next(sample({ read: "2026-01-01T00:00:00Z", total: 1e9, system: 100e9, rx: 0, read_b: 0 }));
    expect(first.cpuPercent).toBeNull();
    expect(first.netRxRate).toBeNull();
    // 0.5 s of CPU while the host counted 4 s (2 s on each of 2 CPUs): 0.5 / 4 × 2 CPUs × 100 = 25 %.
    const second = calc.next(
      sample({ read: "2026-01-01T00:00:02Z", total: 1.5e9, system: 104e9, rx: 2048, read_b: 4096 }),
    );
    expect(second.cpuPercent).toBeCloseTo(25, 5);
    expect(second.netRxRate).toBe(1024);
    expect(second.blockReadRate).toBe(2048);
    expect(second.pids).toBe(3);
  });

  it("leaves reclaimable page cache out of memory", () => {
    const s = new StatsCalculator().next(
      sample({ read: "2026-01-01T00:00:00Z", total: 0, system: 1, rx: 0, read_b: 0 }),
    );
    expect(s.memoryBytes).toBe(80 * 1024 * 1024);
    expect(s.memoryPercent).toBeCloseTo((80 / 1024) * 100, 5);
    expect(s.netRxBytes).toBe(1000);
  });

  it("uses precpu_stats when the engine filled it in (a stream)", () => {
    const raw = sample({ read: "2026-01-01T00:00:01Z", total: 3e9, system: 10e9, rx: 0, read_b: 0 });
    raw.precpu_stats = { cpu_usage: { total_usage: 2e9 }, system_cpu_usage: 8e9, online_cpus: 2 };
    expect(new StatsCalculator().next(raw).cpuPercent).toBeCloseTo(100, 5);
  });

  it("splits a stream of JSON documents across chunk boundaries", () => {
    const lines = new JsonLines();
    expect(lines.push(Buffer.from('{"a":1}\n{"a"'))).toEqual([{ a: 1 }]);
    expect(lines.push(Buffer.from(":2}\n"))).toEqual([{ a: 2 }]);
  });
});
