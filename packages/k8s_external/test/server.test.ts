import assert from 'node:assert/strict';
import { test } from 'node:test';
import { definePlugin } from '@chaindns/core';
import { assertCase, readmeCorefiles, standIn, startTestServer } from '@chaindns/core/testing';
import { k8s_external } from '../src/index.js';
import { fakeSource } from './fake-source.js';

// The README's examples on real sockets. The plugins they name beside k8s_external are stand-ins:
// kubernetes offers CoreDNS's test cluster (fake-source.ts), forward answers every name with 192.0.2.1,
// transfer passes every query on.
const kubernetes = definePlugin({ name: 'kubernetes', parse: () => null, setup: (_c, ctx) => ctx.offer('external', fakeSource()) });
const forward = standIn('forward', (req) => ({ answers: [{ name: req.qnameRaw, type: 'A', ttl: 30, class: 'IN', data: '192.0.2.1' }] }));
const transfer = definePlugin({ name: 'transfer', parse: () => null, setup: () => ({ name: 'transfer', serveDNS: (req, w, next) => next(req, w) }) });

const SOA = 'example.org. 5 IN SOA ns1.dns.example.org. hostmaster.dns.example.org. 1499347823 7200 1800 86400 5';
const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);

for (const [i, corefile] of examples.entries()) {
  test(`README example ${i + 1} answers over UDP and TCP`, async (t) => {
    const s = await startTestServer(corefile, { plugins: [transfer, k8s_external, kubernetes, forward] });
    t.after(() => s.stop());
    const fallthrough = corefile.includes('fallthrough');
    for (const transport of ['udp', 'tcp'] as const) {
      assertCase((await s.query('svc1.testns.example.org', 'A', { transport })).packet, { qname: 'svc1.testns.example.org', qtype: 'A', authoritative: true, answer: ['svc1.testns.example.org. 5 IN A 1.2.3.4'] });
      assertCase((await s.query('_http._tcp.svc11.testns.example.org', 'SRV', { transport })).packet, {
        qname: '_http._tcp.svc11.testns.example.org',
        qtype: 'SRV',
        answer: ['_http._tcp.svc11.testns.example.org. 5 IN SRV 0 100 80 svc11.testns.example.org.'],
        extra: ['svc11.testns.example.org. 5 IN A 2.3.4.5'],
      });
      assertCase((await s.query('example.org', 'SOA', { transport })).packet, { qname: 'example.org', qtype: 'SOA', answer: [SOA] });
      // A load balancer's host name: the CNAME, and what the server's chain says of the name (forward, when there is one).
      const lb = (await s.query('svc12.testns.example.org', 'A', { transport })).packet;
      assertCase(lb, { qname: 'svc12.testns.example.org', qtype: 'A', ordered: true, answer: ['svc12.testns.example.org. 5 IN CNAME dummy.hostname.', ...(corefile.includes('forward') ? ['dummy.hostname. 30 IN A 192.0.2.1'] : [])] });
      const missing = (await s.query('nosuch.testns.example.org', 'A', { transport })).packet;
      if (fallthrough) assertCase(missing, { qname: 'nosuch.testns.example.org', qtype: 'A', answer: ['nosuch.testns.example.org. 30 IN A 192.0.2.1'] });
      else assertCase(missing, { qname: 'nosuch.testns.example.org', qtype: 'A', rcode: 'NXDOMAIN', ns: [SOA] });
    }
  });
}

test('the README has its three examples', () => {
  assert.equal(examples.length, 3);
});
