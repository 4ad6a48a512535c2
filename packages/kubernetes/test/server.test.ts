import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertCase, startTestServer } from '@chaindns/core/testing';
import { kubernetes, type RawObject } from '../src/index.js';
import { endpointSlice, namespace, pod, type RecordedRequest, service, startFakeApiServer } from '../src/testing/index.js';
import { type Cluster, eventually, staticAnswer, startCluster } from './helpers.js';

const base = [
  namespace('default'),
  namespace('kube-system'),
  service('default', 'nginx', { clusterIP: '10.109.102.230', ports: [{ name: 'http', port: 80 }] }),
  endpointSlice('default', 'nginx-1', 'nginx', { endpoints: [{ ip: '10.244.0.3' }, { ip: '10.244.0.4' }], ports: [{ name: 'http', port: 80 }] }),
  service('default', 'db', { clusterIP: 'None', ports: [{ name: 'pg', port: 5432 }] }),
  endpointSlice('default', 'db-1', 'db', { endpoints: [{ ip: '10.244.0.13', hostname: 'db-0' }], ports: [{ name: 'pg', port: 5432 }] }),
];

const a = (name: string, ...ips: string[]): string[] => ips.map((ip) => `${name} 5 IN A ${ip}`);

let c: Cluster;
before(async () => {
  c = await startCluster(base);
});
after(() => c.stop());

async function expectA(cluster: Cluster, name: string, ips: string[] | 'NXDOMAIN' | 'SERVFAIL', transport: 'udp' | 'tcp' = 'udp'): Promise<void> {
  const reply = await cluster.dns.query(name, 'A', { transport });
  if (typeof ips === 'string') assertCase(reply.packet, { qname: name, qtype: 'A', rcode: ips, answer: [] });
  else assertCase(reply.packet, { qname: name, qtype: 'A', authoritative: true, answer: a(name, ...ips) });
}

test('answers from the API over UDP and TCP, with the informers on client-node list+watch', async () => {
  for (const transport of ['udp', 'tcp'] as const) {
    await expectA(c, 'nginx.default.svc.cluster.local.', ['10.109.102.230'], transport);
    await expectA(c, 'db-0.db.default.svc.cluster.local.', ['10.244.0.13'], transport);
  }
  const ptr = await c.dns.query('13.0.244.10.in-addr.arpa', 'PTR');
  assertCase(ptr.packet, { qname: 'ptr', qtype: 'PTR', answer: ['13.0.244.10.in-addr.arpa. 5 IN PTR db-0.db.default.svc.cluster.local.'] });
  const paths = c.api.requests.map((r) => `${r.path}${r.query.get('watch') ? ' watch' : ''}`);
  for (const p of ['/api/v1/services', '/apis/discovery.k8s.io/v1/endpointslices', '/api/v1/namespaces']) {
    assert.ok(paths.includes(p), `a list of ${p}`);
    assert.ok(paths.includes(`${p} watch`), `a watch of ${p}`);
  }
  assert.ok(!paths.some((p) => p.startsWith('/api/v1/pods')), 'no pod watch without pods verified');
  const watch = c.api.requests.find((r) => r.query.get('watch') === 'true')!;
  assert.equal(watch.query.get('allowWatchBookmarks'), 'true');
  assert.ok(Number(watch.query.get('timeoutSeconds')) >= 300);
  assert.deepEqual(c.dns.server.status.notReady(), []);
});

test('objects created, changed and deleted live are answered within a second', async () => {
  c.api.apply(service('default', 'shop', { clusterIP: '10.96.7.7' }));
  await eventually(() => expectA(c, 'shop.default.svc.cluster.local.', ['10.96.7.7']));
  c.api.apply(service('default', 'shop', { clusterIP: '10.96.7.8' }));
  await eventually(() => expectA(c, 'shop.default.svc.cluster.local.', ['10.96.7.8']));
  c.api.apply(endpointSlice('default', 'db-2', 'db', { endpoints: [{ ip: '10.244.0.14', hostname: 'db-1' }], ports: [{ name: 'pg', port: 5432 }] }));
  await eventually(() => expectA(c, 'db.default.svc.cluster.local.', ['10.244.0.13', '10.244.0.14']));
  c.api.apply(endpointSlice('default', 'db-2', 'db', { endpoints: [{ ip: '10.244.0.14', hostname: 'db-1', ready: false }], ports: [{ name: 'pg', port: 5432 }] }));
  await eventually(() => expectA(c, 'db-1.db.default.svc.cluster.local.', 'NXDOMAIN'));
  c.api.delete('Service', 'default', 'shop');
  await eventually(() => expectA(c, 'shop.default.svc.cluster.local.', 'NXDOMAIN'));
  c.api.apply(namespace('team'), service('team', 'api', { clusterIP: '10.96.9.9' }));
  await eventually(() => expectA(c, 'api.team.svc.cluster.local.', ['10.96.9.9']));
  c.api.delete('Namespace', null, 'team');
  await eventually(() => expectA(c, 'api.team.svc.cluster.local.', 'NXDOMAIN'));
});

