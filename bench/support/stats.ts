// Small statistics for latency samples: median and p95 with linear interpolation between ranks,
// so 30 samples give a p95 between the 28th and 29th rather than jumping to the maximum.

export interface Summary {
  n: number;
  median: number;
  p95: number;
  min: number;
  max: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return Number.NaN;
  const rank = (sorted.length - 1) * p;
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  const a = sorted[low]!;
  const b = sorted[high]!;
  return a + (b - a) * (rank - low);
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    median: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    min: sorted[0] ?? Number.NaN,
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

/** Named sample series, filled round by round. */
export class Samples {
  private readonly series = new Map<string, number[]>();

  add(name: string, ms: number): void {
    const list = this.series.get(name) ?? [];
    list.push(ms);
    this.series.set(name, list);
  }

  get(name: string): number[] {
    return this.series.get(name) ?? [];
  }

  summary(name: string): Summary {
    return summarize(this.get(name));
  }

  names(): string[] {
    return [...this.series.keys()];
  }
}

export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
