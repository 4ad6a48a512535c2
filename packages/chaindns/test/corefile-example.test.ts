import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type * as dnsPacket from 'dns-packet';
import { type Directive, parseCorefile } from '@chaindns/core';
import { freePort, query, startTestUpstream, type TestUpstream } from '@chaindns/core/testing';
import { endpointSlice, namespace, service } from '@chaindns/kubernetes/testing';
import { type Chaindns, hasBinary, httpGet, type InCluster, rdata, records, repoRoot, sample, sentTo, startChaindns, startInCluster, untilReady } from './harness.js';

/** Corefile.example at the repository root: the kube-dns pod's settings in one process. */
const EXAMPLE = join(repoRoot, 'Corefile.example');

test("with no variables set it has kube-dns's DNS settings on CoreDNS's ports: 53, :8080, :8181, :9153, resolv.conf, 1000 answers, no denials", () => {
  const text = readFileSync(EXAMPLE, 'utf8');
  const [block, ...more] = parseCorefile(text, { file: EXAMPLE, env: {} }).blocks;
  assert.equal(more.length, 0);
  assert.deepEqual(block!.keys.map((k) => [k.zone, k.port]), [['.', 53]]);
  const args = (d: Directive | undefined): string[] => d?.args.map((t) => t.text) ?? [];
  const find = (list: readonly Directive[] | null, name: string): Directive | undefined => list?.find((d) => d.name === name);
  const top = block!.directives;
  assert.deepEqual(args(find(top, 'bind')), ['::'], 'every address, as without bind');
  assert.deepEqual(args(find(top, 'health')), [':8080']);
  assert.deepEqual(args(find(find(top, 'health')!.block, 'lameduck')), ['5s']);
  assert.deepEqual(args(find(top, 'ready')), [':8181']);
  assert.deepEqual(args(find(top, 'prometheus')), [':9153']);
  assert.deepEqual(args(find(top, 'kubernetes')), ['cluster.local', 'in-addr.arpa', 'ip6.arpa']);
  assert.deepEqual(args(find(top, 'forward')), ['.', '/etc/resolv.conf']);
  assert.deepEqual(args(find(find(top, 'forward')!.block, 'max_concurrent')), ['1000']);
  const cache = find(top, 'cache')!;
  assert.deepEqual(args(cache), []);
  assert.deepEqual(cache.block!.map((d) => [d.name, ...args(d)]), [['success', '1000'], ['disable', 'denial']]);
  for (const name of ['errors', 'loop', 'reload', 'loadbalance']) assert.ok(find(top, name), name);
  // -dns.port moves DNS; the key names no port of its own.
  assert.equal(parseCorefile(text, { file: EXAMPLE, env: {}, defaultPort: 1053 }).blocks[0]!.keys[0]!.port, 1053);
});

/** A resolver upstream: A 192.0.2.1 for any name, NXDOMAIN for nx.*, NODATA for other types; denials carry an SOA, so they could be cached. */
function resolverUpstream(q: dnsPacket.Packet): dnsPacket.Packet {
  const question = q.questions![0]!;
  const nx = question.name.startsWith('nx.');
  const answers: dnsPacket.Answer[] = !nx && question.type === 'A' ? [{ name: question.name, type: 'A', ttl: 300, class: 'IN', data: '192.0.2.1' }] : [];
  const soa: dnsPacket.Answer = {
    name: 'test',
    type: 'SOA',
    ttl: 300,
    class: 'IN',
    data: { mname: 'ns.test', rname: 'hostmaster.test', serial: 1, refresh: 3600, retry: 600, expire: 86400, minimum: 300 },
  };
  return { id: q.id, type: 'response', flags: 0x0080 | ((q.flags ?? 0) & 0x0100) | (nx ? 3 : 0), questions: q.questions, answers, authorities: answers.length ? [] : [soa] };
}

const skip = !hasBinary('openssl') && 'openssl is not installed';
let cluster: InCluster;
let upstream: TestUpstream;
let dns: Chaindns;
let ports: { dns: number; health: number; ready: number; metrics: number };
const url = (port: number): string => `http://127.0.0.1:${port}`;
const sent = (name: string): number => sentTo(upstream, name);