/** Asks for the PTR of `ip` (dotted IPv4); the names it answers, or NXDOMAIN. */
async function expectPtr(cluster: Cluster, ip: string, names: string[] | 'NXDOMAIN'): Promise<void> {
  const qname = `${ip.split('.').reverse().join('.')}.in-addr.arpa.`;
  const reply = await cluster.dns.query(qname, 'PTR');
  if (names === 'NXDOMAIN') assertCase(reply.packet, { qname, qtype: 'PTR', rcode: 'NXDOMAIN', answer: [] });
  else assertCase(reply.packet, { qname, qtype: 'PTR', answer: names.map((n) => `${qname} 5 IN PTR ${n}`) });
}

test('reverse lookups (built at their first use): right after the sync, after watch updates before it, and after those that follow it', async (t) => {
  const r = await startCluster(base);
  t.after(() => r.stop());
  // The first PTR right after the sync, with no reverse lookup before it.
  await expectPtr(r, '10.244.0.13', ['db-0.db.default.svc.cluster.local.']);
  await expectPtr(r, '10.109.102.230', ['nginx.default.svc.cluster.local.']);
  await expectPtr(r, '10.244.0.99', 'NXDOMAIN');
  // Watch updates to addresses once the reverse maps exist: the new address answers, the old one no longer.
  r.api.apply(endpointSlice('default', 'db-1', 'db', { endpoints: [{ ip: '10.244.0.23', hostname: 'db-0' }], ports: [{ name: 'pg', port: 5432 }] }));
  await eventually(() => expectPtr(r, '10.244.0.23', ['db-0.db.default.svc.cluster.local.']));
  await expectPtr(r, '10.244.0.13', 'NXDOMAIN');
  r.api.apply(service('default', 'nginx', { clusterIP: '10.109.102.231', ports: [{ name: 'http', port: 80 }] }));
  await eventually(() => expectPtr(r, '10.109.102.231', ['nginx.default.svc.cluster.local.']));
  await expectPtr(r, '10.109.102.230', 'NXDOMAIN');
  r.api.apply(endpointSlice('default', 'nginx-2', 'nginx', { endpoints: [{ ip: '10.244.0.23', hostname: 'web' }], ports: [{ name: 'http', port: 80 }] }));
  await eventually(() => expectPtr(r, '10.244.0.23', ['db-0.db.default.svc.cluster.local.', 'web.nginx.default.svc.cluster.local.']));
  r.api.delete('EndpointSlice', 'default', 'db-1');
  await eventually(() => expectPtr(r, '10.244.0.23', ['web.nginx.default.svc.cluster.local.']));
  r.api.delete('Service', 'default', 'nginx');
  await eventually(() => expectPtr(r, '10.109.102.231', 'NXDOMAIN'));

  // A second server whose first reverse lookup comes after watch updates: built from the index as it is then.
  const s = await startCluster(base);
  t.after(() => s.stop());
  s.api.apply(endpointSlice('default', 'db-1', 'db', { endpoints: [{ ip: '10.244.0.33', hostname: 'db-0' }], ports: [{ name: 'pg', port: 5432 }] }));
  s.api.apply(service('default', 'nginx', { clusterIP: '10.109.102.232', ports: [{ name: 'http', port: 80 }] }));
  await eventually(() => expectA(s, 'nginx.default.svc.cluster.local.', ['10.109.102.232']));
  await eventually(() => expectA(s, 'db-0.db.default.svc.cluster.local.', ['10.244.0.33']));
  await expectPtr(s, '10.244.0.33', ['db-0.db.default.svc.cluster.local.']);
  await expectPtr(s, '10.244.0.13', 'NXDOMAIN');
  await expectPtr(s, '10.109.102.232', ['nginx.default.svc.cluster.local.']);
  await expectPtr(s, '10.109.102.230', 'NXDOMAIN');
});

