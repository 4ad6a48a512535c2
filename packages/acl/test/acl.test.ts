import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NO_REPLY, parseCorefile, Rcode, Registry, silentLogger } from '@chaindns/core';
import { makeRequest, serveWith } from '@chaindns/core/testing';
import { acl, createAcl } from '../src/index.js';
import { aclMetrics } from '../src/metrics.js';

/** The handler of a Corefile's acl directives (every one, combined), with a fresh registry. */
function handlerOf(body: string, zones = ['.']) {
  const directives = parseCorefile(`. {\n${body}\n}`).blocks[0]!.directives;
  const config = acl.combine!(directives.map((d) => acl.parse(d, { zones, port: 53, warn: () => {} })));
  const registry = new Registry();
  return { handler: createAcl({ rules: config.rules, metrics: aclMetrics(registry), log: silentLogger }), registry };
}

/** Passes on: answers NOERROR with nothing, as a marker that the query got through. */
const passed = () => Rcode.NOTIMP;

interface Case {
  readonly name: string;
  readonly corefile: string;
  readonly qname?: string;
  readonly qtype?: 'A' | 'AAAA' | 'MX' | 'TXT';
  readonly source: string;
  /** 'next' when the query is passed on, 'none' when dropped, else the rcode written. */
  readonly want: 'next' | 'none' | number;
}

const cases: Case[] = [
  { name: 'block all', corefile: 'acl {\n block\n}', source: '192.168.0.2', want: Rcode.REFUSED },
  { name: 'block by type', corefile: 'acl {\n block type A\n}', source: '192.168.0.2', want: Rcode.REFUSED },
  { name: 'other type passes', corefile: 'acl {\n block type A\n}', qtype: 'MX', source: '192.168.0.2', want: 'next' },
  { name: 'block by net', corefile: 'acl {\n block net 192.168.0.0/16\n}', source: '192.168.1.2', want: Rcode.REFUSED },
  { name: 'other net passes', corefile: 'acl {\n block net 192.168.0.0/16\n}', source: '10.1.1.1', want: 'next' },
  { name: 'single address', corefile: 'acl {\n block net 10.1.1.1\n}', source: '10.1.1.1', want: Rcode.REFUSED },
  { name: 'ipv6 net', corefile: 'acl {\n block net 2001:db8::/32\n}', source: '2001:db8::53', want: Rcode.REFUSED },
  { name: 'ipv6 scope is ignored', corefile: 'acl {\n block net fe80::/10\n}', source: 'fe80::1%eth0', want: Rcode.REFUSED },
  { name: 'allow before block', corefile: 'acl {\n allow net 192.168.1.0/24\n block net 192.168.0.0/16\n}', source: '192.168.1.2', want: 'next' },
  { name: 'block after allow', corefile: 'acl {\n allow net 192.168.1.0/24\n block net 192.168.0.0/16\n}', source: '192.168.2.2', want: Rcode.REFUSED },
  { name: 'allow only', corefile: 'acl {\n allow net 192.168.0.0/24 192.168.1.0/24\n block\n}', source: '10.0.0.1', want: Rcode.REFUSED },
  { name: 'filter', corefile: 'acl {\n filter type A net 192.168.0.0/16\n}', source: '192.168.0.2', want: Rcode.NOERROR },
  { name: 'drop', corefile: 'acl {\n drop net 192.0.2.0/24\n}', source: '192.0.2.1', want: 'none' },
  { name: 'zone of the rule', corefile: 'acl a.example.org {\n block net 192.168.1.0/24\n}', qname: 'a.example.org', source: '192.168.1.2', want: Rcode.REFUSED },
  { name: 'outside the zone', corefile: 'acl a.example.org {\n block net 192.168.1.0/24\n}', qname: 'b.example.org', source: '192.168.1.2', want: 'next' },
  { name: 'a later acl decides when the first has no match', corefile: 'acl {\n block type MX\n}\nacl {\n filter\n}', source: '10.0.0.1', want: Rcode.NOERROR },
  { name: 'an allow ends the rules', corefile: 'acl {\n allow type A\n}\nacl {\n block\n}', source: '10.0.0.1', want: 'next' },
  { name: 'type * and net *', corefile: 'acl {\n block type * net *\n}', source: '10.0.0.1', want: Rcode.REFUSED },
];

for (const c of cases) {
  test(`acl: ${c.name}`, async () => {
    const { handler } = handlerOf(c.corefile);
    const req = makeRequest(c.qname ?? 'example.org', c.qtype ?? 'A', { remote: { address: c.source, port: 5353, family: c.source.includes(':') ? 6 : 4 } });
    const { rcode, recorder } = await serveWith(handler, req, passed);
    if (c.want === 'next') assert.equal(rcode, Rcode.NOTIMP);
    else if (c.want === 'none') assert.deepEqual([rcode, recorder.writes], [NO_REPLY, 0]);
    else {
      assert.equal(recorder.rcode, c.want);
      assert.equal(recorder.packet().answers?.length, 0);
    }
  });
}

test('acl: block and filter carry the extended error CoreDNS sets (Blocked 15, Filtered 17) when the query has EDNS', async () => {
  for (const [action, code] of [['block', 15], ['filter', 17]] as const) {
    const { handler } = handlerOf(`acl {\n ${action}\n}`);
    const { recorder } = await serveWith(handler, makeRequest('example.org', 'A', { edns: { udpSize: 1232 } }), passed);
    const opt = recorder.packet().additionals?.find((r) => r.type === 'OPT') as { options?: { code: number; data?: Buffer }[] } | undefined;
    assert.deepEqual(opt?.options?.map((o) => [o.code, o.data?.readUInt16BE(0)]), [[15, code]]);
  }
});

test('acl: the metrics count by server, zone and view', async () => {
  const { handler, registry } = handlerOf('acl example.org {\n block type A\n filter type AAAA\n drop type MX\n}');
  for (const qtype of ['A', 'AAAA', 'MX', 'TXT'] as const) await serveWith(handler, makeRequest('www.example.org', qtype), passed);
  const text = await registry.metrics();
  for (const line of [
    'coredns_acl_blocked_requests_total{server="dns://:53",zone="example.org.",view=""} 1',
    'coredns_acl_filtered_requests_total{server="dns://:53",zone="example.org.",view=""} 1',
    'coredns_acl_dropped_requests_total{server="dns://:53",zone="example.org.",view=""} 1',
    'coredns_acl_allowed_requests_total{server="dns://:53",view=""} 1',
  ]) assert.ok(text.includes(line), `${line} in\n${text}`);
});
