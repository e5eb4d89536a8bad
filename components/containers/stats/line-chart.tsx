// A small line chart in plain SVG: a minute of samples, one or two series, a y scale from 0.
// Hand-written because it is tiny and themes with Tailwind classes like everything else,
// where a charting library would bring its own canvas, styles and bundle for four charts.

export interface Series {
  label: string;
  values: (number | null)[];
  /** Tailwind stroke classes for the line, light and dark */
  stroke: string;
  /** the same colour as background classes, for the legend */
  swatch: string;
}

const WIDTH = 600;
const HEIGHT = 140;

/** A round number at or above `value`, so the scale's top reads well (1, 2, 5, 10, 20, …). */
export function niceCeiling(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

function path(values: (number | null)[], slots: number, max: number): string {
  const x = (i: number) => (slots <= 1 ? WIDTH : (i / (slots - 1)) * WIDTH);
  const y = (v: number) => HEIGHT - (Math.min(v, max) / max) * HEIGHT;
  const offset = slots - values.length;
  let d = "";
  let pen = false;
  values.forEach((v, i) => {
    if (v === null) {
      pen = false;
      return;
    }
    d += `${pen ? "L" : "M"}${x(i + offset).toFixed(1)},${y(v).toFixed(1)}`;
    pen = true;
  });
  return d;
}

export function LineChart({
  title,
  series,
  format,
  slots = 60,
  minMax = 1,
  max: fixedMax,
}: {
  title: string;
  series: Series[];
  format: (value: number) => string;
  /** how many samples fit across */
  slots?: number;
  /** the scale's top is at least this */
  minMax?: number;
  /** a fixed top (a memory limit, say) */
  max?: number;
}) {
  const seen = series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const max = fixedMax ?? niceCeiling(Math.max(minMax, ...seen));
  const latest = series.map((s) => {
    const last = [...s.values].reverse().find((v) => v !== null);
    return `${s.label} ${last === undefined || last === null ? "—" : format(last)}`;
  });
  const points = Math.max(0, ...series.map((s) => s.values.length));
  return (
    <figure className="rounded-lg border border-border bg-surface p-4">
      <figcaption className="mb-2 flex flex-wrap items-baseline justify-between gap-2">
        <span className="text-sm font-semibold">{title}</span>
        <span className="flex flex-wrap gap-3 text-xs text-muted">
          {series.map((s, i) => (
            <span key={s.label} className="inline-flex items-center gap-1">
              <span aria-hidden className={`inline-block h-0.5 w-3 ${s.swatch}`} />
              {latest[i]}
            </span>
          ))}
        </span>
      </figcaption>
      <div className="flex gap-2">
        <div className="flex w-16 shrink-0 flex-col justify-between text-right font-mono text-[10px] text-subtle">
          <span>{format(max)}</span>
          <span>{format(max / 2)}</span>
          <span>{format(0)}</span>
        </div>
        <svg
          role="img"
          aria-label={`${title}: ${latest.join(", ")}`}
          data-points={points}
          viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
          preserveAspectRatio="none"
          className="h-32 min-w-0 flex-1"
        >
          {[0, 0.5, 1].map((f) => (
            <line
              key={f}
              x1={0}
              x2={WIDTH}
              y1={f * HEIGHT}
              y2={f * HEIGHT}
              vectorEffect="non-scaling-stroke"
              className="stroke-border"
              strokeWidth={1}
            />
          ))}
          {series.map((s) => (
            <path
              key={s.label}
              d={path(s.values, slots, max)}
              fill="none"
              strokeWidth={2}
              strokeLinejoin="round"
              vectorEffect="non-scaling-stroke"
              className={s.stroke}
            />
          ))}
        </svg>
      </div>
    </figure>
  );
}
