import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Handler, type Next, parseRequest, Rcode, Request } from '@chaindns/core';
import { assertCase, type Case, makeRequest, serveWith } from '@chaindns/core/testing';
import type { KubernetesHandlerOptions } from '../src/index.js';
import { handler, SERIAL } from './cluster.js';

const SOA = `cluster.local. 5 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. ${SERIAL} 7200 1800 86400 5`;

/** Passes on without writing: the test sees REFUSED and no message. */
const next: Next = () => Rcode.REFUSED;

async function run(h: Handler, cases: readonly (Case & { truncated?: boolean })[]): Promise<void> {
  for (const c of cases) {
    const { recorder } = await serveWith(h, makeRequest(c.qname, c.qtype as 'A'), next);
    assert.ok(recorder.msg, `${c.qname} ${c.qtype}: nothing written`);
    assertCase(recorder.packet(), { authoritative: true, ...c });
  }
}

// CoreDNS's plugin/kubernetes handler_test.go dnsTestCases, without the wildcard rows (CoreDNS dropped wildcards).
const coreDnsCases: Case[] = [
  { qname: 'svc1.testns.svc.cluster.local.', qtype: 'A', answer: ['svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1'] },
  { qname: 'svcempty.testns.svc.cluster.local.', qtype: 'A', answer: ['svcempty.testns.svc.cluster.local. 5 IN A 10.0.0.1'] },
  { qname: 'svc1.testns.svc.cluster.local.', qtype: 'SRV', answer: ['svc1.testns.svc.cluster.local. 5 IN SRV 0 100 80 svc1.testns.svc.cluster.local.'], extra: ['svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1'] },
  { qname: 'svcempty.testns.svc.cluster.local.', qtype: 'SRV', answer: ['svcempty.testns.svc.cluster.local. 5 IN SRV 0 100 80 svcempty.testns.svc.cluster.local.'], extra: ['svcempty.testns.svc.cluster.local. 5 IN A 10.0.0.1'] },
  { qname: 'svc6.testns.svc.cluster.local.', qtype: 'SRV', answer: ['svc6.testns.svc.cluster.local. 5 IN SRV 0 100 80 svc6.testns.svc.cluster.local.'], extra: ['svc6.testns.svc.cluster.local. 5 IN AAAA 1234:abcd::1'] },
  { qname: '_http._tcp.svc1.testns.svc.cluster.local.', qtype: 'SRV', answer: ['_http._tcp.svc1.testns.svc.cluster.local. 5 IN SRV 0 100 80 svc1.testns.svc.cluster.local.'], extra: ['svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1'] },
  { qname: '_http._tcp.svcempty.testns.svc.cluster.local.', qtype: 'SRV', answer: ['_http._tcp.svcempty.testns.svc.cluster.local. 5 IN SRV 0 100 80 svcempty.testns.svc.cluster.local.'], extra: ['svcempty.testns.svc.cluster.local. 5 IN A 10.0.0.1'] },
  { qname: '_not-udp-or-tcp._proto.svc1.testns.svc.cluster.local.', qtype: 'SRV', rcode: 'NXDOMAIN', ns: [SOA] },
  {
    qname: 'hdls1.testns.svc.cluster.local.',
    qtype: 'A',
    answer: ['172.0.0.2', '172.0.0.3', '172.0.0.4', '172.0.0.5'].map((ip) => `hdls1.testns.svc.cluster.local. 5 IN A ${ip}`),
  },
  { qname: 'hdlsprtls.testns.svc.cluster.local.', qtype: 'A', answer: ['hdlsprtls.testns.svc.cluster.local. 5 IN A 172.0.0.20'] },
  { qname: '172-0-0-20.hdlsprtls.testns.svc.cluster.local.', qtype: 'A', answer: ['172-0-0-20.hdlsprtls.testns.svc.cluster.local. 5 IN A 172.0.0.20'] },
  { qname: '172-0-0-2.hdls1.testns.svc.cluster.local.', qtype: 'A', answer: ['172-0-0-2.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.2'] },
  { qname: '172-0-0-3.hdls1.testns.svc.cluster.local.', qtype: 'A', answer: ['172-0-0-3.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.3'] },
  { qname: 'dup-name.hdls1.testns.svc.cluster.local.', qtype: 'A', answer: ['dup-name.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.4', 'dup-name.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.5'] },
  {
    qname: '_http._tcp.hdls1.testns.svc.cluster.local.',
    qtype: 'SRV',
    answer: ['172-0-0-2', '172-0-0-3', '5678-abcd--1', '5678-abcd--2', 'dup-name'].map((h) => `_http._tcp.hdls1.testns.svc.cluster.local. 5 IN SRV 0 16 80 ${h}.hdls1.testns.svc.cluster.local.`),
    extra: [
      '172-0-0-2.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.2',
      '172-0-0-3.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.3',
      '5678-abcd--1.hdls1.testns.svc.cluster.local. 5 IN AAAA 5678:abcd::1',
      '5678-abcd--2.hdls1.testns.svc.cluster.local. 5 IN AAAA 5678:abcd::2',
      'dup-name.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.4',
      'dup-name.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.5',
    ],
  },
  { qname: '_http._tcp.hdlsprtls.testns.svc.cluster.local.', qtype: 'SRV', rcode: 'NXDOMAIN', ns: [SOA] },
  { qname: 'hdlsprtls.testns.svc.cluster.local.', qtype: 'SRV', answer: [], ns: [SOA] },
  { qname: '5678-abcd--2.hdls1.testns.svc.cluster.local', qtype: 'AAAA', answer: ['5678-abcd--2.hdls1.testns.svc.cluster.local. 5 IN AAAA 5678:abcd::2'] },
  { qname: 'external.testns.svc.cluster.local.', qtype: 'CNAME', answer: ['external.testns.svc.cluster.local. 5 IN CNAME ext.interwebs.test.'] },
  {
    qname: 'external.testns.svc.cluster.local.',
    qtype: 'A',
    truncated: true,
    ordered: true,
    answer: ['external.testns.svc.cluster.local. 5 IN CNAME ext.interwebs.test.', 'ext.interwebs.test. 5 IN A 1.2.3.4'],
  },
  {
    qname: 'external-to-service.testns.svc.cluster.local',
    qtype: 'A',
    ordered: true,
    answer: ['external-to-service.testns.svc.cluster.local. 5 IN CNAME svc1.testns.svc.cluster.local.', 'svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1'],
  },
  { qname: 'external.testns.svc.cluster.local.', qtype: 'SRV', answer: [], ns: [SOA] },
  { qname: '_http._tcp.external.testns.svc.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', ns: [SOA] },
  { qname: 'svc1.testns.svc.cluster.local.', qtype: 'AAAA', answer: [], ns: [SOA] },
  { qname: 'svc0.testns.svc.cluster.local.', qtype: 'AAAA', rcode: 'NXDOMAIN', ns: [SOA] },
  { qname: 'svc0.testns.svc.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', ns: [SOA] },
  { qname: 'svc0.svc-nons.svc.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', ns: [SOA] },
  { qname: 'dns-version.cluster.local.', qtype: 'TXT', answer: ['dns-version.cluster.local. 28800 IN TXT "1.1.0"'] },
  { qname: 'svc1.testns.svc.cluster.local.', qtype: 'TXT', answer: [], ns: [SOA] },
  { qname: 'svc0.svc-nons.svc.cluster.local.', qtype: 'TXT', rcode: 'NXDOMAIN', ns: [SOA] },
  { qname: 'bogusendpoint.hdls1.testns.svc.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', ns: [SOA] },
  { qname: 'bogusendpoint.svc0.testns.svc.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', ns: [SOA] },
  { qname: 'svc6.testns.svc.cluster.local.', qtype: 'AAAA', answer: ['svc6.testns.svc.cluster.local. 5 IN AAAA 1234:abcd::1'] },
  { qname: '_http._tcp.svc6.testns.svc.cluster.local.', qtype: 'SRV', answer: ['_http._tcp.svc6.testns.svc.cluster.local. 5 IN SRV 0 100 80 svc6.testns.svc.cluster.local.'], extra: ['svc6.testns.svc.cluster.local. 5 IN AAAA 1234:abcd::1'] },
  { qname: 'hdls1.testns.svc.cluster.local.', qtype: 'AAAA', answer: ['hdls1.testns.svc.cluster.local. 5 IN AAAA 5678:abcd::1', 'hdls1.testns.svc.cluster.local. 5 IN AAAA 5678:abcd::2'] },
  { qname: '5678-abcd--1.hdls1.testns.svc.cluster.local.', qtype: 'AAAA', answer: ['5678-abcd--1.hdls1.testns.svc.cluster.local. 5 IN AAAA 5678:abcd::1'] },
  { qname: 'svc.cluster.local.', qtype: 'A', answer: [], ns: [SOA] },
  { qname: 'pod.cluster.local.', qtype: 'A', answer: [], ns: [SOA] },
  { qname: 'testns.svc.cluster.local.', qtype: 'A', answer: [], ns: [SOA] },
  { qname: 'svc.cluster.local.', qtype: 'NS', answer: [], ns: [SOA] },
  { qname: 'testns.svc.cluster.local.', qtype: 'NS', answer: [], ns: [SOA] },
  { qname: 'foo.cluster.local.', qtype: 'NS', rcode: 'NXDOMAIN', ns: [SOA] },
  { qname: 'foo.svc.cluster.local.', qtype: 'NS', rcode: 'NXDOMAIN', ns: [SOA] },
  { qname: 'svc-dual-stack.testns.svc.cluster.local.', qtype: 'A', answer: ['svc-dual-stack.testns.svc.cluster.local. 5 IN A 10.0.0.3'] },
  { qname: 'svc-dual-stack.testns.svc.cluster.local.', qtype: 'AAAA', answer: ['svc-dual-stack.testns.svc.cluster.local. 5 IN AAAA 10::3'] },
  {
    qname: 'svc-dual-stack.testns.svc.cluster.local.',
    qtype: 'SRV',
    answer: ['svc-dual-stack.testns.svc.cluster.local. 5 IN SRV 0 50 80 svc-dual-stack.testns.svc.cluster.local.'],
    extra: ['svc-dual-stack.testns.svc.cluster.local. 5 IN A 10.0.0.3', 'svc-dual-stack.testns.svc.cluster.local. 5 IN AAAA 10::3'],
  },
  { qname: 'svc1.testns.svc.cluster.local.', qtype: 'SOA', answer: [], ns: [SOA] },
];

