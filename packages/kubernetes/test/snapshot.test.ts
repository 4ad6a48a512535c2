import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Handler, type Next, QType, Rcode, silentLogger, type Workers } from '@chaindns/core';
import { makeRequest, serveWith } from '@chaindns/core/testing';
import { kubernetesExternal } from '../src/external.js';
import { ClusterIndex, type RawObject, toService, toSlice } from '../src/index.js';
import type { IndexReader } from '../src/index-reader.js';
import type { Source } from '../src/resources.js';
import { publishSnapshots, SharedIndex } from '../src/shared-index.js';
import { SnapshotIndex } from '../src/snapshot-reader.js';
import { writeSnapshot } from '../src/snapshot-writer.js';
import { endpointSlice, namespace, pod, service } from '../src/testing/index.js';
import { buildIndex, coreDnsCluster, handler } from './cluster.js';
import { eventually } from './helpers.js';

// A worker of -workers N reads the primary's index as a snapshot in shared memory: every
// lookup must see what the index it was taken from sees, and every answer be the same bytes.

/** The cluster of the handler tests, and more: dual-stack pods, a pod on the host network, unlabelled and orphan slices, load balancers. */
const cluster: readonly RawObject[] = [
  ...coreDnsCluster,
  namespace('other'),
  service('other', 'dual', { clusterIP: ['10.0.9.1', 'fd00::9:1'], ports: [{ name: 'dns', port: 53, protocol: 'UDP' }], externalIPs: ['192.0.2.9'] }),
  endpointSlice('other', 'dual-a', 'dual', { endpoints: [{ ip: '10.9.0.1', hostname: 'a', node: 'n1' }, { ip: '10.9.0.2', ready: false, pod: 'dual-1' }], ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] }),
  endpointSlice('other', 'orphan-1', 'gone', { endpoints: [{ ip: '10.9.0.3' }], ports: [] }),
  // An address in two slices, and twice in one of them: the slices by IP list each slice once, in the index's order.
  endpointSlice('other', 'dual-b', 'dual', { endpoints: [{ ip: '10.9.0.4', hostname: 'b' }, { ip: '10.9.0.1', hostname: 'c' }, { ip: '10.9.0.1', hostname: 'd' }], ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] }),
  pod('other', 'p1', ['10.9.0.1', 'fd00::1:1']),
  pod('other', 'host', ['192.168.0.10']),
  pod('podns', 'host', ['192.168.0.10']),
  service('other', 'lb', { type: 'LoadBalancer', clusterIP: '10.0.9.2', externalIPs: ['192.0.2.10'], loadBalancer: [{ ip: '192.0.2.11' }, { hostname: 'LB.example.' }, { ip: '192.0.2.10' }] }),
  service('other', 'lb2', { type: 'LoadBalancer', clusterIP: '10.0.9.3', loadBalancer: [{ ip: '192.0.2.11' }] }),
];

/** Entries as plain data: what the answers read (a snapshot keeps no resourceVersion or trigger time; a service's id is its holder's number for it). */
const plain = (value: unknown): unknown => (value === undefined ? undefined : JSON.parse(JSON.stringify(value, (k, v: unknown) => (k === 'resourceVersion' || k === 'triggerTime' || k === 'id' ? undefined : v))));

function assertSameLookups(a: IndexReader, b: IndexReader, index: ClusterIndex): void {
  const names = [...index.allServices()].map((s) => [s.name, s.namespace] as const);
  const ips = new Set<string>(['10.0.0.99', 'fd00::dead', '']);
  for (const svc of index.allServices()) for (const ip of [...svc.clusterIPs, ...svc.externalIPs, ...svc.ingress]) ips.add(ip);
  for (const slice of index.allSlices()) for (const ep of slice.endpointList()) ips.add(ep.ip);
  for (const [ip] of index.allPods()) ips.add(ip);
  assert.equal(b.modified, a.modified);
  assert.deepEqual(b.counts(), a.counts());
  assert.deepEqual(plain([...b.allServices()]), plain([...a.allServices()]));
  for (const [name, ns] of [...names, ['nosuch', 'testns'] as const, ['svc1', 'nosuch'] as const, ['gone', 'other'] as const]) {
    assert.deepEqual(plain(b.service(name, ns)), plain(a.service(name, ns)), `service ${name}.${ns}`);
    assert.deepEqual(plain(b.slicesOf(name, ns)), plain(a.slicesOf(name, ns)), `slicesOf ${name}.${ns}`);
  }
  for (const ip of ips) {
    assert.deepEqual(plain(b.servicesByIp(ip)), plain(a.servicesByIp(ip)), `servicesByIp ${ip}`);
    assert.deepEqual(plain(b.servicesByExternalIp(ip)), plain(a.servicesByExternalIp(ip)), `servicesByExternalIp ${ip}`);
    assert.deepEqual(plain(b.slicesByIp(ip)), plain(a.slicesByIp(ip)), `slicesByIp ${ip}`);
    assert.equal(b.podNamespace(ip), a.podNamespace(ip), `podNamespace ${ip}`);
    for (const ns of ['testns', 'podns', 'other', 'nosuch']) assert.equal(b.hasPod(ip, ns), a.hasPod(ip, ns), `hasPod ${ip} ${ns}`);
  }
  for (const ns of ['testns', 'podns', 'other', 'nosuch', '']) assert.equal(b.hasNamespace(ns), a.hasNamespace(ns), `namespace ${ns}`);
}

