import { Registry } from '@chaindns/core';
import promAggregators from './prom-aggregators.cjs';

/** One metric family as prom-client's getMetricsAsJSON gives it: plain data, so it crosses threads. */
export interface MetricFamily {
  readonly name: string;
  readonly help: string;
  readonly type: string;
  readonly aggregator: string;
  readonly values: readonly { readonly value: number; readonly labels: Readonly<Record<string, string | number>>; readonly metricName?: string }[];
}

/**
 * The primary's registry, whose /metrics is the process's: its own metrics
 * with the other workers' summed in (each family by its `aggregator`, as
 * prom-client combines cluster workers: `sum` unless the metric says
 * otherwise). A worker that does not answer within the scrape is left out.
 */
export class WorkersRegistry extends Registry {
  constructor(private readonly others: () => Promise<MetricFamily[][]>) {
    super();
  }

  override async metrics(): Promise<string> {
    const [own, others] = await Promise.all([this.getMetricsAsJSON(), this.others()]);
    return combine(own as unknown as MetricFamily[], others).metrics();
  }
}

/**
 * A registry that holds `own` with `others` combined into it family by
 * family. The families only `own` has (the process's, Node.js's: the other
 * workers do not register them) are kept as they are, whatever their
 * aggregator: prom-client's `omit` on process_start_time_seconds is for
 * cluster processes that each have one.
 */
export function combine(own: readonly MetricFamily[], others: readonly (readonly MetricFamily[])[]): Registry {
  const theirs = new Map<string, MetricFamily[]>();
  for (const list of others) {
    for (const family of list) {
      const same = theirs.get(family.name);
      if (same) same.push(family);
      else theirs.set(family.name, [family]);
    }
  }
  const out = new Registry();
  const add = (family: MetricFamily | undefined): void => {
    // The registry takes any object with a name and get(), as prom-client's own aggregate does.
    if (family) out.registerMetric({ ...family, get: () => family } as unknown as Parameters<Registry['registerMetric']>[0]);
  };
  const aggregate = (families: MetricFamily[]): MetricFamily | undefined => {
    const by = promAggregators.aggregators[families[0]!.aggregator as keyof typeof promAggregators.aggregators] ?? promAggregators.aggregators.sum;
    return by(families as Parameters<typeof by>[0]);
  };
  for (const family of own) {
    const same = theirs.get(family.name);
    theirs.delete(family.name);
    add(same ? aggregate([family, ...same]) : family);
  }
  for (const families of theirs.values()) add(aggregate(families));
  return out;
}
