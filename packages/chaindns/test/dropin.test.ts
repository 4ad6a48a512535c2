import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { freePort, query, startTestUpstream, type TestUpstream } from '@chaindns/core/testing';
import { endpointSlice, namespace, pod, service } from '@chaindns/kubernetes/testing';
import { type Chaindns, eventually, hasBinary, httpGet, type InCluster, rdata, records, repoRoot, sample, sentTo, startChaindns, startInCluster, tempDir, untilReady } from './harness.js';

/** CoreDNS's own Kubernetes Corefile (kubeadm's ConfigMap), byte for byte. */
const COREDNS_COREFILE = `.:53 {
    errors
    health {
        lameduck 5s
    }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
        ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
        max_concurrent 1000
    }
    cache 30
    loop
    reload
    loadbalance
}
`;

interface Ports {
  readonly dns: number;
  readonly health: number;
  readonly ready: number;
  readonly metrics: number;
  readonly upstream: number;
}

/**
 * The only changes a test makes, each a whole line, so that nothing binds
 * beyond loopback or a fixed port:
 * - `.:53` gets a free port, and `bind 127.0.0.1` as the block's first line
 *   (without it the block listens on every address);
 * - health, ready and prometheus get `127.0.0.1:<free port>` (their defaults
 *   are :8080, :8181, and :9153 as written, on every address);
 * - `/etc/resolv.conf` becomes `127.0.0.1:<port>` of a test upstream: a
 *   resolv.conf `nameserver` line has no port (glibc's format; forward reads
 *   it as CoreDNS does, always port 53), and a test cannot own port 53.
 */
function edits(p: Ports): readonly (readonly [original: string, replacement: string])[] {
  return [
    ['.:53 {\n', `.:${p.dns} {\n    bind 127.0.0.1\n`],
    ['    health {\n', `    health 127.0.0.1:${p.health} {\n`],
    ['    ready\n', `    ready 127.0.0.1:${p.ready}\n`],
    ['    prometheus :9153\n', `    prometheus 127.0.0.1:${p.metrics}\n`],
    ['    forward . /etc/resolv.conf {\n', `    forward . 127.0.0.1:${p.upstream} {\n`],
  ];
}