test('a snapshot answers every lookup as the index it was taken from', () => {
  const index = buildIndex(cluster);
  const snapshot = new SnapshotIndex(writeSnapshot(index, true));
  assert.equal(snapshot.synced, true);
  assertSameLookups(index, snapshot, index);
  assert.equal(new SnapshotIndex(writeSnapshot(new ClusterIndex(), false)).synced, false);
});

test('answers from a snapshot are the bytes the index gives, name by name', async () => {
  const index = buildIndex(cluster);
  const snapshot = new SnapshotIndex(writeSnapshot(index, true));
  const next: Next = () => Rcode.REFUSED;
  const pairs: [Handler, Handler][] = [
    [handler({}, cluster), handler({ index: snapshot }, cluster)],
    [handler({ pods: 'verified', endpointPodNames: true }, cluster), handler({ index: snapshot, pods: 'verified', endpointPodNames: true }, cluster)],
  ];
  const names = ['cluster.local.', 'dns-version.cluster.local.', 'svc.cluster.local.', 'nosuch.testns.svc.cluster.local.', 'x.nosuch.svc.cluster.local.', '10-9-0-1.other.pod.cluster.local.', '10-240-0-1.podns.pod.cluster.local.', '1-2-3-4.podns.pod.cluster.local.'];
  for (const svc of index.allServices()) {
    const base = `${svc.name}.${svc.namespace}.svc.cluster.local.`;
    names.push(base, `a.${base}`, `web-0.${base}`);
    for (const p of svc.ports) names.push(`_${p.name}._${p.protocol}.${base}`);
    for (const slice of index.slicesOf(svc.name, svc.namespace)) for (const ep of slice.endpointList()) names.push(`${ep.hostname ?? ep.ip.replaceAll(/[.:]/g, '-')}.${base}`);
  }
  for (const ip of ['10.0.0.1', '172.0.0.2', '10.9.0.1', '10.9.0.3', '192.0.2.9', '10.0.9.1']) names.push(`${ip.split('.').reverse().join('.')}.in-addr.arpa.`);
  let compared = 0;
  for (const [fromIndex, fromSnapshot] of pairs) {
    for (const name of names) {
      for (const qtype of ['A', 'AAAA', 'SRV', 'TXT', 'CNAME', 'PTR', 'NS', 'SOA', 'MX'] as const) {
        const a = await serveWith(fromIndex, makeRequest(name, qtype), next);
        const b = await serveWith(fromSnapshot, makeRequest(name, qtype), next);
        // After the ID, which each request draws at random.
        assert.deepEqual(b.recorder.msg?.subarray(2), a.recorder.msg?.subarray(2), `${name} ${qtype}`);
        compared++;
      }
    }
  }
  assert.ok(compared > 500, `${compared} answers compared`);
});

test('a worker\'s shared index: empty and not synced until the first snapshot, then the latest one', () => {
  const shared = new SharedIndex(['Service', 'EndpointSlice', 'Namespace'], 'watching');
  assert.equal(shared.synced, false);
  assert.deepEqual(shared.counts(), { services: 0, endpointSlices: 0, namespaces: 0, pods: 0 });
  assert.deepEqual(shared.syncStates(), [
    { kind: 'Service', state: 'listing', lastEventAt: null },
    { kind: 'EndpointSlice', state: 'listing', lastEventAt: null },
    { kind: 'Namespace', state: 'listing', lastEventAt: null },
  ]);
  assert.equal(shared.service('svc1', 'testns'), undefined);
  assert.deepEqual([...shared.allServices()], []);
  const index = buildIndex(cluster);
  shared.take(writeSnapshot(index, false));
  assert.equal(shared.synced, false);
  assert.deepEqual(
    shared.syncStates().map((r) => r.state),
    ['listing', 'listing', 'listing'],
  );
  const before = Date.now();
  shared.take(writeSnapshot(index, true));
  assert.equal(shared.synced, true);
  assertSameLookups(index, shared, index);
  for (const r of shared.syncStates()) {
    assert.equal(r.state, 'watching');
    assert.ok(r.lastEventAt !== null && r.lastEventAt >= before, `${r.kind} heard of when the snapshot came`);
  }
  index.deleteService('testns', 'svc1');
  shared.take(writeSnapshot(index, true));
  assert.equal(shared.service('svc1', 'testns'), undefined);
});

