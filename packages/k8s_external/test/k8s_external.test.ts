import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Answer, type Handler, type Next, QClass, QType, Rcode, reply } from '@chaindns/core';
import { assertCase, type Case, makeRequest, serveWith } from '@chaindns/core/testing';
import { createK8sExternal, type K8sExternalOptions } from '../src/index.js';
import { type FakeSource, fakeSource } from './fake-source.js';

const SOA_COM = 'example.com. 5 IN SOA ns1.dns.example.com. hostmaster.dns.example.com. 1499347823 7200 1800 86400 5';

/** Load balancers' host names as the rest of the server would answer them; lb.example.net's A reply is truncated. */
const upstream: Record<string, Answer[]> = {
  'dummy.hostname. A': [{ name: 'dummy.hostname', type: 'A', ttl: 60, class: 'IN', data: '203.0.113.7' }],
  'lb.example.net. A': [{ name: 'lb.example.net', type: 'A', ttl: 60, class: 'IN', data: '203.0.113.8' }],
  'lb.example.net. AAAA': [{ name: 'lb.example.net', type: 'AAAA', ttl: 60, class: 'IN', data: '2001:db8::8' }],
};

function handler(options: Partial<K8sExternalOptions> = {}, source: FakeSource = fakeSource()): Handler & { lookups: string[] } {
  const lookups: string[] = [];
  const h = createK8sExternal({
    zones: ['example.com.', 'in-addr.arpa.'],
    apex: 'dns',
    ttl: 5,
    headless: true,
    fallthrough: null,
    source: () => source,
    resolve: async (name, qtype, via) => {
      assert.equal(typeof via.qname, 'string');
      const key = `${name} ${qtype === QType.A ? 'A' : 'AAAA'}`;
      lookups.push(key);
      const msg = reply(makeRequest(name, qtype), { answers: upstream[key] ?? [] });
      if (name === 'lb.example.net.' && qtype === QType.A) msg[2] = msg[2]! | 0x02;
      return msg;
    },
    ...options,
  });
  return Object.assign(h, { lookups });
}

/** The rest of the chain: answers nothing, returns REFUSED, counts its calls. */
function nextHandler(): Next & { calls: number } {
  const next = Object.assign(() => (next.calls++, Rcode.REFUSED), { calls: 0 });
  return next;
}

async function check(h: Handler, c: Case & { passes?: boolean }): Promise<void> {
  const next = nextHandler();
  const { recorder } = await serveWith(h, makeRequest(c.qname, c.qtype as 'A'), next);
  if (c.passes) {
    assert.equal(next.calls, 1, `${c.qname} ${c.qtype}: passed on`);
    assert.equal(recorder.msg, null);
    return;
  }
  assert.equal(next.calls, 0, `${c.qname} ${c.qtype}: not passed on`);
  assertCase(recorder.packet(), { authoritative: true, ...c });
}