before(async () => {
  if (skip) return;
  cluster = await startInCluster();
  cluster.api.apply(
    namespace('default'),
    service('default', 'web', { clusterIP: '10.96.100.10', ports: [{ name: 'http', port: 80 }] }),
    endpointSlice('default', 'web-abc12', 'web', { endpoints: [{ ip: '10.244.1.10' }], ports: [{ name: 'http', port: 8080 }] }),
  );
  upstream = await startTestUpstream({ handler: resolverUpstream });
  ports = { dns: await freePort(), health: await freePort(), ready: await freePort(), metrics: await freePort() };
  dns = await startChaindns(['-conf', EXAMPLE, '-dns.port', String(ports.dns)], {
    env: {
      ...cluster.env,
      CHAINDNS_BIND: '127.0.0.1',
      CHAINDNS_HEALTH: `127.0.0.1:${ports.health}`,
      CHAINDNS_READY: `127.0.0.1:${ports.ready}`,
      CHAINDNS_METRICS: `127.0.0.1:${ports.metrics}`,
      // A resolv.conf names no port (forward reads each nameserver on 53), so the upstream goes in as IP:port.
      CHAINDNS_RESOLV_CONF: `127.0.0.1:${upstream.port}`,
    },
  });
  await untilReady(url(ports.ready));
});

after(async () => {
  if (dns) assert.equal(await dns.stop(), 0);
  await upstream?.stop();
  await cluster?.stop();
});

test('started with -dns.port and its variables: cluster names and reverse zones, the rest forwarded', { skip }, async () => {
  const web = await query(ports.dns, 'web.default.svc.cluster.local', 'A');
  assert.deepEqual(records(web), ['web.default.svc.cluster.local. 30 IN A 10.96.100.10']);
  const ptr = await query(ports.dns, '10.100.96.10.in-addr.arpa', 'PTR');
  assert.deepEqual(rdata(ptr), ['web.default.svc.cluster.local.']);
  const outside = await query(ports.dns, 'www.example.test', 'A', { transport: 'tcp' });
  assert.deepEqual(rdata(outside), ['192.0.2.1']);
  assert.equal(sent('www.example.test'), 1);
});

test('health, readiness and metrics on the addresses given', { skip }, async () => {
  assert.deepEqual(await httpGet(`${url(ports.health)}/health`), { status: 200, body: 'OK' });
  assert.deepEqual(await httpGet(`${url(ports.ready)}/ready`), { status: 200, body: 'OK' });
  const metrics = (await httpGet(`${url(ports.metrics)}/metrics`)).body;
  assert.ok((sample(metrics, 'coredns_dns_requests_total', { server: `dns://127.0.0.1:${ports.dns}`, zone: '.' }) ?? 0) > 0);
});

test('answers are cached (dnsmasq --cache-size=1000), denials are not (--no-negcache)', { skip }, async () => {
  for (let i = 0; i < 2; i++) assert.deepEqual(rdata(await query(ports.dns, 'cached.example.test', 'A')), ['192.0.2.1']);
  assert.equal(sent('cached.example.test'), 1, 'the second answer came from the cache');
  for (let i = 0; i < 2; i++) assert.equal((await query(ports.dns, 'nx.example.test', 'A')).rcode, 3);
  assert.equal(sent('nx.example.test'), 2, 'each NXDOMAIN went upstream');
  for (let i = 0; i < 2; i++) assert.deepEqual(records(await query(ports.dns, 'nodata.example.test', 'AAAA')), []);
  assert.equal(sent('nodata.example.test'), 2, 'each NODATA went upstream');

  // Past 1000 distinct answers, the least recently used make room.
  for (let batch = 0; batch < 11; batch++) {
    await Promise.all(Array.from({ length: 100 }, (_, i) => query(ports.dns, `fill${batch * 100 + i}.example.test`, 'A', { timeoutMs: 3000 })));
  }
  const metrics = (await httpGet(`${url(ports.metrics)}/metrics`)).body;
  const labels = { server: `dns://127.0.0.1:${ports.dns}`, zones: '.' };
  assert.equal(sample(metrics, 'coredns_cache_entries', { ...labels, type: 'success' }), 1000);
  assert.equal(sample(metrics, 'coredns_cache_entries', { ...labels, type: 'denial' }), 0);
  assert.ok((sample(metrics, 'coredns_cache_evictions_total', { ...labels, type: 'success' }) ?? 0) >= 100);
});
