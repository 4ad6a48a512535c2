import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Registry } from '@chaindns/core';
import { healthMetrics } from '../src/index.js';

// CoreDNS's plugin/health/overloaded.go names, types and help.
const COREDNS = [
  { name: 'coredns_health_request_duration_seconds', type: 'histogram', help: 'Histogram of the time (in seconds) each request took.' },
  { name: 'coredns_health_request_failures_total', type: 'counter', help: 'The number of times the health check failed.' },
];

test('the metrics are made once per registry, never in the global one', () => {
  const a = new Registry();
  const b = new Registry();
  assert.equal(healthMetrics(a), healthMetrics(a));
  assert.notEqual(healthMetrics(a), healthMetrics(b));
  assert.equal(a.getMetricsAsArray().length, 2);
});

test('names, types and help are CoreDNS\'s and follow the Prometheus naming rules', async () => {
  const registry = new Registry();
  healthMetrics(registry);
  const metrics = await registry.getMetricsAsJSON();
  assert.deepEqual(
    metrics.map((m) => ({ name: m.name, type: String(m.type), help: m.help })),
    COREDNS,
  );
  for (const { name, type } of COREDNS) {
    assert.match(name, /^[a-zA-Z_:][a-zA-Z0-9_:]*$/);
    assert.ok(name.startsWith('coredns_health_'));
    if (type === 'counter') assert.ok(name.endsWith('_total'), name);
    if (type === 'histogram') assert.ok(name.endsWith('_seconds'), name);
  }
});

test('the histogram has CoreDNS\'s slim time buckets and no labels', async () => {
  const registry = new Registry();
  healthMetrics(registry).duration.observe(0.001);
  const text = await registry.metrics();
  const buckets = [...text.matchAll(/^coredns_health_request_duration_seconds_bucket\{le="([^"]+)"\} (\d+)$/gm)].map((m) => [m[1], Number(m[2])]);
  assert.deepEqual(buckets, [['0.00025', 0], ['0.0025', 1], ['0.025', 1], ['0.25', 1], ['2.5', 1], ['+Inf', 1]]);
  assert.match(text, /^coredns_health_request_failures_total 0$/m);
});