// CoreDNS's external_test.go, then what it leaves out.
const cases: Case[] = [
  { qname: '4.3.2.1.in-addr.arpa.', qtype: 'PTR', answer: ['4.3.2.1.in-addr.arpa. 5 IN PTR svc1.testns.example.com.'] },
  { qname: 'svc1.testns.example.com.', qtype: 'PTR', ns: [SOA_COM] },
  { qname: 'not-existing.testns.example.com.', qtype: 'PTR', rcode: 'NXDOMAIN', ns: [SOA_COM] },
  { qname: 'svc1.testns.example.com.', qtype: 'A', answer: ['svc1.testns.example.com. 5 IN A 1.2.3.4'], ns: [] },
  { qname: 'svc1.testns.example.com.', qtype: 'SRV', answer: ['svc1.testns.example.com. 5 IN SRV 0 100 80 svc1.testns.example.com.'], extra: ['svc1.testns.example.com. 5 IN A 1.2.3.4'] },
  { qname: '*._not-udp-or-tcp.svc1.testns.example.com.', qtype: 'SRV', rcode: 'NXDOMAIN', ns: [SOA_COM] },
  { qname: '_http._tcp.svc1.testns.example.com.', qtype: 'SRV', answer: ['_http._tcp.svc1.testns.example.com. 5 IN SRV 0 100 80 svc1.testns.example.com.'], extra: ['svc1.testns.example.com. 5 IN A 1.2.3.4'] },
  { qname: 'svc1.testns.example.com.', qtype: 'AAAA', answer: [], ns: [SOA_COM] },
  { qname: 'svc0.testns.example.com.', qtype: 'AAAA', rcode: 'NXDOMAIN', ns: [SOA_COM] },
  { qname: 'svc0.testns.example.com.', qtype: 'A', rcode: 'NXDOMAIN', ns: [SOA_COM] },
  { qname: 'svc0.svc-nons.example.com.', qtype: 'A', rcode: 'NXDOMAIN', ns: [SOA_COM] },
  { qname: 'svc6.testns.example.com.', qtype: 'AAAA', answer: ['svc6.testns.example.com. 5 IN AAAA 1:2::5'] },
  { qname: '_http._tcp.svc6.testns.example.com.', qtype: 'SRV', answer: ['_http._tcp.svc6.testns.example.com. 5 IN SRV 0 100 80 svc6.testns.example.com.'], extra: ['svc6.testns.example.com. 5 IN AAAA 1:2::5'] },
  { qname: 'svc6.testns.example.com.', qtype: 'SRV', answer: ['svc6.testns.example.com. 5 IN SRV 0 100 80 svc6.testns.example.com.'], extra: ['svc6.testns.example.com. 5 IN AAAA 1:2::5'] },
  { qname: 'testns.example.com.', qtype: 'A', answer: [], ns: [SOA_COM] },
  { qname: 'testns.example.com.', qtype: 'SOA', answer: [], ns: [SOA_COM] },
  { qname: 'svc11.testns.example.com.', qtype: 'A', answer: ['svc11.testns.example.com. 5 IN A 2.3.4.5'] },
  { qname: '_http._tcp.svc11.testns.example.com.', qtype: 'SRV', answer: ['_http._tcp.svc11.testns.example.com. 5 IN SRV 0 100 80 svc11.testns.example.com.'], extra: ['svc11.testns.example.com. 5 IN A 2.3.4.5'] },
  { qname: 'svc11.testns.example.com.', qtype: 'SRV', answer: ['svc11.testns.example.com. 5 IN SRV 0 100 80 svc11.testns.example.com.'], extra: ['svc11.testns.example.com. 5 IN A 2.3.4.5'] },
  // A load balancer's host name: a CNAME, then its address as the server finds it.
  { qname: 'svc12.testns.example.com.', qtype: 'A', answer: ['svc12.testns.example.com. 5 IN CNAME dummy.hostname.', 'dummy.hostname. 60 IN A 203.0.113.7'], ordered: true },
  { qname: 'svc12.testns.example.com.', qtype: 'AAAA', answer: ['svc12.testns.example.com. 5 IN CNAME dummy.hostname.'] },
  { qname: '_http._tcp.svc12.testns.example.com.', qtype: 'SRV', answer: ['_http._tcp.svc12.testns.example.com. 5 IN SRV 0 100 80 dummy.hostname.'], extra: ['dummy.hostname. 60 IN A 203.0.113.7'] },
  { qname: 'svc12.testns.example.com.', qtype: 'SRV', answer: ['svc12.testns.example.com. 5 IN SRV 0 100 80 dummy.hostname.'], extra: ['dummy.hostname. 60 IN A 203.0.113.7'] },
  { qname: 'svc-headless.testns.example.com.', qtype: 'A', answer: ['svc-headless.testns.example.com. 5 IN A 1.2.3.4', 'svc-headless.testns.example.com. 5 IN A 1.2.3.5'] },
  {
    qname: 'svc-headless.testns.example.com.',
    qtype: 'SRV',
    answer: ['svc-headless.testns.example.com. 5 IN SRV 0 50 80 endpoint-svc-0.svc-headless.testns.example.com.', 'svc-headless.testns.example.com. 5 IN SRV 0 50 80 endpoint-svc-1.svc-headless.testns.example.com.'],
    extra: ['endpoint-svc-0.svc-headless.testns.example.com. 5 IN A 1.2.3.4', 'endpoint-svc-1.svc-headless.testns.example.com. 5 IN A 1.2.3.5'],
  },
  {
    qname: '_http._tcp.svc-headless.testns.example.com.',
    qtype: 'SRV',
    answer: ['_http._tcp.svc-headless.testns.example.com. 5 IN SRV 0 50 80 endpoint-svc-0.svc-headless.testns.example.com.', '_http._tcp.svc-headless.testns.example.com. 5 IN SRV 0 50 80 endpoint-svc-1.svc-headless.testns.example.com.'],
    extra: ['endpoint-svc-0.svc-headless.testns.example.com. 5 IN A 1.2.3.4', 'endpoint-svc-1.svc-headless.testns.example.com. 5 IN A 1.2.3.5'],
  },
  { qname: 'endpoint-svc-0.svc-headless.testns.example.com.', qtype: 'SRV', answer: ['endpoint-svc-0.svc-headless.testns.example.com. 5 IN SRV 0 100 80 endpoint-svc-0.svc-headless.testns.example.com.'], extra: ['endpoint-svc-0.svc-headless.testns.example.com. 5 IN A 1.2.3.4'] },
  { qname: 'endpoint-svc-1.svc-headless.testns.example.com.', qtype: 'A', answer: ['endpoint-svc-1.svc-headless.testns.example.com. 5 IN A 1.2.3.5'] },
  // Beyond CoreDNS's table: a type with no records, an address under two ports, a CNAME beside an address, no port.
  { qname: 'svc1.testns.example.com.', qtype: 'MX', answer: [], ns: [SOA_COM] },
  { qname: 'svc12.testns.example.com.', qtype: 'CNAME', answer: [], ns: [SOA_COM] },
  { qname: 'multi.testns.example.com.', qtype: 'A', answer: ['multi.testns.example.com. 5 IN A 192.0.2.1', 'multi.testns.example.com. 5 IN CNAME lb.example.net.', 'lb.example.net. 60 IN A 203.0.113.8'], truncated: true, ordered: true },
  {
    qname: 'multi.testns.example.com.',
    qtype: 'SRV',
    answer: ['multi.testns.example.com. 5 IN SRV 0 25 80 multi.testns.example.com.', 'multi.testns.example.com. 5 IN SRV 0 25 443 multi.testns.example.com.', 'multi.testns.example.com. 5 IN SRV 0 25 80 lb.example.net.', 'multi.testns.example.com. 5 IN SRV 0 25 443 lb.example.net.'],
    extra: ['multi.testns.example.com. 5 IN A 192.0.2.1', 'lb.example.net. 60 IN A 203.0.113.8', 'lb.example.net. 60 IN AAAA 2001:db8::8'],
  },
  { qname: 'noport.testns.example.com.', qtype: 'A', answer: ['noport.testns.example.com. 5 IN A 192.0.2.9'] },
  { qname: 'noport.testns.example.com.', qtype: 'SRV', answer: [], ns: [SOA_COM] },
  { qname: '9.9.9.9.in-addr.arpa.', qtype: 'PTR', rcode: 'NXDOMAIN', ns: ['in-addr.arpa. 5 IN SOA ns1.dns.in-addr.arpa. hostmaster.dns.in-addr.arpa. 1499347823 7200 1800 86400 5'] },
  // Letter case as asked.
  { qname: 'SVC1.TestNS.Example.COM.', qtype: 'A', answer: ['SVC1.TestNS.Example.COM. 5 IN A 1.2.3.4'] },
  { qname: 'nosuch.Example.COM.', qtype: 'A', rcode: 'NXDOMAIN', ns: ['Example.COM. 5 IN SOA ns1.dns.Example.COM. hostmaster.dns.Example.COM. 1499347823 7200 1800 86400 5'] },
  // Not ours.
  { qname: 'svc1.testns.example.org.', qtype: 'A', passes: true } as Case,
];

