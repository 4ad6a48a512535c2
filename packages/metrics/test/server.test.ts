import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { buildQuery, QType, VERSION } from '@chaindns/core';
import { decodeReply, exchangeTcp, exchangeUdp, freePort, startTestServer, type TestServer } from '@chaindns/core/testing';
import { prometheus } from '../src/index.js';
import { answer } from './answer-plugin.js';
import { type Exposition, scrape, select, value } from './exposition.js';

const plugins = [prometheus, answer];
const corefile = (address: string): string => `example.org {\n  prometheus ${address}\n  answer\n}\n. {\n  prometheus ${address}\n  answer\n}\nother.test {\n  answer\n}\n`;

interface Sent {
  readonly name: string;
  readonly type: number;
  readonly transport: 'udp' | 'tcp';
  readonly edns?: { udpSize: number; do: boolean };
}

// Real traffic, each query's bytes kept so the test knows the sizes.
const traffic: Sent[] = [
  { name: 'example.org', type: QType.A, transport: 'udp' },
  { name: 'example.org', type: QType.A, transport: 'udp' },
  { name: 'www.Example.org', type: QType.A, transport: 'udp' },
  { name: 'www.example.org', type: QType.AAAA, transport: 'udp', edns: { udpSize: 4096, do: true } },
  { name: 'example.org', type: 65280, transport: 'tcp' },
  { name: 'example.org', type: QType.HTTPS, transport: 'tcp' },
  { name: 'nx.example.org', type: QType.A, transport: 'udp' },
  { name: 'fail.example.org', type: QType.A, transport: 'udp' },
  { name: 'refuse.example.org', type: QType.A, transport: 'udp' },
  { name: 'crash.example.net', type: QType.A, transport: 'udp' },
  { name: 'slow.example.net', type: QType.A, transport: 'tcp' },
  { name: 'a.other.test', type: QType.A, transport: 'udp' },
];

async function send(port: number, q: Sent, id: number): Promise<{ query: Buffer; reply: Buffer }> {
  const query = buildQuery(q.name, q.type, { id, ...(q.edns ? { edns: q.edns } : {}) });
  const reply = await (q.transport === 'tcp' ? exchangeTcp : exchangeUdp)(port, query);
  return { query, reply };
}

let s: TestServer;
let url: string;
let server: string;
let replies: { sent: Sent; query: Buffer; reply: Buffer }[];
let m: Exposition & { contentType: string | null };

before(async () => {
  const metricsPort = await freePort();
  url = `http://127.0.0.1:${metricsPort}/metrics`;
  s = await startTestServer(corefile(`127.0.0.1:${metricsPort}`), { plugins });
  server = `dns://:${s.port}`;
  replies = [];
  for (const [i, sent] of traffic.entries()) replies.push({ sent, ...(await send(s.port, sent, i + 1)) });
  m = await scrape(url);
});
after(() => s.stop());

const inZone = (zone: string, labels: Record<string, string> = {}): Record<string, string> => ({ server, zone, view: '', ...labels });
const sizes = (pick: (r: (typeof replies)[number]) => boolean, of: 'query' | 'reply'): number => replies.filter(pick).reduce((sum, r) => sum + r[of].length, 0);

test('/metrics answers in the Prometheus text format', () => {
  assert.equal(m.contentType, 'text/plain; version=0.0.4; charset=utf-8');
});

test('coredns_dns_requests_total counts by server, zone, view, proto, family and type', () => {
  const rows: [Record<string, string>, number][] = [
    [inZone('example.org.', { proto: 'udp', family: '1', type: 'A' }), 6],
    [inZone('example.org.', { proto: 'udp', family: '1', type: 'AAAA' }), 1],
    [inZone('example.org.', { proto: 'tcp', family: '1', type: 'other' }), 1],
    [inZone('example.org.', { proto: 'tcp', family: '1', type: 'HTTPS' }), 1],
    [inZone('.', { proto: 'udp', family: '1', type: 'A' }), 1],
    [inZone('.', { proto: 'tcp', family: '1', type: 'A' }), 1],
  ];
  for (const [labels, want] of rows) assert.equal(value(m, 'coredns_dns_requests_total', labels), want, JSON.stringify(labels));
  assert.equal(select(m, 'coredns_dns_requests_total').length, rows.length, 'no other series (other.test has no prometheus)');
});