function replaceOnce(text: string, from: string, to: string): string {
  const at = text.indexOf(from);
  assert.ok(at >= 0 && text.indexOf(from, at + 1) < 0, `exactly one ${JSON.stringify(from)}`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

const transform = (text: string, p: Ports): string => edits(p).reduce((t, [from, to]) => replaceOnce(t, from, to), text);
const revert = (text: string, p: Ports): string => edits(p).reduce((t, [from, to]) => replaceOnce(t, to, from), text);

const skip = !hasBinary('openssl') && 'openssl is not installed';
const dir = tempDir('chaindns-dropin-');
let cluster: InCluster;
let upstream: TestUpstream;
let ports: Ports;
let dns: Chaindns;
const url = (port: number): string => `http://127.0.0.1:${port}`;

before(async () => {
  if (skip) return;
  cluster = await startInCluster();
  cluster.api.apply(
    namespace('default'),
    service('default', 'web', { clusterIP: '10.96.100.10', ports: [{ name: 'http', port: 80 }] }),
    endpointSlice('default', 'web-abc12', 'web', { endpoints: [{ ip: '10.244.1.10', pod: 'web-0' }], ports: [{ name: 'http', port: 8080 }] }),
    service('default', 'db', { clusterIP: 'None', ports: [{ name: 'pg', port: 5432 }] }),
    endpointSlice('default', 'db-xyz89', 'db', {
      endpoints: [1, 2, 3].map((i) => ({ ip: `10.244.2.${i}`, hostname: `db-${i - 1}`, pod: `db-${i - 1}` })),
      ports: [{ name: 'pg', port: 5432 }],
    }),
    pod('default', 'db-0', ['10.244.2.1']),
  );
  upstream = await startTestUpstream({ records: ['example.org. 300 IN A 192.0.2.10', '1.0.0.10.in-addr.arpa. 300 IN PTR gateway.example.org.'] });
  ports = { dns: await freePort(), health: await freePort(), ready: await freePort(), metrics: await freePort(), upstream: upstream.port };
  const conf = join(dir.path, 'Corefile');
  writeFileSync(conf, transform(COREDNS_COREFILE, ports));
  // --pending-deprecation: Node.js 20 warns then of what Node.js 24 warns of anyway (url.parse()).
  dns = await startChaindns(['-conf', conf], { env: cluster.env, nodeArgs: ['--pending-deprecation'] });
  await untilReady(url(ports.ready));
});

after(async () => {
  await dns?.stop();
  await upstream?.stop();
  await cluster?.stop();
  dir.remove();
});

test("the fixture is the shipped ConfigMap's Corefile, and the test's edits revert to it exactly", { skip }, () => {
  const configMap = parseYaml(readFileSync(join(repoRoot, 'deploy/kubernetes/configmap.yaml'), 'utf8')) as { data: { Corefile: string } };
  assert.equal(configMap.data.Corefile, COREDNS_COREFILE);
  const transformed = readFileSync(join(dir.path, 'Corefile'), 'utf8');
  assert.equal(revert(transformed, ports), COREDNS_COREFILE);
  assert.equal(transformed.split('\n').length, COREDNS_COREFILE.split('\n').length + 1, 'one line added (bind), the rest edited in place');
});

test('cluster names from the in-cluster API server: A, headless, SRV, PTR, pods insecure, NXDOMAIN with SOA', { skip }, async () => {
  const web = await query(ports.dns, 'web.default.svc.cluster.local', 'A');
  assert.equal(web.rcode, 0);
  assert.ok(web.packet.flags! & 0x400, 'authoritative');
  assert.deepEqual(records(web), ['web.default.svc.cluster.local. 30 IN A 10.96.100.10']);

  const overTcp = await query(ports.dns, 'web.default.svc.cluster.local', 'A', { transport: 'tcp' });
  assert.deepEqual(rdata(overTcp), ['10.96.100.10']);

  const headless = await query(ports.dns, 'db.default.svc.cluster.local', 'A');
  assert.deepEqual(rdata(headless).sort(), ['10.244.2.1', '10.244.2.2', '10.244.2.3']);

  const srv = await query(ports.dns, '_http._tcp.web.default.svc.cluster.local', 'SRV');
  assert.deepEqual(records(srv), ['_http._tcp.web.default.svc.cluster.local. 30 IN SRV 0 100 80 web.default.svc.cluster.local.']);

  const ptr = await query(ports.dns, '1.2.244.10.in-addr.arpa', 'PTR');
  assert.deepEqual(rdata(ptr), ['db-0.db.default.svc.cluster.local.']);

  const podA = await query(ports.dns, '10-244-7-5.default.pod.cluster.local', 'A');
  assert.deepEqual(rdata(podA), ['10.244.7.5']);

  const missing = await query(ports.dns, 'nosuch.default.svc.cluster.local', 'A');
  assert.equal(missing.rcode, 3);
  assert.match(records(missing, 'authorities').join('\n'), /^cluster\.local\. 30 IN SOA ns\.dns\.cluster\.local\. hostmaster\.cluster\.local\. \d+ 7200 1800 86400 30$/);
});

test('names outside the cluster, and reverse names kubernetes does not know, go to the upstream', { skip }, async () => {
  const outside = await query(ports.dns, 'example.org', 'A');
  assert.equal(outside.rcode, 0);
  assert.deepEqual(rdata(outside), ['192.0.2.10']);
  // fallthrough in-addr.arpa: 10.0.0.1 is no cluster IP, so its PTR comes from forward.
  const reverse = await query(ports.dns, '1.0.0.10.in-addr.arpa', 'PTR');
  assert.deepEqual(rdata(reverse), ['gateway.example.org.']);
  assert.equal(sentTo(upstream, 'example.org'), 1);
  assert.equal(sentTo(upstream, '1.0.0.10.in-addr.arpa'), 1);
  assert.equal(sentTo(upstream, 'web.default.svc.cluster.local'), 0, 'cluster names stay in the cluster');
});

test('/health, /ready and the coredns_* metrics on their addresses', { skip }, async () => {
  assert.deepEqual(await httpGet(`${url(ports.health)}/health`), { status: 200, body: 'OK' });
  assert.deepEqual(await httpGet(`${url(ports.ready)}/ready`), { status: 200, body: 'OK' });
  await query(ports.dns, 'example.org', 'A'); // a cache hit by now
  const metrics = (await httpGet(`${url(ports.metrics)}/metrics`)).body;
  const server = `dns://127.0.0.1:${ports.dns}`;
  assert.ok((sample(metrics, 'coredns_dns_requests_total', { server, zone: '.', proto: 'udp', type: 'A' }) ?? 0) > 0, 'coredns_dns_requests_total');
  assert.ok((sample(metrics, 'coredns_dns_requests_total', { server, proto: 'tcp' }) ?? 0) > 0, 'coredns_dns_requests_total over TCP');
  assert.ok((sample(metrics, 'coredns_cache_entries', { server, type: 'success', zones: '.' }) ?? 0) > 0, 'coredns_cache_entries');
  assert.ok((sample(metrics, 'coredns_cache_hits_total', { server, type: 'success' }) ?? 0) > 0, 'coredns_cache_hits_total');
  assert.ok((sample(metrics, 'coredns_cache_requests_total', { server }) ?? 0) > 0, 'coredns_cache_requests_total');
});

test("loadbalance shuffles a headless service's A records, cache hits included", { skip }, async () => {
  const orders = new Set<string>();
  for (let i = 0; i < 30; i++) {
    const reply = await query(ports.dns, 'db.default.svc.cluster.local', 'A');
    const ips = rdata(reply);
    assert.deepEqual([...ips].sort(), ['10.244.2.1', '10.244.2.2', '10.244.2.3']);
    orders.add(ips.join(' '));
  }
  // 3! orders; 30 replies all in one order would happen with probability 6^-29.
  assert.ok(orders.size > 1, `one order only: ${[...orders].join(', ')}`);
});

test('a Service created in the API server is answered, through the watch', { skip }, async () => {
  cluster.api.apply(service('default', 'late', { clusterIP: '10.96.100.20' }));
  // A query that comes before the watch event gets NXDOMAIN, which `cache 30`
  // keeps for its SOA's 30 s, as CoreDNS's would: the answer may wait that long.
  await eventually(async () => assert.deepEqual(rdata(await query(ports.dns, 'late.default.svc.cluster.local', 'A')), ['10.96.100.20']), 35_000);
  // client-node's Watch fetched through node-fetch 2, whose url.parse() made Node.js 24 print a DeprecationWarning at every start.
  assert.doesNotMatch(dns.output(), /Warning/);
});

test('an edited Corefile is loaded on SIGUSR1 (what reload does on its own every 30s), listeners kept', { skip }, async () => {
  const conf = join(dir.path, 'Corefile');
  writeFileSync(conf, readFileSync(conf, 'utf8').replace('        ttl 30\n', '        ttl 7\n'));
  dns.child.kill('SIGUSR1');
  await eventually(async () => assert.deepEqual(records(await query(ports.dns, 'web.default.svc.cluster.local', 'A')), ['web.default.svc.cluster.local. 7 IN A 10.96.100.10']), 5000);
  await untilReady(url(ports.ready));
  assert.deepEqual(await httpGet(`${url(ports.health)}/health`), { status: 200, body: 'OK' });
  assert.match((await httpGet(`${url(ports.metrics)}/metrics`)).body, /^coredns_reload_version_info\{hash="sha512",value="[0-9a-f]{128}"\} 1$/m);
});

test('SIGTERM: /ready turns 503 and DNS keeps answering for the 5s lameduck, then exit 0', { skip }, async () => {
  const start = Date.now();
  dns.child.kill('SIGTERM');
  await eventually(async () => assert.deepEqual(await httpGet(`${url(ports.ready)}/ready`), { status: 503, body: 'Shutting down' }), 2000);
  const during = await query(ports.dns, 'web.default.svc.cluster.local', 'A');
  assert.deepEqual(rdata(during), ['10.96.100.10']);
  assert.equal(await dns.exited, 0);
  const elapsed = Date.now() - start;
  assert.ok(elapsed >= 4500 && elapsed < 10_000, `stopped after ${elapsed} ms`);
  await assert.rejects(query(ports.dns, 'web.default.svc.cluster.local', 'A', { timeoutMs: 300 }), 'nothing answers once it exited');
  assert.doesNotMatch(dns.output(), /\[ERROR\]|Loop .* detected/);
});
