import type { Histogram, Registry } from 'prom-client';

/** One histogram series, counted outside prom-client: per-bucket counts (not cumulative), the sum and the count. */
export class Buckets {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  /** `bounds`: the upper bounds, ascending (prom-client's `buckets`). */
  constructor(readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length);
  }

  observe(value: number): void {
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i++;
    if (i < bounds.length) this.counts[i] = this.counts[i]! + 1;
    this.sum += value;
    this.count++;
  }
}

/** One labelled histogram series as the collector reads it. */
export interface Series {
  readonly labels: Readonly<Record<string, string>>;
  readonly buckets: Buckets;
}

interface Sample {
  metricName: string;
  labels: Record<string, string | number>;
  value: number;
}

/**
 * A histogram whose series live outside prom-client (Buckets a plugin bumps on
 * its hot path without hashing a label set, as prom-client's `labels()`
 * children do on every call) and are read at scrape time. prom-client has no
 * public way to export such data as a histogram, so this object keeps the
 * registry's runtime contract for a metric: `name`, `help`, `type`,
 * `aggregator`, `get()` (JSON and cluster aggregation), `reset()`.
 */
export class HistogramCollector {
  readonly type = 'histogram';
  readonly aggregator = 'sum';

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly series: () => Iterable<Series>,
  ) {}

  /** Registers it in `registry`, as prom-client's own metrics do with `registers: [registry]`. */
  register(registry: Registry): this {
    // The Registry's typings list only its own classes; at run time it takes any object with the contract above.
    registry.registerMetric(this as unknown as Histogram);
    return this;
  }

  get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: Sample[] }> {
    const values: Sample[] = [];
    for (const { labels, buckets } of this.series()) {
      if (buckets.count === 0) continue;
      let cumulative = 0;
      buckets.bounds.forEach((le, i) => {
        cumulative += buckets.counts[i]!;
        values.push({ metricName: `${this.name}_bucket`, labels: { ...labels, le }, value: cumulative });
      });
      values.push(
        { metricName: `${this.name}_bucket`, labels: { ...labels, le: '+Inf' }, value: buckets.count },
        { metricName: `${this.name}_sum`, labels: { ...labels }, value: buckets.sum },
        { metricName: `${this.name}_count`, labels: { ...labels }, value: buckets.count },
      );
    }
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values });
  }

  /** Counts are cumulative for the life of the server (as CoreDNS's); the registry's reset leaves them. */
  reset(): void {}
}
