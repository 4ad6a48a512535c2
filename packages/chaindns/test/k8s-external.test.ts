import assert from 'node:assert/strict';
import { networkInterfaces } from 'node:os';
import { writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { dig, eventually, freePort, startTestUpstream, type TestUpstream } from '@chaindns/core/testing';
import { endpointSlice, namespace, service, startFakeApiServer, type FakeApiServer } from '@chaindns/kubernetes/testing';
import { type Chaindns, startChaindns, tempDir } from './harness.js';

// k8s_external in the real binary beside kubernetes, which watches the stand-in API server: services of
// type LoadBalancer and with externalIPs under example.org, asked with dig; transfer hands the zone out.

const dir = tempDir('chaindns-k8s-external-');
let api: FakeApiServer;
let upstream: TestUpstream;
let dns: Chaindns;
let port: number;

before(async () => {
  api = await startFakeApiServer({ bookmarkIntervalMs: 500 });
  api.apply(
    namespace('default'),
    namespace('shop'),
    // README: a headless service with an external IP.
    service('default', 'test', { clusterIP: 'None', externalIPs: ['192.168.200.123'] }),
    service('shop', 'web', { type: 'LoadBalancer', clusterIP: '10.96.0.20', ports: [{ name: 'https', port: 443 }], loadBalancer: [{ ip: '203.0.113.10' }, { ip: '2001:db8::10' }] }),
    service('shop', 'elb', { type: 'LoadBalancer', clusterIP: '10.96.0.21', ports: [{ name: 'http', port: 80 }], loadBalancer: [{ hostname: 'a1b2.elb.example.net' }] }),
    service('shop', 'internal', { clusterIP: '10.96.0.22', ports: [{ name: 'http', port: 80 }] }),
    service('shop', 'db', { clusterIP: 'None', ports: [{ name: 'pg', port: 5432 }] }),
    endpointSlice('shop', 'db-1', 'db', { endpoints: [{ ip: '10.244.0.5', hostname: 'db-0' }, { ip: '10.244.0.6', hostname: 'db-1' }], ports: [{ name: 'pg', port: 5432 }] }),
  );
  // The rest of the world: the load balancer's host name.
  upstream = await startTestUpstream({ records: ['a1b2.elb.example.net. 60 IN A 198.51.100.7'] });
  port = await freePort();
  const corefile = `.:${port} {
    bind 127.0.0.1
    transfer example.org {
        to *
    }
    kubernetes cluster.local {
        endpoint ${api.url}
    }
    k8s_external example.org 203.0.113.0/24 {
        headless
    }
    forward . 127.0.0.1:${upstream.port}
}
`;
  writeFileSync(dir.file('Corefile'), corefile);
  dns = await startChaindns(['-conf', dir.file('Corefile')]);
});

after(async () => {
  await dns?.stop();
  await upstream?.stop();
  await api?.stop();
  dir.remove();
});

/** dig's answer section, one record a line, whitespace single. */
async function answer(name: string, type: string, ...flags: string[]): Promise<string[]> {
  return lines(await dig(port, '+noall', '+answer', ...flags, name, type));
}

const lines = (out: string): string[] =>
  out
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith(';'))
    .map((l) => l.replace(/\s+/g, ' ').trim());

/** The status and the answer/authority/additional counts from dig's header. */
async function status(name: string, type: string): Promise<string> {
  const out = await dig(port, name, type);
  const rcode = /status: (\w+)/.exec(out)?.[1];
  const flags = /flags: ([\w ]+);/.exec(out)?.[1];
  const counts = /ANSWER: (\d+), AUTHORITY: (\d+)/.exec(out);
  return `${rcode} ${flags} answer=${counts?.[1]} authority=${counts?.[2]}`;
}

test('external IPs and load-balancer IPs answer A and AAAA under the public zone', async () => {
  assert.deepEqual(await answer('test.default.example.org', 'A'), ['test.default.example.org. 5 IN A 192.168.200.123']);
  assert.deepEqual(await answer('web.shop.example.org', 'A'), ['web.shop.example.org. 5 IN A 203.0.113.10']);
  assert.deepEqual(await answer('web.shop.example.org', 'AAAA', '+tcp'), ['web.shop.example.org. 5 IN AAAA 2001:db8::10']);
});

test('a load balancer’s host name: a CNAME, and its address as the server resolves it', async () => {
  assert.deepEqual(await answer('elb.shop.example.org', 'A'), ['elb.shop.example.org. 5 IN CNAME a1b2.elb.example.net.', 'a1b2.elb.example.net. 60 IN A 198.51.100.7']);
});

test('SRV for a named port, with the target’s addresses', async () => {
  const out = await dig(port, '+noall', '+answer', '+additional', '_https._tcp.web.shop.example.org', 'SRV');
  assert.deepEqual(lines(out), ['_https._tcp.web.shop.example.org. 5 IN SRV 0 50 443 web.shop.example.org.', 'web.shop.example.org. 5 IN A 203.0.113.10', 'web.shop.example.org. 5 IN AAAA 2001:db8::10']);
});