// CoreDNS's apex_test.go.
const apexCases: Case[] = [
  { qname: 'example.com.', qtype: 'SOA', answer: [SOA_COM] },
  { qname: 'example.com.', qtype: 'NS', answer: ['example.com. 5 IN NS ns1.dns.example.com.'], extra: ['ns1.dns.example.com. 5 IN A 127.0.0.1'] },
  { qname: 'example.com.', qtype: 'SRV', answer: [], ns: [SOA_COM] },
  { qname: 'dns.example.com.', qtype: 'SRV', answer: [], ns: [SOA_COM] },
  { qname: 'dns.example.com.', qtype: 'NS', answer: [], ns: [SOA_COM] },
  { qname: 'ns1.dns.example.com.', qtype: 'SRV', answer: [], ns: [SOA_COM] },
  { qname: 'ns1.dns.example.com.', qtype: 'NS', answer: [], ns: [SOA_COM] },
  { qname: 'ns1.dns.example.com.', qtype: 'AAAA', answer: [], ns: [SOA_COM] },
  { qname: 'ns1.dns.example.com.', qtype: 'A', answer: ['ns1.dns.example.com. 5 IN A 127.0.0.1'] },
  { qname: 'ns2.dns.example.com.', qtype: 'A', rcode: 'NXDOMAIN', ns: [SOA_COM] },
  { qname: 'a.ns1.dns.example.com.', qtype: 'A', rcode: 'NXDOMAIN', ns: [SOA_COM] },
];