test("CoreDNS's handler table", () => run(handler(), coreDnsCases));

test('the apex: SOA, NS with glue, dns-version, and the negative rules', async () => {
  await run(handler({ localIPs: ['172.0.0.100'] }), [
    { qname: 'cluster.local.', qtype: 'SOA', answer: [SOA], ns: [] },
    { qname: 'cluster.local.', qtype: 'NS', answer: ['cluster.local. 5 IN NS kubedns.kube-system.svc.cluster.local.'], extra: ['kubedns.kube-system.svc.cluster.local. 5 IN A 10.0.0.10'] },
    { qname: 'ns.dns.cluster.local.', qtype: 'A', answer: ['ns.dns.cluster.local. 5 IN A 10.0.0.10'] },
    { qname: 'ns.dns.cluster.local.', qtype: 'AAAA', answer: [], ns: [SOA] },
    { qname: 'cluster.local.', qtype: 'A', answer: [], ns: [SOA] },
    { qname: 'cluster.local.', qtype: 'TXT', answer: [], ns: [SOA] },
    { qname: 'testns.svc.cluster.local.', qtype: 'TXT', answer: [], ns: [SOA] },
    { qname: 'pod.cluster.local.', qtype: 'MX', answer: [], ns: [SOA] },
    { qname: 'nsnoexist.svc.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', ns: [SOA] },
    { qname: 'svc1.testns.svc.cluster.local.', qtype: 'MX', answer: [], ns: [SOA] },
    { qname: 'svc0.testns.svc.cluster.local.', qtype: 'MX', rcode: 'NXDOMAIN', ns: [SOA] },
    { qname: 'a.b.c.d.svc1.testns.svc.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', ns: [SOA] },
    { qname: 'svc1.testns.nosuchkind.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', ns: [SOA] },
  ]);
  // No endpoint is this host: ns.dns.<zone> with the host's own address.
  await run(handler({ localIPs: ['192.0.2.53'] }), [{ qname: 'cluster.local.', qtype: 'NS', answer: ['cluster.local. 5 IN NS ns.dns.cluster.local.'], extra: ['ns.dns.cluster.local. 5 IN A 192.0.2.53'] }]);
});