test('coredns_dns_responses_total counts by rcode and the plugin that wrote ("" when the server did)', () => {
  const rows: [Record<string, string>, number][] = [
    [inZone('example.org.', { rcode: 'NOERROR', plugin: 'answer' }), 6],
    [inZone('example.org.', { rcode: 'NXDOMAIN', plugin: 'answer' }), 1],
    [inZone('example.org.', { rcode: 'SERVFAIL', plugin: '' }), 1],
    [inZone('example.org.', { rcode: 'REFUSED', plugin: '' }), 1],
    [inZone('.', { rcode: 'SERVFAIL', plugin: '' }), 1],
    [inZone('.', { rcode: 'NOERROR', plugin: 'answer' }), 1],
  ];
  for (const [labels, want] of rows) assert.equal(value(m, 'coredns_dns_responses_total', labels), want, JSON.stringify(labels));
  assert.equal(select(m, 'coredns_dns_responses_total').length, rows.length);
});

test('coredns_dns_do_requests_total counts queries with the DO bit', () => {
  assert.equal(value(m, 'coredns_dns_do_requests_total', inZone('example.org.')), 1);
  assert.equal(select(m, 'coredns_dns_do_requests_total').length, 1);
});

test('coredns_dns_request_duration_seconds is a histogram by type, with CoreDNS buckets', () => {
  assert.equal(value(m, 'coredns_dns_request_duration_seconds_count', inZone('example.org.', { type: 'A' })), 6);
  assert.equal(value(m, 'coredns_dns_request_duration_seconds_count', inZone('example.org.', { type: 'other' })), 1);
  const slowZone = inZone('.', { type: 'A' });
  const buckets = select(m, 'coredns_dns_request_duration_seconds_bucket', slowZone);
  assert.deepEqual(
    buckets.map((b) => b.labels.le),
    ['0.00025', '0.0005', '0.001', '0.002', '0.004', '0.008', '0.016', '0.032', '0.064', '0.128', '0.256', '0.512', '1.024', '2.048', '4.096', '8.192', '+Inf'],
  );
  assert.ok(buckets.every((b, i) => i === 0 || b.value >= buckets[i - 1]!.value), 'buckets are cumulative');
  assert.equal(value(m, 'coredns_dns_request_duration_seconds_bucket', { ...slowZone, le: '+Inf' }), 2);
  assert.ok(value(m, 'coredns_dns_request_duration_seconds_bucket', { ...slowZone, le: '0.016' }) < 2, 'the 20ms query is above 16ms');
  assert.ok(value(m, 'coredns_dns_request_duration_seconds_sum', slowZone) >= 0.019);
});

test('coredns_dns_request_size_bytes and coredns_dns_response_size_bytes observe the message sizes by proto', () => {
  const exampleUdp = (r: (typeof replies)[number]): boolean => r.sent.transport === 'udp' && /example\.org$/i.test(r.sent.name);
  assert.equal(value(m, 'coredns_dns_request_size_bytes_count', inZone('example.org.', { proto: 'udp' })), 7);
  assert.equal(value(m, 'coredns_dns_request_size_bytes_sum', inZone('example.org.', { proto: 'udp' })), sizes(exampleUdp, 'query'));
  // Replies the server wrote itself (SERVFAIL, REFUSED) count as 0 bytes, as in CoreDNS.
  const written = (r: (typeof replies)[number]): boolean => exampleUdp(r) && [0, 3].includes(decodeReply(r.reply).rcode);
  assert.equal(value(m, 'coredns_dns_response_size_bytes_count', inZone('example.org.', { proto: 'udp' })), 7);
  assert.equal(value(m, 'coredns_dns_response_size_bytes_sum', inZone('example.org.', { proto: 'udp' })), sizes(written, 'reply'));
  assert.equal(value(m, 'coredns_dns_response_size_bytes_bucket', inZone('example.org.', { proto: 'udp', le: '0' })), 2);
  assert.equal(value(m, 'coredns_dns_request_size_bytes_count', inZone('example.org.', { proto: 'tcp' })), 2);
});

