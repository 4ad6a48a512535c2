import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { test } from 'node:test';
import { enterBatch, leaveBatch, type Next, PluginError, Rcode, reply, Registry } from '@chaindns/core';
import { makeRequest, serveWith } from '@chaindns/core/testing';
import { createPrometheus, dnsMetrics } from '../src/index.js';
import { parseExposition, select, value } from './exposition.js';

/** A `next` that enters plugin `name` (as the chain does) and then acts. */
const as =
  (name: string, act: Next): Next =>
  (req, w) => {
    req.plugin = name;
    return act(req, w);
  };

const cases: { title: string; next: Next; rcode: string; plugin: string; throws?: RegExp; sized: boolean }[] = [
  { title: 'a written answer', next: as('file', (req, w) => (w.write(reply(req)), Rcode.NOERROR)), rcode: 'NOERROR', plugin: 'file', sized: true },
  { title: 'a written NXDOMAIN, returned asynchronously', next: as('forward', (req, w) => Promise.resolve().then(() => (w.write(reply(req, { rcode: Rcode.NXDOMAIN })), Rcode.NXDOMAIN))), rcode: 'NXDOMAIN', plugin: 'forward', sized: true },
  { title: 'REFUSED returned unwritten: the server writes it', next: as('acl', () => Rcode.REFUSED), rcode: 'REFUSED', plugin: '', sized: false },
  { title: 'NXDOMAIN returned unwritten: the server answers SERVFAIL', next: as('broken', () => Rcode.NXDOMAIN), rcode: 'SERVFAIL', plugin: '', sized: false },
  { title: 'a PluginError thrown', next: as('forward', () => { throw new PluginError('forward', Rcode.REFUSED, 'no upstream'); }), rcode: 'REFUSED', plugin: '', throws: /no upstream/, sized: false },
  { title: 'a PluginError rejected', next: as('forward', () => Promise.reject(new PluginError('forward', Rcode.SERVFAIL, 'timeout'))), rcode: 'SERVFAIL', plugin: '', throws: /timeout/, sized: false },
  { title: 'a crash', next: as('buggy', () => { throw new TypeError('oops'); }), rcode: 'SERVFAIL', plugin: '', throws: /oops/, sized: false },
];

test('each way a chain can end is counted with the rcode the client gets and the plugin that wrote', async (t) => {
  for (const c of cases) {
    await t.test(c.title, async () => {
      const registry = new Registry();
      const handler = createPrometheus(dnsMetrics(registry).stats);
      const req = makeRequest('example.org', 'A', { zone: 'example.org.' });
      if (c.throws) await assert.rejects(async () => serveWith(handler, req, c.next), c.throws, 'the error goes on to the core');
      else await serveWith(handler, req, c.next);
      const e = parseExposition(await registry.metrics());
      const labels = { server: 'dns://:53', zone: 'example.org.', view: '' };
      assert.deepEqual(
        select(e, 'coredns_dns_responses_total').map((x) => [x.labels.rcode, x.labels.plugin, x.value]),
        [[c.rcode, c.plugin, 1]],
      );
      assert.equal(value(e, 'coredns_dns_requests_total', { ...labels, proto: 'udp', family: '1', type: 'A' }), 1);
      assert.equal(value(e, 'coredns_dns_request_duration_seconds_count', { ...labels, type: 'A' }), 1);
      const size = value(e, 'coredns_dns_response_size_bytes_sum', { ...labels, proto: 'udp' });
      assert.ok(c.sized ? size > 12 : size === 0, `response size ${size}`);
    });
  }
});

test('known types are labelled by name, others "other"; IPv6 clients are family 2', async () => {
  const registry = new Registry();
  const handler = createPrometheus(dnsMetrics(registry).stats);
  const next: Next = (req, w) => (w.write(reply(req)), 0);
  const v6 = { address: 'fd00::1', port: 5300, family: 6 as const };
  for (const type of ['A', 'HTTPS', 'ANY', 'CAA', 65280] as const) await serveWith(handler, makeRequest('example.org', type, { remote: v6, transport: 'tcp' }), next);
  const e = parseExposition(await registry.metrics());
  const types = Object.fromEntries(select(e, 'coredns_dns_requests_total').map((x) => [x.labels.type, x.value]));
  assert.deepEqual(types, { A: 1, HTTPS: 1, ANY: 1, other: 2 });
  assert.ok(select(e, 'coredns_dns_requests_total').every((x) => x.labels.family === '2' && x.labels.proto === 'tcp'));
});

