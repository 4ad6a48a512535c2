import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Answer, type Next, parseIPv6, QType, Rcode, Registry, reply } from '@chaindns/core';
import { AAAA, assertCase, type Case, makeRequest, serveWith, SOA } from '@chaindns/core/testing';
import { createDns64 } from '../src/index.js';
import { embedIPv4 } from '../src/ipv6.js';
import { dns64Metrics } from '../src/metrics.js';

const soa = { name: 'example.org', type: 'SOA', ttl: 100, data: { mname: 'ns.example.org', rname: 'h.example.org', serial: 1, refresh: 7200, retry: 3600, expire: 1209600, minimum: 100 } } as Answer;

/** The rest of the chain: a zone where `v4.example.org` has A only, `v6.example.org` both, `nx.example.org` nothing, `fail.example.org` fails its AAAA. */
const backend: Next = (req, w) => {
  const name = req.qname;
  if (name === 'nx.example.org.') return (w.write(reply(req, { rcode: Rcode.NXDOMAIN, authorities: [soa] })), Rcode.NXDOMAIN);
  if (name === 'fail.example.org.' && req.qtype === QType.AAAA) return (w.write(reply(req, { rcode: Rcode.SERVFAIL })), Rcode.SERVFAIL);
  if (name === 'silent.example.org.') return Rcode.SERVFAIL;
  if (req.qtype === QType.A) return (w.write(reply(req, { answers: [{ name: req.qnameRaw, type: 'A', ttl: 300, data: '192.0.2.33' }, { name: req.qnameRaw, type: 'A', ttl: 50, data: '192.0.2.34' }] })), 0);
  if (name === 'v6.example.org.') return (w.write(reply(req, { answers: [{ name: req.qnameRaw, type: 'AAAA', ttl: 300, data: '2001:db8::1' }] })), 0);
  return (w.write(reply(req, { authorities: [soa] })), 0);
};

const six = { remote: { address: '::1', port: 5353, family: 6 as const } };

interface Row extends Case {
  readonly options?: { prefix?: string; translateAll?: boolean; allowIPv4?: boolean };
  readonly v4?: boolean;
}

const rows: Row[] = [
  { qname: 'v4.example.org.', qtype: 'AAAA', answer: [AAAA('v4.example.org. 100 IN AAAA 64:ff9b::c000:221'), AAAA('v4.example.org. 50 IN AAAA 64:ff9b::c000:222')] },
  { qname: 'v4.example.org.', qtype: 'AAAA', v4: true, ns: [SOA('example.org. 100 IN SOA ns.example.org. h.example.org. 1 7200 3600 1209600 100')] },
  { qname: 'v4.example.org.', qtype: 'AAAA', v4: true, options: { allowIPv4: true }, answer: [AAAA('v4.example.org. 100 IN AAAA 64:ff9b::c000:221'), AAAA('v4.example.org. 50 IN AAAA 64:ff9b::c000:222')] },
  { qname: 'v4.example.org.', qtype: 'AAAA', options: { prefix: '64:1337::/64' }, answer: [AAAA('v4.example.org. 100 IN AAAA 64:1337::c0:2:2100:0'), AAAA('v4.example.org. 50 IN AAAA 64:1337::c0:2:2200:0')] },
  { qname: 'v6.example.org.', qtype: 'AAAA', answer: [AAAA('v6.example.org. 300 IN AAAA 2001:db8::1')] },
  { qname: 'v6.example.org.', qtype: 'AAAA', options: { translateAll: true }, answer: [AAAA('v6.example.org. 300 IN AAAA 64:ff9b::c000:221'), AAAA('v6.example.org. 50 IN AAAA 64:ff9b::c000:222')] },
  { qname: 'nx.example.org.', qtype: 'AAAA', rcode: Rcode.NXDOMAIN, ns: [SOA('example.org. 100 IN SOA ns.example.org. h.example.org. 1 7200 3600 1209600 100')] },
  { qname: 'fail.example.org.', qtype: 'AAAA', answer: [AAAA('fail.example.org. 300 IN AAAA 64:ff9b::c000:221'), AAAA('fail.example.org. 50 IN AAAA 64:ff9b::c000:222')] },
];

for (const row of rows) {
  test(`dns64: ${row.qname} ${JSON.stringify(row.options ?? {})}${row.v4 ? ' from IPv4' : ''}`, async () => {
    const handler = createDns64({ prefix: '64:ff9b::/96', translateAll: false, allowIPv4: false, ...row.options, metrics: dns64Metrics(new Registry()) });
    const { recorder } = await serveWith(handler, makeRequest(row.qname, 'AAAA', row.v4 ? {} : six), backend);
    assertCase(recorder.packet(), row);
  });
}

test('dns64: A questions pass untouched, and an unwritten chain stays unwritten', async () => {
  const handler = createDns64({ prefix: '64:ff9b::/96', translateAll: false, allowIPv4: false, metrics: dns64Metrics(new Registry()) });
  const a = await serveWith(handler, makeRequest('v4.example.org', 'A', six), backend);
  assert.equal(a.recorder.packet().answers?.length, 2);
  const silent = await serveWith(handler, makeRequest('silent.example.org', 'AAAA', six), backend);
  assert.deepEqual([silent.rcode, silent.recorder.writes], [Rcode.SERVFAIL, 0]);
});

test('dns64: coredns_dns64_requests_translated_total counts translations per server', async () => {
  const registry = new Registry();
  const handler = createDns64({ prefix: '64:ff9b::/96', translateAll: false, allowIPv4: false, metrics: dns64Metrics(registry) });
  for (const name of ['v4.example.org', 'v6.example.org', 'v4.example.org']) await serveWith(handler, makeRequest(name, 'AAAA', six), backend);
  assert.match(await registry.metrics(), /^coredns_dns64_requests_translated_total\{server="dns:\/\/:53"\} 2$/m);
});

test('RFC 6052 2.2: every prefix length, as its table shows 192.0.2.33', () => {
  const cases: [string, number, string][] = [
    ['2001:db8::', 32, '2001:db8:c000:221:0:0:0:0'],
    ['2001:db8:100::', 40, '2001:db8:1c0:2:21:0:0:0'],
    ['2001:db8:122::', 48, '2001:db8:122:c000:2:2100:0:0'],
    ['2001:db8:122:300::', 56, '2001:db8:122:3c0:0:221:0:0'],
    ['2001:db8:122:344::', 64, '2001:db8:122:344:c0:2:2100:0'],
    ['2001:db8:122:344::', 96, '2001:db8:122:344:0:0:c000:221'],
  ];
  for (const [prefix, length, want] of cases) assert.equal(embedIPv4(parseIPv6(prefix)!, length, [192, 0, 2, 33]), want);
  assert.deepEqual([...parseIPv6('::ffff:1.2.3.4')!].slice(10), [0xff, 0xff, 1, 2, 3, 4]);
  assert.equal(parseIPv6('1.2.3.4'), null);
});