test('matching is case-insensitive and answers keep the case asked', () =>
  run(handler(), [
    { qname: 'SVC1.TestNS.svc.Cluster.Local.', qtype: 'A', answer: ['svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1'] },
    { qname: 'Dup-Name.HDLS1.testns.SVC.cluster.local.', qtype: 'A', answer: ['dup-name.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.4', 'dup-name.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.5'] },
  ]));

test('readiness: not-ready endpoints are left out unless the service publishes them', () =>
  run(handler(), [
    { qname: '172-0-0-6.hdls1.testns.svc.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', ns: [SOA] },
    { qname: 'notready.testns.svc.cluster.local.', qtype: 'A', answer: ['notready.testns.svc.cluster.local. 5 IN A 172.0.1.1'] },
    { qname: 'nobody.testns.svc.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', ns: [SOA] },
    { qname: '6.0.0.172.in-addr.arpa.', qtype: 'PTR', rcode: 'NXDOMAIN', ns: ['in-addr.arpa. 5 IN SOA ns.dns.in-addr.arpa. hostmaster.in-addr.arpa. 1499347823 7200 1800 86400 5'] },
  ]));

test('endpoint_pod_names names endpoints without a hostname by their pod', async () => {
  await run(handler({ endpointPodNames: true }), [
    { qname: 'web-0.web.testns.svc.cluster.local.', qtype: 'A', answer: ['web-0.web.testns.svc.cluster.local. 5 IN A 172.0.2.1'] },
    { qname: '_http._tcp.web.testns.svc.cluster.local.', qtype: 'SRV', answer: ['_http._tcp.web.testns.svc.cluster.local. 5 IN SRV 0 100 8080 web-0.web.testns.svc.cluster.local.'], extra: ['web-0.web.testns.svc.cluster.local. 5 IN A 172.0.2.1'] },
    { qname: '1.2.0.172.in-addr.arpa.', qtype: 'PTR', answer: ['1.2.0.172.in-addr.arpa. 5 IN PTR web-0.web.testns.svc.cluster.local.'] },
    { qname: 'dup-name.hdls1.testns.svc.cluster.local.', qtype: 'A', answer: ['dup-name.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.4', 'dup-name.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.5'] },
  ]);
  await run(handler(), [{ qname: 'web-0.web.testns.svc.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', ns: [SOA] }]);
});