test('headless: the endpoints of a headless service, and each by name', async () => {
  assert.deepEqual((await answer('db.shop.example.org', 'A')).sort(), ['db.shop.example.org. 5 IN A 10.244.0.5', 'db.shop.example.org. 5 IN A 10.244.0.6']);
  assert.deepEqual(await answer('db-1.db.shop.example.org', 'A'), ['db-1.db.shop.example.org. 5 IN A 10.244.0.6']);
});

test('PTR for a load balancer’s address, in the reverse zone listed', async () => {
  assert.deepEqual(await answer('10.113.0.203.in-addr.arpa', 'PTR'), ['10.113.0.203.in-addr.arpa. 5 IN PTR web.shop.example.org.']);
});

test('NXDOMAIN and NODATA as CoreDNS, authoritative, with the SOA', async () => {
  assert.equal(await status('internal.shop.example.org', 'A'), 'NXDOMAIN qr aa rd answer=0 authority=1');
  assert.equal(await status('nosuch.shop.example.org', 'A'), 'NXDOMAIN qr aa rd answer=0 authority=1');
  assert.equal(await status('shop.example.org', 'A'), 'NOERROR qr aa rd answer=0 authority=1');
  assert.equal(await status('web.shop.example.org', 'MX'), 'NOERROR qr aa rd answer=0 authority=1');
  assert.equal(await status('11.113.0.203.in-addr.arpa', 'PTR'), 'NXDOMAIN qr aa rd answer=0 authority=1');
});

/** This host's addresses as the NS glue: neither loopback nor link-local (no endpoint of the cluster is this host). */
function hostAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .filter((a) => !a.internal && !a.address.startsWith('169.254.') && !/^fe[89ab]/i.test(a.address))
    .map((a) => a.address);
}

test('the apex: SOA and NS, ns1.dns with this host’s addresses', async () => {
  const [soa] = await answer('example.org', 'SOA');
  assert.match(soa!, /^example\.org\. 5 IN SOA ns1\.dns\.example\.org\. hostmaster\.dns\.example\.org\. \d+ 7200 1800 86400 5$/);
  const out = await dig(port, '+noall', '+answer', '+additional', 'example.org', 'NS');
  const got = lines(out);
  assert.equal(got[0], 'example.org. 5 IN NS ns1.dns.example.org.');
  assert.deepEqual(got.slice(1).map((l) => l.split(' ').pop()).sort(), hostAddresses().sort());
  assert.equal(await status('dns.example.org', 'A'), 'NOERROR qr aa rd answer=0 authority=1');
});

test('a watch event that adds an external IP is answered', async () => {
  assert.equal(await status('internal.shop.example.org', 'A'), 'NXDOMAIN qr aa rd answer=0 authority=1');
  api.apply(service('shop', 'internal', { clusterIP: '10.96.0.22', externalIPs: ['192.0.2.44'], ports: [{ name: 'http', port: 80 }] }));
  await eventually(async () => assert.deepEqual(await answer('internal.shop.example.org', 'A'), ['internal.shop.example.org. 5 IN A 192.0.2.44']), 1000);
  // And a load balancer that comes up later.
  api.apply(service('shop', 'late', { type: 'LoadBalancer', clusterIP: '10.96.0.23', ports: [{ name: 'http', port: 80 }] }));
  await eventually(async () => assert.equal(await status('late.shop.example.org', 'A'), 'NXDOMAIN qr aa rd answer=0 authority=1'), 1000);
  api.apply(service('shop', 'late', { type: 'LoadBalancer', clusterIP: '10.96.0.23', ports: [{ name: 'http', port: 80 }], loadBalancer: [{ ip: '203.0.113.99' }] }));
  await eventually(async () => assert.deepEqual(await answer('late.shop.example.org', 'A'), ['late.shop.example.org. 5 IN A 203.0.113.99']), 1000);
  await eventually(async () => assert.deepEqual(await answer('99.113.0.203.in-addr.arpa', 'PTR'), ['99.113.0.203.in-addr.arpa. 5 IN PTR late.shop.example.org.']), 1000);
});

test('transfer hands the external zone out (AXFR over TCP), SOA first and last', async () => {
  const got = lines(await dig(port, '+nostats', 'AXFR', 'example.org'));
  assert.match(got[0]!, /^example\.org\. 5 IN SOA ns1\.dns\.example\.org\. /);
  assert.equal(got.at(-1), got[0]);
  for (const want of [
    'example.org. 5 IN NS ns1.dns.example.org.',
    'test.default.example.org. 5 IN A 192.168.200.123',
    'web.shop.example.org. 5 IN A 203.0.113.10',
    'web.shop.example.org. 5 IN AAAA 2001:db8::10',
    'web.shop.example.org. 5 IN SRV 0 50 443 web.shop.example.org.',
    '_https._tcp.web.shop.example.org. 5 IN SRV 0 50 443 web.shop.example.org.',
    'elb.shop.example.org. 5 IN CNAME a1b2.elb.example.net.',
    'db-0.db.shop.example.org. 5 IN A 10.244.0.5',
    '_pg._tcp.db.shop.example.org. 5 IN SRV 0 50 5432 db-0.db.shop.example.org.',
  ]) {
    assert.ok(got.includes(want), `${want}\n${got.join('\n')}`);
  }
});
