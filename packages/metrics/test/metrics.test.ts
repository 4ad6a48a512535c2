import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { QType, Registry } from '@chaindns/core';
import { startTestServer, type TestServer } from '@chaindns/core/testing';
import { dnsMetrics, processMetrics, prometheus, SIZE_BUCKETS, TIME_BUCKETS } from '../src/index.js';
import { answer } from './answer-plugin.js';
import { type Exposition, parseExposition } from './exposition.js';

/**
 * CoreDNS's metric names (plugin/metrics/vars/vars.go, metrics.go, the
 * plugins' metrics.go files), copied here: a `coredns_*` name we export must
 * be one of them.
 */
const COREDNS_NAMES = new Set([
  // core and prometheus
  'coredns_build_info',
  'coredns_panics_total',
  'coredns_plugin_enabled',
  'coredns_dns_requests_total',
  'coredns_dns_request_duration_seconds',
  'coredns_dns_request_size_bytes',
  'coredns_dns_do_requests_total',
  'coredns_dns_response_size_bytes',
  'coredns_dns_responses_total',
  'coredns_dns_https_responses_total',
  'coredns_dns_quic_responses_total',
  // health
  'coredns_health_request_duration_seconds',
  'coredns_health_request_failures_total',
  // cache
  'coredns_cache_entries',
  'coredns_cache_requests_total',
  'coredns_cache_hits_total',
  'coredns_cache_misses_total',
  'coredns_cache_prefetch_total',
  'coredns_cache_drops_total',
  'coredns_cache_served_stale_total',
  'coredns_cache_evictions_total',
  // forward
  'coredns_forward_requests_total',
  'coredns_forward_responses_total',
  'coredns_forward_request_duration_seconds',
  'coredns_forward_healthcheck_failures_total',
  'coredns_forward_healthcheck_broken_total',
  'coredns_forward_max_concurrent_rejects_total',
  'coredns_proxy_request_duration_seconds',
  'coredns_proxy_conn_cache_hits_total',
  'coredns_proxy_conn_cache_misses_total',
  // kubernetes
  'coredns_kubernetes_dns_programming_duration_seconds',
  'coredns_kubernetes_rest_client_requests_total',
  'coredns_kubernetes_rest_client_request_duration_seconds',
  'coredns_kubernetes_rest_client_rate_limiter_duration_seconds',
  // reload, hosts, autopath, local
  'coredns_reload_failed_total',
  'coredns_reload_version_info',
  'coredns_hosts_entries',
  'coredns_hosts_reload_timestamp_seconds',
  'coredns_autopath_success_total',
  'coredns_local_localhost_requests_total',
]);

/** What CoreDNS declares for the metrics this package exports: type, labels, help. */
const COREDNS_METRICS: Record<string, { type: string; labels: string[]; help: string }> = {
  coredns_dns_requests_total: { type: 'counter', labels: ['server', 'zone', 'view', 'proto', 'family', 'type'], help: 'Counter of DNS requests made per zone, protocol and family.' },
  coredns_dns_responses_total: { type: 'counter', labels: ['server', 'zone', 'view', 'rcode', 'plugin'], help: 'Counter of response status codes.' },
  coredns_dns_request_duration_seconds: { type: 'histogram', labels: ['server', 'zone', 'view', 'type'], help: 'Histogram of the time (in seconds) each request took per zone.' },
  coredns_dns_request_size_bytes: { type: 'histogram', labels: ['server', 'zone', 'view', 'proto'], help: 'Size of the EDNS0 UDP buffer in bytes (64K for TCP) per zone and protocol.' },
  coredns_dns_response_size_bytes: { type: 'histogram', labels: ['server', 'zone', 'view', 'proto'], help: 'Size of the returned response in bytes.' },
  coredns_dns_do_requests_total: { type: 'counter', labels: ['server', 'zone', 'view'], help: 'Counter of DNS requests with DO bit set per zone.' },
  coredns_plugin_enabled: { type: 'gauge', labels: ['server', 'zone', 'view', 'name'], help: 'A metric that indicates whether a plugin is enabled on per server and zone basis.' },
  coredns_build_info: { type: 'gauge', labels: ['version', 'revision', 'goversion'], help: "A metric with a constant '1' value labeled by version, revision, and goversion from which CoreDNS was built." },
  coredns_panics_total: { type: 'counter', labels: [], help: 'A metrics that counts the number of panics.' },
};

const NON_BASE_UNITS = /_(milliseconds|microseconds|nanoseconds|minutes|hours|days|ms|us|ns|kilobytes|megabytes|gigabytes|kb|mb|gb|bits|percent)(_|$)/;