const REVERSE_SOA = 'in-addr.arpa. 5 IN SOA ns.dns.in-addr.arpa. hostmaster.in-addr.arpa. 1499347823 7200 1800 86400 5';

test('PTR for cluster IPs and endpoint IPs in the reverse zones', () =>
  run(handler(), [
    { qname: '3.0.0.10.in-addr.arpa.', qtype: 'PTR', answer: ['3.0.0.10.in-addr.arpa. 5 IN PTR svc-dual-stack.testns.svc.cluster.local.'] },
    { qname: '2.0.0.172.in-addr.arpa.', qtype: 'PTR', answer: ['2.0.0.172.in-addr.arpa. 5 IN PTR 172-0-0-2.hdls1.testns.svc.cluster.local.'] },
    { qname: '4.0.0.172.in-addr.arpa.', qtype: 'PTR', answer: ['4.0.0.172.in-addr.arpa. 5 IN PTR dup-name.hdls1.testns.svc.cluster.local.'] },
    { qname: '1.0.0.172.in-addr.arpa.', qtype: 'PTR', answer: ['1.0.0.172.in-addr.arpa. 5 IN PTR ep1a.svc1.testns.svc.cluster.local.'] },
    {
      qname: '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.c.b.a.8.7.6.5.ip6.arpa.',
      qtype: 'PTR',
      answer: ['1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.c.b.a.8.7.6.5.ip6.arpa. 5 IN PTR 5678-abcd--1.hdls1.testns.svc.cluster.local.'],
    },
    { qname: '9.9.9.9.in-addr.arpa.', qtype: 'PTR', rcode: 'NXDOMAIN', ns: [REVERSE_SOA] },
    { qname: '0.0.10.in-addr.arpa.', qtype: 'PTR', rcode: 'NXDOMAIN', ns: [REVERSE_SOA] },
    { qname: 'in-addr.arpa.', qtype: 'PTR', answer: [], ns: [REVERSE_SOA] },
    { qname: '3.0.0.10.in-addr.arpa.', qtype: 'A', rcode: 'NXDOMAIN', ns: [REVERSE_SOA] },
    { qname: 'svc1.testns.svc.cluster.local.', qtype: 'PTR', answer: [], ns: [SOA] },
  ]));