test('coredns_plugin_enabled lists the plugins of each block with prometheus, coredns_build_info the version', () => {
  for (const zone of ['example.org.', '.']) {
    for (const name of ['prometheus', 'answer']) assert.equal(value(m, 'coredns_plugin_enabled', inZone(zone, { name })), 1);
  }
  assert.equal(select(m, 'coredns_plugin_enabled').length, 4);
  assert.equal(value(m, 'coredns_build_info', { version: VERSION, revision: '', goversion: process.version }), 1);
});

test('coredns_panics_total (registered by the core) shows the crash; the process metrics are there', () => {
  assert.equal(value(m, 'coredns_panics_total'), 1);
  for (const name of ['process_cpu_seconds_total', 'process_start_time_seconds', 'process_resident_memory_bytes', 'process_virtual_memory_bytes', 'process_open_fds', 'process_max_fds']) {
    assert.ok(value(m, name) > 0, name);
  }
});

test('the nodejs_* metrics are there, but for the GC histogram, whose observer stalls the event loop after every collection', () => {
  for (const name of ['nodejs_eventloop_lag_seconds', 'nodejs_eventloop_lag_p99_seconds', 'nodejs_heap_space_size_used_bytes', 'nodejs_active_handles']) assert.equal(m.types.get(name), 'gauge', name);
  assert.ok(value(m, 'nodejs_heap_size_used_bytes') > 0);
  assert.equal(select(m, 'nodejs_version_info', { version: process.version }).length, 1);
  assert.equal(m.types.get('nodejs_gc_duration_seconds'), undefined);
});

test('only /metrics is served', async () => {
  const res = await fetch(url.replace('/metrics', '/health'));
  assert.equal(res.status, 404);
  assert.equal(await res.text(), '404 page not found\n');
});

test('a reload keeps the listener and the counts; a new address moves the endpoint', async () => {
  const labels = inZone('example.org.', { proto: 'udp', family: '1', type: 'A' });
  const before = value(await scrape(url), 'coredns_dns_requests_total', labels);
  await s.server.reload(corefile(new URL(url).host));
  await send(s.port, traffic[0]!, 100);
  assert.equal(value(await scrape(url), 'coredns_dns_requests_total', labels), before + 1);

  const movedPort = await freePort();
  await s.server.reload(corefile(`127.0.0.1:${movedPort}`));
  await send(s.port, traffic[0]!, 101);
  const moved = await scrape(`http://127.0.0.1:${movedPort}/metrics`);
  assert.equal(value(moved, 'coredns_dns_requests_total', labels), before + 2);
  assert.equal(select(moved, 'coredns_plugin_enabled').length, 4, 'the retired config no longer reports');
  await assert.rejects(fetch(url), 'the old address is closed once no config holds it');
  url = `http://127.0.0.1:${movedPort}/metrics`;
});

test('port 0 takes a free port, logged with the URL; stop closes the listener', async () => {
  const t = await startTestServer('. {\n  prometheus 127.0.0.1:0\n  answer\n}', { plugins });
  let stopped = false;
  try {
    const line = t.logs.find((l) => l.startsWith('[INFO] plugin/prometheus: serving /metrics on '));
    const bound = /on (http:\/\/127\.0\.0\.1:(\d+)\/metrics)$/.exec(line ?? '');
    assert.ok(bound && Number(bound[2]) > 0, `logged: ${line}`);
    await t.query('example.org', 'A');
    assert.equal(value(await scrape(bound[1]!), 'coredns_dns_requests_total', { server: `dns://:${t.port}`, zone: '.', view: '', proto: 'udp', family: '1', type: 'A' }), 1);
    await t.stop();
    stopped = true;
    await assert.rejects(fetch(bound[1]!));
  } finally {
    if (!stopped) await t.stop();
  }
});

test('an address in use fails the start with a clear error', async () => {
  const port = await freePort();
  const taken = net.createServer();
  await new Promise<void>((resolve) => taken.listen(port, '127.0.0.1', resolve));
  try {
    await assert.rejects(startTestServer(`. {\n  prometheus 127.0.0.1:${port}\n  answer\n}`, { plugins }), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'CHAINDNS_STARTUP');
      assert.match(err.message, new RegExp(`cannot listen on http 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`));
      return true;
    });
  } finally {
    await new Promise((resolve) => taken.close(resolve));
  }
});