test('the SOA serial is the time of the last change', async () => {
  const before = Math.floor(Date.now() / 1000);
  c.api.apply(service('default', 'serial', { clusterIP: '10.96.8.8' }));
  await eventually(() => expectA(c, 'serial.default.svc.cluster.local.', ['10.96.8.8']));
  const reply = await c.dns.query('nothing.default.svc.cluster.local', 'A');
  const soa = reply.packet.authorities?.[0] as { data: { serial: number } };
  assert.ok(soa.data.serial >= before && soa.data.serial <= Math.ceil(Date.now() / 1000), `serial ${soa.data.serial}`);
});

/** Queries `name` over UDP until `stop` resolves; every answer must be `ip`. */
async function keepAsking(cluster: Cluster, name: string, ip: string, stop: Promise<unknown>): Promise<number> {
  let done = false;
  void stop.then(() => (done = true));
  let n = 0;
  while (!done) {
    await expectA(cluster, name, [ip]);
    n++;
  }
  return n;
}

test('a 410 Gone relists without losing an answer, as an ERROR event or an HTTP 410', async () => {
  const lists = (): number => c.api.requests.filter((r) => r.path === '/api/v1/services' && !r.query.get('watch')).length;
  const before = lists();
  // The watches get the ERROR event with a 410 Status, then every informer relists.
  const relisted = eventually(async () => assert.ok(lists() > before), 3000);
  c.api.compact({ expireWatches: true });
  assert.ok((await keepAsking(c, 'nginx.default.svc.cluster.local.', '10.109.102.230', relisted)) > 0);
  // As client-go's reflector: the first list at resourceVersion 0 (the watch cache), a relist after a 410 at "" (the newest).
  const serviceLists = c.api.requests.filter((r) => r.path === '/api/v1/services' && !r.query.get('watch'));
  assert.equal(serviceLists[0]!.query.get('resourceVersion'), '0');
  for (const r of serviceLists.slice(before)) assert.equal(r.query.get('resourceVersion'), null, r.query.toString());
  c.api.apply(service('default', 'after-gone', { clusterIP: '10.96.4.10' }));
  await eventually(() => expectA(c, 'after-gone.default.svc.cluster.local.', ['10.96.4.10']));

  const http410 = await startCluster(base, { api: { goneAs: 'http' } });
  try {
    const count = (): number => http410.api.requests.filter((r) => r.path === '/api/v1/services' && !r.query.get('watch')).length;
    const first = count();
    // Away long enough for a change and a compaction: the watches come back with a resourceVersion now too old.
    await http410.api.stop();
    http410.api.delete('Service', 'default', 'nginx');
    http410.api.compact();
    await http410.api.start();
    const relistedAgain = eventually(async () => assert.ok(count() > first), 5000);
    await keepAsking(http410, 'db-0.db.default.svc.cluster.local.', '10.244.0.13', relistedAgain);
    assert.ok(http410.api.requests.some((r) => r.path === '/api/v1/services' && r.query.get('watch') === 'true' && Number(r.query.get('resourceVersion')) < Number(http410.api.resourceVersion)));
    await eventually(() => expectA(http410, 'nginx.default.svc.cluster.local.', 'NXDOMAIN'));
  } finally {
    await http410.stop();
  }
});

test('a relist that finds every object at the version held changes nothing: the SOA serial stays', async () => {
  const serial = async (): Promise<number> => ((await c.dns.query('nothing.default.svc.cluster.local', 'A')).packet.authorities?.[0] as { data: { serial: number } }).data.serial;
  const lists = (): number => c.api.requests.filter((r) => !r.query.get('watch')).length;
  // A change, then a second gone by: a relist that wrote its objects again would move the serial.
  c.api.apply(service('default', 'before-relist', { clusterIP: '10.96.6.6' }));
  await eventually(() => expectA(c, 'before-relist.default.svc.cluster.local.', ['10.96.6.6']));
  const before = await serial();
  await new Promise((r) => setTimeout(r, 1100));
  const listed = lists();
  c.api.compact({ expireWatches: true });
  await eventually(async () => assert.ok(lists() >= listed + 3, `${lists() - listed} lists`), 3000);
  await eventually(async () => assert.equal(c.api.watchCount, 3));
  assert.equal(await serial(), before);
});

