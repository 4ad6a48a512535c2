import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Buckets, HistogramCollector, Registry } from '../src/index.js';

test('a HistogramCollector exports Buckets counted outside prom-client as a histogram: cumulative buckets, +Inf, sum and count; empty series are left out', async () => {
  const registry = new Registry();
  const fast = new Buckets([0.001, 0.01, 0.1]);
  const empty = new Buckets([0.001, 0.01, 0.1]);
  for (const v of [0.0005, 0.002, 0.003, 0.5]) fast.observe(v);
  new HistogramCollector('x_duration_seconds', 'How long.', () => [
    { labels: { to: 'a' }, buckets: fast },
    { labels: { to: 'b' }, buckets: empty },
  ]).register(registry);
  const text = await registry.metrics();
  assert.match(text, /# HELP x_duration_seconds How long\.\n# TYPE x_duration_seconds histogram\n/);
  const lines = text.split('\n').filter((l) => l.startsWith('x_duration_seconds'));
  assert.deepEqual(lines, [
    'x_duration_seconds_bucket{to="a",le="0.001"} 1',
    'x_duration_seconds_bucket{to="a",le="0.01"} 3',
    'x_duration_seconds_bucket{to="a",le="0.1"} 3',
    'x_duration_seconds_bucket{to="a",le="+Inf"} 4',
    'x_duration_seconds_sum{to="a"} 0.5055',
    'x_duration_seconds_count{to="a"} 4',
  ]);
});