test('pods disabled, insecure and verified', async () => {
  await run(handler(), [{ qname: '10-240-0-1.podns.pod.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', ns: [SOA] }]);
  await run(handler({ pods: 'insecure' }), [
    { qname: '10-240-0-1.podns.pod.cluster.local.', qtype: 'A', answer: ['10-240-0-1.podns.pod.cluster.local. 5 IN A 10.240.0.1'] },
    { qname: '172-0-0-2.podns.pod.cluster.local.', qtype: 'A', answer: ['172-0-0-2.podns.pod.cluster.local. 5 IN A 172.0.0.2'] },
    { qname: 'fd00--1.podns.pod.cluster.local.', qtype: 'AAAA', answer: ['fd00--1.podns.pod.cluster.local. 5 IN AAAA fd00::1'] },
    { qname: 'fd00--1.podns.pod.cluster.local.', qtype: 'A', answer: [], ns: [SOA] },
    { qname: 'localhost.podns.pod.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', ns: [SOA] },
    { qname: '10-240-0-1.pod-nons.pod.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', ns: [SOA] },
    { qname: 'podns.pod.cluster.local.', qtype: 'A', answer: [], ns: [SOA] },
  ]);
  await run(handler({ pods: 'verified' }), [
    { qname: '10-240-0-1.podns.pod.cluster.local.', qtype: 'A', answer: ['10-240-0-1.podns.pod.cluster.local. 5 IN A 10.240.0.1'] },
    { qname: '10-240-0-1.testns.pod.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', ns: [SOA] },
    { qname: '172-0-0-2.podns.pod.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', ns: [SOA] },
    { qname: 'podns.pod.cluster.local.', qtype: 'A', answer: [], ns: [SOA] },
  ]);
});

test('namespaces: only the listed ones are exposed', () =>
  run(handler({ namespaces: new Set(['testns']) }), [
    { qname: 'svc1.testns.svc.cluster.local.', qtype: 'A', answer: ['svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1'] },
    { qname: 'svc1.unexposedns.svc.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', ns: [SOA] },
    { qname: 'unexposedns.svc.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', ns: [SOA] },
    { qname: '2.0.0.10.in-addr.arpa.', qtype: 'PTR', rcode: 'NXDOMAIN', ns: [REVERSE_SOA] },
  ]));

test('ignore empty_service: a ClusterIP service with no ready endpoint is NXDOMAIN', () =>
  run(handler({ ignoreEmptyService: true }), [
    { qname: 'svcempty.testns.svc.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', ns: [SOA] },
    { qname: 'svc1.testns.svc.cluster.local.', qtype: 'A', answer: ['svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1'] },
    { qname: 'external.testns.svc.cluster.local.', qtype: 'CNAME', answer: ['external.testns.svc.cluster.local. 5 IN CNAME ext.interwebs.test.'] },
  ]));

test('ttl sets every TTL, the SOA minimum, and the SOA TTL up to 300', () =>
  run(handler({ ttl: 3600 }), [
    { qname: 'svc1.testns.svc.cluster.local.', qtype: 'A', answer: ['svc1.testns.svc.cluster.local. 3600 IN A 10.0.0.1'] },
    { qname: 'svc0.testns.svc.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', ns: [`cluster.local. 300 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. ${SERIAL} 7200 1800 86400 3600`] },
  ]));

test('zone transfers are refused; names outside the zones go to the next plugin', async () => {
  for (const qtype of ['AXFR', 'IXFR'] as const) {
    const { rcode, recorder } = await serveWith(handler(), makeRequest('cluster.local.', qtype), next);
    assert.equal(rcode, Rcode.REFUSED);
    assert.equal(recorder.msg, null);
  }
  const { rcode, recorder } = await serveWith(handler(), makeRequest('example.org.', 'A'), () => Rcode.NOTIMP);
  assert.equal(rcode, Rcode.NOTIMP);
  assert.equal(recorder.msg, null);
});

/** The question of makeRequest (class IN) asked in `qclass`. */
function inClass(name: string, qtype: 'A' | 'TXT' | 'NS' | 'AXFR', qclass: number): Request {
  const msg = Buffer.from(makeRequest(name, qtype).msg);
  msg.writeUInt16BE(qclass, msg.length - 2);
  const req = parseRequest(msg, 'udp', { address: '127.0.0.1', port: 40000, family: 4 });
  assert.ok(req instanceof Request);
  assert.equal(req.qclass, qclass);
  return req;
}