test('a dropped watch resumes from its resourceVersion, bookmarks included, without relisting', async () => {
  const lists = (): number => c.api.requests.filter((r) => !r.query.get('watch')).length;
  const before = lists();
  // Namespaces change: the services watch sees only a bookmark carrying the new resourceVersion.
  c.api.apply(namespace('bookmarked'));
  const rv = c.api.resourceVersion;
  await new Promise((r) => setTimeout(r, 500));
  const seen = c.api.requests.length;
  c.api.dropWatches();
  await eventually(async () => assert.equal(c.api.watchCount, 3));
  const resumed = c.api.requests.slice(seen).find((r) => r.path === '/api/v1/services' && r.query.get('watch') === 'true');
  assert.equal(resumed?.query.get('resourceVersion'), rv);
  assert.equal(lists(), before);
  c.api.apply(service('default', 'resumed', { clusterIP: '10.96.5.5' }));
  await eventually(() => expectA(c, 'resumed.default.svc.cluster.local.', ['10.96.5.5']));
});

test('with the API server gone the last answers serve, and it catches up when it returns', async () => {
  await c.api.stop();
  for (let i = 0; i < 5; i++) {
    await expectA(c, 'nginx.default.svc.cluster.local.', ['10.109.102.230']);
    await new Promise((r) => setTimeout(r, 100));
  }
  // Changes made while the server was away reach us through the resumed watch.
  c.api.apply(service('default', 'while-away', { clusterIP: '10.96.6.6' }));
  c.api.delete('Service', 'default', 'nginx');
  await c.api.start();
  await eventually(async () => {
    await expectA(c, 'while-away.default.svc.cluster.local.', ['10.96.6.6']);
    await expectA(c, 'nginx.default.svc.cluster.local.', 'NXDOMAIN');
  }, 5000);
  assert.ok(c.dns.logs.some((l) => l.startsWith('[WARNING] plugin/kubernetes: failed to watch ')), c.dns.logs.join('\n'));
  c.api.apply(service('default', 'nginx', { clusterIP: '10.109.102.230', ports: [{ name: 'http', port: 80 }] }));
  await eventually(() => expectA(c, 'nginx.default.svc.cluster.local.', ['10.109.102.230']));
});

test('not ready until the first sync; startup_timeout bounds the wait, then SERVFAIL until synced', async () => {
  // A port nobody answers on: the API server is down when the DNS server starts.
  const api = await startFakeApiServer();
  await api.stop();
  const t0 = Date.now();
  const dns = await startTestServer(`cluster.local {\n kubernetes {\n  endpoint ${api.url}\n  startup_timeout 300ms\n }\n}`, { plugins: [kubernetes] });
  try {
    const waited = Date.now() - t0;
    assert.ok(waited >= 250 && waited < 3000, `the start waited ${waited} ms`);
    assert.ok(dns.logs.includes('[WARNING] plugin/kubernetes: starting server with unsynced Kubernetes API'), dns.logs.join('\n'));
    assert.deepEqual(dns.server.status.notReady(), ['kubernetes']);
    assertCase((await dns.query('nginx.default.svc.cluster.local', 'A')).packet, { qname: 'nginx', qtype: 'A', rcode: 'SERVFAIL' });
    api.apply(...base);
    await api.start();
    await eventually(async () => {
      assert.deepEqual(dns.server.status.notReady(), []);
      assertCase((await dns.query('nginx.default.svc.cluster.local', 'A')).packet, { qname: 'nginx', qtype: 'A', answer: a('nginx.default.svc.cluster.local.', '10.109.102.230') });
      assertCase((await dns.query('nothing.default.svc.cluster.local', 'A')).packet, { qname: 'nothing', qtype: 'A', rcode: 'NXDOMAIN' });
    }, 5000);
  } finally {
    await dns.stop();
    await api.stop();
  }
});

