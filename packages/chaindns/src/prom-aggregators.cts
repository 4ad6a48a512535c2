// prom-client's aggregators for cluster metrics (sum, first, min, max, average, omit), required
// from CommonJS as core's ./prom-client.cts does, without prom-client's index. The module path is
// not prom-client's public API, so package.json pins its exact version, as core's does.
import type { Aggregator } from 'prom-client';

interface Family {
  name: string;
  help: string;
  type: string;
  aggregator: string;
  values: { value: number; labels: Record<string, string | number>; metricName?: string }[];
}

export = require('prom-client/lib/metricAggregators') as { aggregators: Record<Aggregator, (families: Family[]) => Family | undefined> };