let s: TestServer;
let e: Exposition;
before(async () => {
  s = await startTestServer('. {\n  prometheus 127.0.0.1:0\n  answer\n}', { plugins: [prometheus, answer] });
  // One query of every kind, so every family has samples to read labels from.
  await s.query('example.org', 'A', { edns: { udpSize: 1232, do: true } });
  await s.query('example.org', QType.TXT, { transport: 'tcp' });
  await s.query('crash.example.org', 'A');
  e = parseExposition(await s.server.registry.metrics());
});
after(() => s.stop());

/** A family's label names, from its samples (a histogram's `le` left out). */
function labelNames(name: string): string[] {
  const own = e.samples.filter((x) => x.name === name || (e.types.get(name) === 'histogram' && x.name.startsWith(`${name}_`)));
  return [...new Set(own.flatMap((x) => Object.keys(x.labels)).filter((l) => l !== 'le'))];
}

test('every exported metric name follows the Prometheus naming rules', () => {
  assert.ok(e.types.size > 20, 'the process metrics are there too');
  for (const [name, type] of e.types) {
    assert.match(name, /^[a-zA-Z_:][a-zA-Z0-9_:]*$/, name);
    if (type === 'counter') assert.match(name, /_total$/, `${name}: a counter ends in _total`);
    else assert.doesNotMatch(name, /_total$/, `${name}: only counters end in _total`);
    if (type === 'histogram' || type === 'summary') assert.match(name, /_(seconds|bytes)$/, `${name}: a distribution is in seconds or bytes`);
    assert.doesNotMatch(name, NON_BASE_UNITS, `${name}: base units only (seconds, bytes)`);
    for (const label of labelNames(name)) assert.match(label, /^[a-zA-Z_][a-zA-Z0-9_]*$/, `${name}{${label}}`);
  }
});

test("every coredns_* name is one of CoreDNS's, with its type, labels and help", () => {
  const ours = [...e.types.keys()].filter((n) => n.startsWith('coredns_'));
  for (const name of ours) assert.ok(COREDNS_NAMES.has(name), `${name} is not a CoreDNS metric`);
  assert.deepEqual(ours.sort(), Object.keys(COREDNS_METRICS).sort(), 'the prometheus plugin exports exactly these');
  for (const [name, want] of Object.entries(COREDNS_METRICS)) {
    assert.equal(e.types.get(name), want.type, `${name}: type`);
    assert.equal(e.helps.get(name), want.help, `${name}: help`);
    assert.deepEqual(labelNames(name).sort(), [...want.labels].sort(), `${name}: labels`);
  }
});

test("the histograms use CoreDNS's buckets", () => {
  assert.deepEqual(TIME_BUCKETS, [0.00025, 0.0005, 0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.024, 2.048, 4.096, 8.192]);
  assert.deepEqual(SIZE_BUCKETS, [0, 100, 200, 300, 400, 511, 1023, 2047, 4095, 8291, 16e3, 32e3, 48e3, 64e3]);
  for (const [name, bounds] of [
    ['coredns_dns_request_size_bytes', SIZE_BUCKETS],
    ['coredns_dns_response_size_bytes', SIZE_BUCKETS],
    ['coredns_dns_request_duration_seconds', TIME_BUCKETS],
  ] as const) {
    const first = e.samples.find((x) => x.name === `${name}_bucket`)!;
    const { le: _, ...series } = first.labels;
    const les = e.samples.filter((x) => x.name === `${name}_bucket` && Object.entries(series).every(([k, v]) => x.labels[k] === v)).map((x) => x.labels.le);
    assert.deepEqual(les, [...bounds.map(String), '+Inf'], name);
  }
});

test('the metrics are created once per registry, never in the global one', () => {
  const a = new Registry();
  const b = new Registry();
  assert.equal(dnsMetrics(a), dnsMetrics(a), 'setup again (another block, a reload) reuses them');
  assert.notEqual(dnsMetrics(a), dnsMetrics(b));
  assert.ok(a.getSingleMetric('coredns_dns_requests_total'));
  assert.equal(a.getSingleMetric('process_cpu_seconds_total'), undefined, 'the process is the primary worker\'s to report');
  processMetrics(a);
  processMetrics(a);
  assert.ok(a.getSingleMetric('process_cpu_seconds_total'), 'process metrics once per registry');
});

test('process_cpu_seconds_total is the CPU time since the process started, as Go reports it, and its halves add up', async () => {
  const spent = process.cpuUsage();
  const before = (spent.user + spent.system) / 1e6;
  const registry = new Registry();
  processMetrics(registry);
  const e = parseExposition(await registry.metrics());
  const read = (name: string): number => e.samples.find((s) => s.name === name)!.value;
  const total = read('process_cpu_seconds_total');
  assert.ok(total >= before, `${total} s: the time before the registry was made (${before} s) counts`);
  assert.ok(Math.abs(read('process_cpu_user_seconds_total') + read('process_cpu_system_seconds_total') - total) < 1e-9);
  assert.equal(e.types.get('process_cpu_seconds_total'), 'counter');
});