test('labels and namespace_labels go to the API server as label selectors', async (t) => {
  const cluster = await startCluster(
    [
      namespace('default', { dns: 'on' }),
      namespace('other'),
      service('default', 'yes', { clusterIP: '10.96.1.1', labels: { app: 'dns' } }),
      service('default', 'no', { clusterIP: '10.96.1.2', labels: { app: 'web' } }),
      service('other', 'yes', { clusterIP: '10.96.1.3', labels: { app: 'dns' } }),
    ],
    { lines: ['labels app in (dns, edge)', 'namespace_labels dns=on'] },
  );
  t.after(() => cluster.stop());
  await expectA(cluster, 'yes.default.svc.cluster.local.', ['10.96.1.1']);
  await expectA(cluster, 'no.default.svc.cluster.local.', 'NXDOMAIN');
  await expectA(cluster, 'yes.other.svc.cluster.local.', 'NXDOMAIN');
  const selectors = new Set(cluster.api.requests.map((r) => `${r.path} ${r.query.get('labelSelector')}`));
  assert.ok(selectors.has('/api/v1/services app in (dns,edge)'));
  assert.ok(selectors.has('/apis/discovery.k8s.io/v1/endpointslices app in (dns,edge)'));
  assert.ok(selectors.has('/api/v1/namespaces dns=on'));
  // A service relabelled out of the selector leaves (the watch sends DELETED), relabelled in comes back.
  cluster.api.apply(service('default', 'yes', { clusterIP: '10.96.1.1', labels: { app: 'web' } }));
  await eventually(() => expectA(cluster, 'yes.default.svc.cluster.local.', 'NXDOMAIN'));
  cluster.api.apply(service('default', 'no', { clusterIP: '10.96.1.2', labels: { app: 'edge' } }));
  await eventually(() => expectA(cluster, 'no.default.svc.cluster.local.', ['10.96.1.2']));
});

test('pods verified watches pods; noendpoints watches no EndpointSlices', async (t) => {
  const cluster = await startCluster([...base, pod('default', 'web-0', ['10.244.1.5', 'fd00::5'])], { lines: ['pods verified', 'noendpoints'] });
  t.after(() => cluster.stop());
  await expectA(cluster, '10-244-1-5.default.pod.cluster.local.', ['10.244.1.5']);
  assertCase((await cluster.dns.query('fd00--5.default.pod.cluster.local', 'AAAA')).packet, { qname: 'p', qtype: 'AAAA', answer: ['fd00--5.default.pod.cluster.local. 5 IN AAAA fd00::5'] });
  await expectA(cluster, '10-244-1-6.default.pod.cluster.local.', 'NXDOMAIN');
  cluster.api.apply(pod('default', 'web-1', ['10.244.1.6']));
  await eventually(() => expectA(cluster, '10-244-1-6.default.pod.cluster.local.', ['10.244.1.6']));
  cluster.api.apply(pod('default', 'web-1', ['10.244.1.6'], { terminating: true }));
  await eventually(() => expectA(cluster, '10-244-1-6.default.pod.cluster.local.', 'NXDOMAIN'));
  await expectA(cluster, 'db.default.svc.cluster.local.', 'NXDOMAIN');
  assert.ok(!cluster.api.requests.some((r) => r.path.includes('endpointslices')));
});