test('questions in a class other than IN (CH, HS, NONE, ANY) go to the next plugin, unanswered', async () => {
  for (const qclass of [3, 4, 254, 255]) {
    for (const [name, qtype] of [
      ['svc1.testns.svc.cluster.local.', 'A'],
      ['nothing.testns.svc.cluster.local.', 'A'],
      ['dns-version.cluster.local.', 'TXT'],
      ['cluster.local.', 'NS'],
      ['cluster.local.', 'AXFR'],
      ['1.0.0.10.in-addr.arpa.', 'A'],
    ] as const) {
      const { rcode, recorder } = await serveWith(handler(), inClass(name, qtype, qclass), () => Rcode.NOTIMP);
      assert.equal(recorder.msg, null, `${name} ${qtype} class ${qclass}: answered`);
      assert.equal(rcode, Rcode.NOTIMP, `${name} ${qtype} class ${qclass}`);
    }
  }
});

test('fallthrough passes NXDOMAIN in the listed zones on, and only NXDOMAIN', async () => {
  const h = handler({ fallthrough: ['in-addr.arpa.'] });
  const passed = await serveWith(h, makeRequest('9.9.9.9.in-addr.arpa.', 'PTR'), next);
  assert.equal(passed.rcode, Rcode.REFUSED);
  assert.equal(passed.recorder.msg, null);
  const answered = await serveWith(h, makeRequest('svc0.testns.svc.cluster.local.', 'A'), next);
  assert.equal(answered.recorder.rcode, Rcode.NXDOMAIN);
  const all = await serveWith(handler({ fallthrough: ['.'] }), makeRequest('svc0.testns.svc.cluster.local.', 'A'), next);
  assert.equal(all.recorder.msg, null);
});

test('before the first sync, a name not found is SERVFAIL (it may not have arrived yet)', () =>
  run(handler({ synced: () => false }), [
    { qname: 'svc0.testns.svc.cluster.local.', qtype: 'A', rcode: 'SERVFAIL', ns: [SOA] },
    { qname: 'svc1.testns.svc.cluster.local.', qtype: 'A', answer: ['svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1'] },
  ]));

test('an ExternalName whose target cannot be resolved leaves the CNAME out (NODATA)', async () => {
  const failing: KubernetesHandlerOptions['resolve'] = () => Promise.reject(new Error('no upstream'));
  await run(handler({ resolve: failing }), [{ qname: 'external.testns.svc.cluster.local.', qtype: 'A', answer: [], ns: [SOA] }]);
});

test('ExternalName targets in any of the zones are followed here, so a CNAME cycle across zones ends', async () => {
  const { service } = await import('../src/testing/index.js');
  const { coreDnsCluster } = await import('./cluster.js');
  const objects = [
    ...coreDnsCluster,
    service('testns', 'to-other', { externalName: 'svc1.testns.svc.other.local' }),
    service('testns', 'loop1', { externalName: 'loop2.testns.svc.other.local' }),
    service('testns', 'loop2', { externalName: 'loop1.testns.svc.cluster.local' }),
  ];
  const resolve: KubernetesHandlerOptions['resolve'] = () => Promise.reject(new Error('resolve must not be called for names in the zones'));
  await run(handler({ zones: ['cluster.local.', 'other.local.'], resolve }, objects), [
    {
      qname: 'to-other.testns.svc.cluster.local.',
      qtype: 'A',
      ordered: true,
      answer: ['to-other.testns.svc.cluster.local. 5 IN CNAME svc1.testns.svc.other.local.', 'svc1.testns.svc.other.local. 5 IN A 10.0.0.1'],
    },
    { qname: 'loop1.testns.svc.cluster.local.', qtype: 'A', answer: [], ns: [SOA] },
  ]);
});

test('PTR in a reverse zone from a CIDR (10.0.0.0/24 -> 0.0.10.in-addr.arpa.), NXDOMAIN outside the cluster data', () =>
  run(handler({ zones: ['cluster.local.', '0.0.10.in-addr.arpa.'] }), [
    { qname: '3.0.0.10.in-addr.arpa.', qtype: 'PTR', answer: ['3.0.0.10.in-addr.arpa. 5 IN PTR svc-dual-stack.testns.svc.cluster.local.'] },
    { qname: '99.0.0.10.in-addr.arpa.', qtype: 'PTR', rcode: 'NXDOMAIN', ns: ['0.0.10.in-addr.arpa. 5 IN SOA ns.dns.0.0.10.in-addr.arpa. hostmaster.0.0.10.in-addr.arpa. 1499347823 7200 1800 86400 5'] },
  ]));