test('k8s_external answers as CoreDNS’s external_test.go and more', async () => {
  const h = handler();
  for (const c of cases) await check(h, c);
});

test('the apex: SOA, NS with the name server’s addresses, ns1.dns, as CoreDNS’s apex_test.go', async () => {
  const h = handler();
  for (const c of apexCases) await check(h, c);
});

test('apex and ttl options', async () => {
  const source = fakeSource();
  source.nameserverIps = ['192.0.2.53', '2001:db8::53'];
  const h = handler({ apex: 'ext', ttl: 60 }, source);
  const soa = 'example.com. 60 IN SOA ns1.ext.example.com. hostmaster.ext.example.com. 1499347823 7200 1800 86400 60';
  await check(h, { qname: 'example.com.', qtype: 'NS', answer: ['example.com. 60 IN NS ns1.ext.example.com.'], extra: ['ns1.ext.example.com. 60 IN A 192.0.2.53', 'ns1.ext.example.com. 60 IN AAAA 2001:db8::53'] });
  await check(h, { qname: 'ns1.ext.example.com.', qtype: 'AAAA', answer: ['ns1.ext.example.com. 60 IN AAAA 2001:db8::53'] });
  await check(h, { qname: 'svc1.testns.example.com.', qtype: 'A', answer: ['svc1.testns.example.com. 60 IN A 1.2.3.4'] });
  await check(h, { qname: 'svc0.testns.example.com.', qtype: 'A', rcode: 'NXDOMAIN', ns: [soa] });
  // The default apex is a service namespace like any other now.
  await check(h, { qname: 'ns1.dns.example.com.', qtype: 'A', rcode: 'NXDOMAIN', ns: [soa] });
});

test('without headless, a headless service has no external name', async () => {
  const h = handler({ headless: false });
  await check(h, { qname: 'svc-headless.testns.example.com.', qtype: 'A', rcode: 'NXDOMAIN', ns: [SOA_COM] });
});

test('fallthrough passes NXDOMAIN on in its zones, and nothing else', async () => {
  const all = handler({ fallthrough: ['.'] });
  await check(all, { qname: 'svc0.testns.example.com.', qtype: 'A', passes: true } as Case);
  await check(all, { qname: '9.9.9.9.in-addr.arpa.', qtype: 'PTR', passes: true } as Case);
  await check(all, { qname: 'svc1.testns.example.com.', qtype: 'AAAA', answer: [], ns: [SOA_COM] });
  await check(all, { qname: 'ns2.dns.example.com.', qtype: 'A', rcode: 'NXDOMAIN', ns: [SOA_COM] });
  const some = handler({ fallthrough: ['in-addr.arpa.'] });
  await check(some, { qname: '9.9.9.9.in-addr.arpa.', qtype: 'PTR', passes: true } as Case);
  await check(some, { qname: 'svc0.testns.example.com.', qtype: 'A', rcode: 'NXDOMAIN', ns: [SOA_COM] });
});

test('before the kubernetes plugin has synced, a name not found is SERVFAIL, not NXDOMAIN', async () => {
  const source = fakeSource();
  source.loaded = false;
  const h = handler({}, source);
  await check(h, { qname: 'svc0.testns.example.com.', qtype: 'A', rcode: 'SERVFAIL' });
  await check(h, { qname: 'svc1.testns.example.com.', qtype: 'A', answer: ['svc1.testns.example.com. 5 IN A 1.2.3.4'] });
});

test('a question in another class goes to the next plugin', async () => {
  const next = nextHandler();
  const { recorder } = await serveWith(handler(), makeRequest('svc1.testns.example.com', 'A', { qclass: QClass.CH }), next);
  assert.equal(next.calls, 1);
  assert.equal(recorder.msg, null);
});

test('a host name is looked up once however many ports it serves', async () => {
  const h = handler();
  await serveWith(h, makeRequest('multi.testns.example.com', 'A'));
  assert.deepEqual(h.lookups, ['lb.example.net. A']);
  h.lookups.length = 0;
  await serveWith(h, makeRequest('multi.testns.example.com', 'SRV'));
  assert.deepEqual(h.lookups.sort(), ['lb.example.net. A', 'lb.example.net. AAAA']);
});