test('the primary with workers: its reverse lookups read the snapshot it published (its own maps by address before the first), and follow its changes with the next', async () => {
  const index = buildIndex(cluster);
  const names = (ip: string): string[] => index.slicesByIp(ip).map((s) => `${s.name} ${s.endpointList().map((e) => e.ip).join(',')}`);
  // Before a snapshot: from the index's own maps, built at this first lookup.
  assert.deepEqual(names('10.9.0.1'), ['dual-a 10.9.0.1,10.9.0.2', 'dual-b 10.9.0.4,10.9.0.1,10.9.0.1']);
  assert.equal(index.slicesByIp('10.9.0.1')[0], index.slice('other', 'dual-a'));
  const published: unknown[] = [];
  const workers = { publish: (_key: string, value: unknown) => published.push(value) } as unknown as Workers;
  const publisher = publishSnapshots(index, { synced: true } as Source, workers, 'k', silentLogger);
  try {
    assert.equal(published.length, 1, 'a synced index is published at once');
    // From the snapshot now: the same answers, decoded from shared memory rather than the index's entries.
    assert.deepEqual(names('10.9.0.1'), ['dual-a 10.9.0.1,10.9.0.2', 'dual-b 10.9.0.4,10.9.0.1,10.9.0.1']);
    assert.notEqual(index.slicesByIp('10.9.0.1')[0], index.slice('other', 'dual-a'));
    assert.deepEqual(index.servicesByIp('10.0.9.1').map((s) => s.name), ['dual']);
    assert.deepEqual(index.servicesByExternalIp('192.0.2.11').map((s) => s.name), ['lb', 'lb2']);
    // A watch update moves an endpoint: the next snapshot (within PUBLISH_MS) has it, as the workers' do.
    index.setSlice(toSlice(endpointSlice('other', 'dual-a', 'dual', { endpoints: [{ ip: '10.9.0.7' }] }), index.interner));
    await eventually(() => assert.deepEqual(names('10.9.0.7'), ['dual-a 10.9.0.7']));
    assert.deepEqual(names('10.9.0.1'), ['dual-b 10.9.0.4,10.9.0.1,10.9.0.1']);
    assert.equal(published.length, 2);
  } finally {
    publisher.stop();
  }
});

test('a name no Kubernetes object can have is refused by the snapshot, not mangled', () => {
  const index = buildIndex([namespace('ünïcode')]);
  assert.throws(() => writeSnapshot(index, true), /"ünïcode": not a Kubernetes name or address/);
});

test('a worker\'s kept replies follow each snapshot: a changed service, a deleted namespace', async () => {
  const objects: RawObject[] = [namespace('ns'), service('ns', 'web', { clusterIP: '10.0.0.1', ports: [{ name: 'http', port: 80 }] })];
  const index = buildIndex(objects);
  const shared = new SharedIndex(['Service'], 'watching');
  shared.take(writeSnapshot(index, true));
  const worker = handler({ index: shared });
  const ask = async (qtype: number): Promise<string> => {
    const { recorder } = await serveWith(worker, makeRequest('web.ns.svc.cluster.local.', qtype), () => Rcode.REFUSED);
    const answers = recorder.packet().answers ?? [];
    return `${recorder.rcode} ${answers.map((a) => JSON.stringify('data' in a ? a.data : null)).join(' ')}`;
  };
  // Twice each: the second is the kept reply.
  for (let i = 0; i < 2; i++) assert.equal(await ask(QType.A), '0 "10.0.0.1"');
  for (let i = 0; i < 2; i++) assert.match(await ask(QType.SRV), /"port":80,/);
  index.setService(toService(service('ns', 'web', { clusterIP: '10.0.0.2', ports: [{ name: 'http', port: 81 }] }), index.interner));
  shared.take(writeSnapshot(index, true));
  for (let i = 0; i < 2; i++) assert.equal(await ask(QType.A), '0 "10.0.0.2"');
  assert.match(await ask(QType.SRV), /"port":81,/);
  index.deleteNamespace('ns');
  shared.take(writeSnapshot(index, true));
  assert.equal(await ask(QType.A), '3 ');
});

test('k8s_external in a worker: load-balancer ingress and reverse lookups from the snapshot', () => {
  const index = buildIndex(cluster);
  const shared = new SharedIndex(['Service'], 'watching');
  shared.take(writeSnapshot(index, true));
  const options = { index: shared, zones: ['cluster.local.'], primaryZone: 'cluster.local.', namespaces: null, pods: 'disabled' as const, endpointPodNames: false, ignoreEmptyService: false, ttl: 5, localIPs: [], synced: () => shared.synced };
  const fromShared = kubernetesExternal(options);
  const fromIndex = kubernetesExternal({ ...options, index });
  for (const name of ['lb.other', 'lb2.other', 'dual.other', 'svc1.testns', '_http._tcp.lb.other']) assert.deepEqual(fromShared.lookup(name, false), fromIndex.lookup(name, false), name);
  assert.deepEqual(
    fromShared.lookup('lb.other', false)?.map((i) => i.host),
    ['192.0.2.10', '192.0.2.11', 'lb.example'],
  );
  assert.deepEqual(fromShared.reverse('11.2.0.192.in-addr.arpa.'), ['lb.other', 'lb2.other']);
  assert.deepEqual(fromShared.reverse('11.2.0.192.in-addr.arpa.'), fromIndex.reverse('11.2.0.192.in-addr.arpa.'));
});
