import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LineWriter, type Next, PluginError, Rcode, reply, type ReplyOptions, type ResponseWriter } from '@chaindns/core';
import { makeRequest, Recorder, serveWith } from '@chaindns/core/testing';
import { classOf, COMMON_LOG_FORMAT, createLog, type LogClass, type LogRule } from '../src/index.js';
import { Collector } from './helpers.js';

const soa = { name: 'example.org', type: 'SOA' as const, ttl: 60, data: { mname: 'ns.example.org', rname: 'a.example.org', serial: 1, refresh: 1, retry: 1, expire: 1, minimum: 1 } };
const a = { name: 'x.example.org', type: 'A' as const, ttl: 60, data: '192.0.2.1' };
const ns = { name: 'sub.example.org', type: 'NS' as const, ttl: 60, data: 'ns.sub.example.org' };

/** Replies by kind, and the class CoreDNS gives each. */
const kinds: { kind: string; options: ReplyOptions | null; returns: number; cls: LogClass; rcode: string }[] = [
  { kind: 'answer', options: { answers: [a] }, returns: 0, cls: 'success', rcode: 'NOERROR' },
  { kind: 'empty', options: {}, returns: 0, cls: 'success', rcode: 'NOERROR' },
  { kind: 'delegation', options: { authorities: [ns] }, returns: 0, cls: 'success', rcode: 'NOERROR' },
  { kind: 'nodata', options: { authorities: [soa] }, returns: 0, cls: 'denial', rcode: 'NOERROR' },
  { kind: 'nxdomain-soa', options: { rcode: Rcode.NXDOMAIN, authorities: [soa] }, returns: 3, cls: 'denial', rcode: 'NXDOMAIN' },
  { kind: 'nxdomain-bare', options: { rcode: Rcode.NXDOMAIN }, returns: 3, cls: 'error', rcode: 'NXDOMAIN' },
  { kind: 'servfail-written', options: { rcode: Rcode.SERVFAIL }, returns: 2, cls: 'error', rcode: 'SERVFAIL' },
  { kind: 'refused-unwritten', options: null, returns: Rcode.REFUSED, cls: 'error', rcode: 'REFUSED' },
];

const nextFor =
  (options: ReplyOptions | null, returns: number): Next =>
  (req, w) => {
    if (options) w.write(reply(req, options));
    return returns;
  };

function setup(rules: Partial<LogRule>[]): { handler: ReturnType<typeof createLog>; out: Collector } {
  const out = new Collector();
  const full = rules.map((r) => ({ name: '.', format: '{name} {rcode}', classes: [], minDurationMs: 0, ...r }));
  return { handler: createLog(full, new LineWriter(out)), out };
}

test('replies are classed as CoreDNS does', () => {
  for (const k of kinds) {
    if (!k.options) continue;
    const req = makeRequest('x.example.org', 'A');
    assert.equal(classOf(reply(req, k.options), req.qtype), k.cls, k.kind);
  }
  const axfr = makeRequest('example.org', 'AXFR');
  assert.equal(classOf(reply(axfr, { answers: [a] }), axfr.qtype), 'error', 'a transfer is meta: error');
});

test('class filters which replies are logged', async (t) => {
  for (const wanted of [['success'], ['denial'], ['error'], ['denial', 'error']] as LogClass[][]) {
    await t.test(`class ${wanted.join(' ')}`, async () => {
      const { handler, out } = setup([{ classes: wanted }]);
      for (const k of kinds) await serveWith(handler, makeRequest(`${k.kind}.example.org`, 'A'), nextFor(k.options, k.returns));
      const logged = kinds.filter((k) => wanted.includes(k.cls)).map((k) => `[INFO] ${k.kind}.example.org. ${k.rcode}`);
      assert.deepEqual(out.lines, logged);
    });
  }
});

test('the first rule whose name covers the query logs it; other queries pass untouched', async () => {
  const { handler, out } = setup([
    { name: 'a.example.org.', format: 'first {name}' },
    { name: 'example.org.', format: 'second {name}' },
  ]);
  const seen: ResponseWriter[] = [];
  const next: Next = (req, w) => (seen.push(w), w.write(reply(req)), 0);
  await serveWith(handler, makeRequest('www.a.example.org', 'A'), next);
  await serveWith(handler, makeRequest('b.example.org', 'A'), next);
  const other = await serveWith(handler, makeRequest('example.net', 'A'), next);
  assert.deepEqual(out.lines, ['[INFO] first www.a.example.org.', '[INFO] second b.example.org.']);
  assert.equal(seen[2], other.recorder, 'an unlogged query keeps its writer');
});

test('minDuration logs slow replies whatever their class', async () => {
  const { handler, out } = setup([{ classes: ['denial'], minDurationMs: 20 }]);
  const slow: Next = (req, w) => new Promise((resolve) => setTimeout(() => resolve((w.write(reply(req, { answers: [a] })), 0)), 30));
  await serveWith(handler, makeRequest('fast.example.org', 'A'), nextFor({ answers: [a] }, 0));
  await serveWith(handler, makeRequest('slow.example.org', 'A'), slow);
  assert.deepEqual(out.lines, ['[INFO] slow.example.org. NOERROR']);
});

test('a throw is logged with the rcode the client gets, then goes on', async () => {
  const { handler, out } = setup([{ format: COMMON_LOG_FORMAT }]);
  const cases: [Next, RegExp][] = [
    [() => { throw new PluginError('x', Rcode.REFUSED, 'no'); }, /no/],
    [() => Promise.reject(new PluginError('x', Rcode.NOTIMP, 'later')), /later/],
    [() => { throw new Error('boom'); }, /boom/],
  ];
  for (const [next, error] of cases) await assert.rejects(async () => handler.serveDNS(makeRequest('example.org', 'A'), new Recorder(), next), error);
  assert.deepEqual(out.lines.map((l) => / (\S+) (\S+) (\d+) [\d.]+s$/.exec(l)?.slice(1)), [
    ['REFUSED', '-', '0'],
    ['NOTIMP', '-', '0'],
    ['SERVFAIL', '-', '0'],
  ]);
});