test("pods verified: finished pods (CoreDNS's field selector) and terminating ones do not answer, also when a watch event makes them so", async (t) => {
  const cluster = await startCluster(
    [
      namespace('default'),
      namespace('batch'),
      // A completed Job's pod whose address now belongs to a new pod in another namespace.
      pod('batch', 'job-1-x', ['10.244.2.1'], { phase: 'Succeeded' }),
      pod('default', 'web-0', ['10.244.2.1']),
      pod('batch', 'job-2-x', ['10.244.2.2'], { phase: 'Failed' }),
      pod('batch', 'lost', ['10.244.2.3'], { phase: 'Unknown' }),
      pod('batch', 'job-3-x', ['10.244.2.4'], { phase: 'Running' }),
      pod('batch', 'job-4-x', ['10.244.2.5'], { phase: 'Pending' }),
      pod('batch', 'going', ['10.244.2.6'], { terminating: true }),
    ],
    { lines: ['pods verified'] },
  );
  t.after(() => cluster.stop());
  const podsAsked = (): RecordedRequest[] => cluster.api.requests.filter((r) => r.path === '/api/v1/pods');
  await eventually(() => assert.ok(podsAsked().some((r) => r.query.get('watch') === 'true') && podsAsked().some((r) => !r.query.get('watch'))));
  for (const r of podsAsked()) assert.equal(r.query.get('fieldSelector'), 'status.phase!=Succeeded,status.phase!=Failed,status.phase!=Unknown');
  // What the stand-in API server does with that selector, as the real one does.
  const listed = (await (await fetch(`${cluster.api.url}/api/v1/namespaces/batch/pods?fieldSelector=${encodeURIComponent('status.phase!=Succeeded,status.phase!=Failed')}`)).json()) as { items: RawObject[] };
  assert.deepEqual(listed.items.map((p) => p.metadata?.name), ['going', 'job-3-x', 'job-4-x', 'lost']);
  await expectA(cluster, '10-244-2-1.batch.pod.cluster.local.', 'NXDOMAIN');
  await expectA(cluster, '10-244-2-1.default.pod.cluster.local.', ['10.244.2.1']);
  await expectA(cluster, '10-244-2-2.batch.pod.cluster.local.', 'NXDOMAIN');
  await expectA(cluster, '10-244-2-3.batch.pod.cluster.local.', 'NXDOMAIN');
  await expectA(cluster, '10-244-2-4.batch.pod.cluster.local.', ['10.244.2.4']);
  await expectA(cluster, '10-244-2-5.batch.pod.cluster.local.', ['10.244.2.5']);
  await expectA(cluster, '10-244-2-6.batch.pod.cluster.local.', 'NXDOMAIN');
  // MODIFIED: a pod that finishes or gets a deletion timestamp leaves; a pod that restarts in Running comes back.
  cluster.api.apply(pod('batch', 'job-3-x', ['10.244.2.4'], { phase: 'Succeeded' }));
  cluster.api.apply(pod('batch', 'job-4-x', ['10.244.2.5'], { phase: 'Failed' }));
  await eventually(async () => {
    await expectA(cluster, '10-244-2-4.batch.pod.cluster.local.', 'NXDOMAIN');
    await expectA(cluster, '10-244-2-5.batch.pod.cluster.local.', 'NXDOMAIN');
  });
  cluster.api.apply(pod('default', 'web-0', ['10.244.2.1'], { terminating: true }));
  await eventually(() => expectA(cluster, '10-244-2-1.default.pod.cluster.local.', 'NXDOMAIN'));
  cluster.api.apply(pod('batch', 'lost', ['10.244.2.3'], { phase: 'Running' }));
  await eventually(() => expectA(cluster, '10-244-2-3.batch.pod.cluster.local.', ['10.244.2.3']));
});

test('an ExternalName service: the CNAME, and the target resolved through the server chain', async (t) => {
  const cluster = await startCluster([namespace('default'), service('default', 'search', { externalName: 'search.example.org' })], {
    key: '.',
    zones: 'cluster.local',
    plugins: [kubernetes, staticAnswer],
    tail: ' static_answer\n',
  });
  t.after(() => cluster.stop());
  const reply = await cluster.dns.query('search.default.svc.cluster.local', 'A');
  assertCase(reply.packet, {
    qname: 'search',
    qtype: 'A',
    ordered: true,
    answer: ['search.default.svc.cluster.local. 5 IN CNAME search.example.org.', 'search.example.org. 60 IN A 192.0.2.1'],
  });
});

test("the rest-client and DNS programming metrics, by CoreDNS's names", async () => {
  const trigger = new Date(Date.now() - 1500);
  c.api.apply(endpointSlice('default', 'db-3', 'db', { endpoints: [{ ip: '10.244.0.15', hostname: 'db-2' }], ports: [{ name: 'pg', port: 5432 }], triggerTime: trigger }));
  await eventually(() => expectA(c, 'db-2.db.default.svc.cluster.local.', ['10.244.0.15']));
  const text = await c.dns.server.registry.metrics();
  const host = `127.0.0.1:${c.api.port}`;
  assert.match(text, new RegExp(`coredns_kubernetes_rest_client_requests_total\\{code="200",method="GET",host="${host}"\\} \\d+`));
  assert.match(text, new RegExp(`coredns_kubernetes_rest_client_request_duration_seconds_count\\{verb="GET",host="${host}"\\} \\d+`));
  assert.match(text, new RegExp(`coredns_kubernetes_rest_client_rate_limiter_duration_seconds_count\\{verb="GET",host="${host}"\\} \\d+`));
  assert.match(text, /coredns_kubernetes_dns_programming_duration_seconds_bucket\{le="1.024",service_kind="headless_with_selector"\} 0/);
  assert.match(text, /coredns_kubernetes_dns_programming_duration_seconds_bucket\{le="2.048",service_kind="headless_with_selector"\} 1/);
});