test('the view of the block that served a query is its view label, counted apart', async () => {
  const registry = new Registry();
  const handler = createPrometheus(dnsMetrics(registry).stats);
  const next: Next = (req, w) => (w.write(reply(req)), 0);
  for (const view of ['inside', 'inside', '', 'outside']) {
    const req = makeRequest('example.org', 'A', { zone: 'example.org.' });
    req.view = view;
    await serveWith(handler, req, next);
  }
  const e = parseExposition(await registry.metrics());
  const byView = Object.fromEntries(select(e, 'coredns_dns_requests_total').map((x) => [x.labels.view, x.value]));
  assert.deepEqual(byView, { inside: 2, '': 1, outside: 1 });
  assert.equal(value(e, 'coredns_dns_responses_total', { server: 'dns://:53', zone: 'example.org.', view: 'outside', rcode: 'NOERROR', plugin: '' }), 1);
});

/** Holds the thread for `ms` (a slow synchronous handler). */
function spin(ms: number): void {
  for (const until = performance.now() + ms; performance.now() < until; );
}

const slow: Next = (req, w) => (spin(20), w.write(reply(req)), Rcode.NOERROR);
const fast: Next = (req, w) => (w.write(reply(req)), Rcode.NOERROR);
const later: Next = (req, w) => new Promise((resolve) => setTimeout(() => resolve((w.write(reply(req)), Rcode.NOERROR)), 30));
const durations = (e: ReturnType<typeof parseExposition>, zone: string) => value(e, 'coredns_dns_request_duration_seconds_sum', { server: 'dns://:53', zone, view: '', type: 'A' });

test('in a batch a duration counts from the start of the batch to its end, or to when an awaited answer settled', async () => {
  const registry = new Registry();
  const handler = createPrometheus(dnsMetrics(registry).stats);
  const zones = ['slow.example.', 'fast.example.', 'later.example.'];
  const [a, b, c] = zones.map((zone) => makeRequest(zone, 'A', { zone }));
  // One batch of the native transport: the fast query waits behind the slow one and its answer leaves with theirs.
  enterBatch();
  const answers = [serveWith(handler, a!, slow), serveWith(handler, b!, fast), serveWith(handler, c!, later)];
  leaveBatch();
  await Promise.all(answers);
  const e = parseExposition(await registry.metrics());
  assert.ok(durations(e, 'slow.example.') >= 0.02, `slow: ${durations(e, 'slow.example.')}`);
  assert.ok(durations(e, 'fast.example.') >= 0.02, `the fast query waited for the slow one: ${durations(e, 'fast.example.')}`);
  assert.ok(durations(e, 'later.example.') >= 0.05, `the asynchronous answer counts until it settles, after the batch: ${durations(e, 'later.example.')}`);
  assert.ok(durations(e, 'later.example.') < 1);
});

test('outside a batch (dgram, TCP) a duration is the time of the query alone, counted at once', async () => {
  const registry = new Registry();
  const handler = createPrometheus(dnsMetrics(registry).stats);
  const [a, b] = ['slow.example.', 'fast.example.'].map((zone) => makeRequest(zone, 'A', { zone }));
  handler.serveDNS(a!, { write: () => {} }, slow);
  handler.serveDNS(b!, { write: () => {} }, fast);
  const e = parseExposition(await registry.metrics());
  assert.ok(durations(e, 'slow.example.') >= 0.02, `slow: ${durations(e, 'slow.example.')}`);
  assert.ok(durations(e, 'fast.example.') < 0.01, `the fast query counts none of the slow one's time: ${durations(e, 'fast.example.')}`);
});
