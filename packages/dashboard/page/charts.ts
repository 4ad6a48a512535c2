import type UPlot from 'uplot';

// uPlot's browser build defines this global (the page loads /assets/uPlot.min.js first).
declare const uPlot: typeof UPlot;

/** A CSS custom property of the page (its colours follow light and dark mode). */
export function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

export interface SeriesSpec {
  readonly label: string;
  /** A CSS custom property: `--s1`. */
  readonly color: string;
  /** The right-hand axis (a ratio beside milliseconds). */
  readonly right?: boolean;
  readonly format?: (v: number) => string;
}

const HEIGHT = 220;

function axisStyle(): Pick<UPlot.Axis, 'stroke' | 'grid' | 'ticks'> {
  return { stroke: cssVar('--muted'), grid: { stroke: cssVar('--grid'), width: 1 }, ticks: { stroke: cssVar('--grid'), width: 1 } };
}

/** A plot that fills its element's width and follows it when the page is resized. */
abstract class Chart {
  protected plot: UPlot | null = null;
  private data: UPlot.AlignedData = [[]];

  constructor(protected readonly el: HTMLElement) {
    new ResizeObserver(() => this.plot?.setSize({ width: this.width(), height: HEIGHT })).observe(el);
  }

  protected width(): number {
    return Math.max(200, this.el.clientWidth);
  }

  protected abstract options(): UPlot.Options;

  setData(data: UPlot.AlignedData): void {
    this.data = data;
    if (this.plot) this.plot.setData(data);
    else this.plot = new uPlot(this.options(), data, this.el);
  }

  /** Builds the plot again with the page's colours now (the colour scheme changed). */
  restyle(): void {
    this.plot?.destroy();
    this.plot = null;
    if (this.data[0].length > 0) this.setData(this.data);
  }
}

/** Lines over time: x is Unix seconds. */
export class TimeChart extends Chart {
  constructor(
    el: HTMLElement,
    private readonly series: readonly SeriesSpec[],
  ) {
    super(el);
  }

  protected options(): UPlot.Options {
    const hasRight = this.series.some((s) => s.right);
    return {
      width: this.width(),
      height: HEIGHT,
      legend: { live: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true }, y: { range: (_u, min, max) => [0, Math.max(1, max, min)] }, ...(hasRight ? { r: { range: [0, 1] as UPlot.Range.MinMax } } : {}) },
      axes: [{ ...axisStyle(), space: 64, values: (_u: UPlot, vals: number[]) => vals.map((v) => new Date(v * 1000).toTimeString().slice(0, 8)) }, { ...axisStyle(), size: 64 }, ...(hasRight ? [{ ...axisStyle(), scale: 'r', side: 1 as const, grid: { show: false }, values: (_u: UPlot, vals: number[]) => vals.map((v) => `${Math.round(v * 100)}%`) }] : [])],
      series: [{}, ...this.series.map((s) => ({ label: s.label, stroke: cssVar(s.color), width: 1.5, spanGaps: false, ...(s.right ? { scale: 'r' } : {}), ...(s.format ? { value: (_u: UPlot, v: number | null) => (v === null ? '–' : s.format!(v)) } : {}) }))],
    };
  }
}

/** Bars of a histogram: x is the bucket's index, labelled with its upper bound. */
export class HistogramChart extends Chart {
  private labels: readonly string[] = [];

  setBuckets(labels: readonly string[], counts: readonly number[]): void {
    this.labels = labels;
    this.setData([counts.map((_, i) => i), [...counts]]);
  }

  protected options(): UPlot.Options {
    return {
      width: this.width(),
      height: HEIGHT,
      legend: { show: false },
      cursor: { show: false },
      scales: { x: { time: false, range: (_u, min, max) => [min - 0.5, max + 0.5] }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
      axes: [
        { ...axisStyle(), values: (_u, vals) => vals.map((v) => this.labels[Math.round(v)] ?? ''), space: 44 },
        { ...axisStyle(), size: 64 },
      ],
      series: [{}, { label: 'queries', stroke: cssVar('--s1'), fill: cssVar('--s1'), paths: uPlot.paths.bars!({ size: [0.8, 40] }), points: { show: false } }],
    };
  }
}
