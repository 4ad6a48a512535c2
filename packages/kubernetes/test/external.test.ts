import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ExternalSource } from '@chaindns/core';
import { kubernetesExternal } from '../src/external.js';
import { type RawObject, toService } from '../src/index.js';
import { ClusterIndex } from '../src/index-store.js';
import { endpointSlice, namespace, service } from '../src/testing/index.js';
import { buildIndex, SERIAL } from './cluster.js';

/** CoreDNS's external_test.go cluster, and load balancers beside it. */
const cluster: readonly RawObject[] = [
  namespace('testns'),
  namespace('kube-system'),
  service('testns', 'svc1', { clusterIP: '10.0.0.1', externalIPs: ['1.2.3.4'], ports: [{ name: 'http', port: 80 }] }),
  service('testns', 'svc6', { clusterIP: '10.0.0.3', externalIPs: ['1:2::5'], ports: [{ name: 'http', port: 80 }] }),
  service('testns', 'svc11', { type: 'LoadBalancer', clusterIP: '10.0.0.3', loadBalancer: [{ ip: '2.3.4.5' }], ports: [{ name: 'http', port: 80 }] }),
  service('testns', 'svc12', { type: 'LoadBalancer', clusterIP: '10.0.0.3', loadBalancer: [{ hostname: 'Dummy.Hostname.' }], ports: [{ name: 'http', port: 80 }] }),
  service('testns', 'both', { type: 'LoadBalancer', clusterIP: '10.0.0.4', externalIPs: ['192.0.2.1'], loadBalancer: [{ ip: '192.0.2.2' }, { ip: '192.0.2.1' }], ports: [{ name: 'http', port: 80 }, { port: 8080 }] }),
  service('testns', 'internal', { clusterIP: '10.0.0.5', ports: [{ name: 'http', port: 80 }] }),
  service('testns', 'svc-headless', { clusterIP: 'None', ports: [{ name: 'http', port: 80 }] }),
  endpointSlice('testns', 'svc-headless-1', 'svc-headless', {
    endpoints: [{ ip: '1.2.3.4', hostname: 'endpoint-svc-0' }, { ip: '1.2.3.5', hostname: 'endpoint-svc-1' }, { ip: '1.2.3.6', hostname: 'not-ready', ready: false }],
    ports: [{ name: 'http', port: 80 }],
  }),
  service('kube-system', 'kube-dns', { clusterIP: '10.96.0.10', externalIPs: ['203.0.113.53'], ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] }),
  endpointSlice('kube-system', 'kube-dns-1', 'kube-dns', { endpoints: [{ ip: '10.244.0.2' }], ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] }),
];

function source(localIPs: readonly string[] = [], namespaces: ReadonlySet<string> | null = null): ExternalSource {
  return kubernetesExternal({
    index: buildIndex(cluster),
    zones: ['cluster.local.'],
    primaryZone: 'cluster.local.',
    namespaces,
    pods: 'disabled',
    endpointPodNames: false,
    ignoreEmptyService: false,
    ttl: 5,
    localIPs,
    synced: () => true,
  });
}

test('lookup: what a name under the external zone stands for, as CoreDNS’s External', () => {
  const s = source();
  const cases: { name: string; headless?: boolean; want: string[] | null }[] = [
    { name: 'svc1.testns', want: ['1.2.3.4 80 svc1.testns'] },
    { name: 'svc6.testns', want: ['1:2::5 80 svc6.testns'] },
    { name: '_http._tcp.svc1.testns', want: ['1.2.3.4 80 svc1.testns'] },
    { name: '_https._tcp.svc1.testns', want: null },
    { name: '*._not-udp-or-tcp.svc1.testns', want: null },
    { name: 'svc11.testns', want: ['2.3.4.5 80 svc11.testns'] },
    { name: 'svc12.testns', want: ['dummy.hostname 80 svc12.testns'] },
    // spec.externalIPs first, then the load balancers', each once; every port.
    { name: 'both.testns', want: ['192.0.2.1 80 both.testns', '192.0.2.1 8080 both.testns', '192.0.2.2 80 both.testns', '192.0.2.2 8080 both.testns'] },
    // No external address: not in the external zone.
    { name: 'internal.testns', want: null },
    { name: 'svc0.testns', want: null },
    { name: 'svc0.svc-nons', want: null },
    { name: 'testns', want: [] },
    { name: 'a.b.c.svc1.testns', want: null },
    { name: 'endpoint-1.svc1.testns', want: null },
    { name: 'svc-headless.testns', want: null },
    { name: 'svc-headless.testns', headless: true, want: ['1.2.3.4 80 endpoint-svc-0.svc-headless.testns', '1.2.3.5 80 endpoint-svc-1.svc-headless.testns'] },
    { name: 'endpoint-svc-0.svc-headless.testns', headless: true, want: ['1.2.3.4 80 endpoint-svc-0.svc-headless.testns'] },
    { name: '_http._tcp.svc-headless.testns', headless: true, want: ['1.2.3.4 80 endpoint-svc-0.svc-headless.testns', '1.2.3.5 80 endpoint-svc-1.svc-headless.testns'] },
    { name: 'not-ready.svc-headless.testns', headless: true, want: null },
    { name: 'endpoint-1.svc-nons.testns', headless: true, want: null },
  ];
  for (const c of cases) {
    const got = s.lookup(c.name, c.headless ?? false);
    assert.deepEqual(got && got.map((i) => `${i.host} ${i.port} ${i.target}`).sort(), c.want, c.name);
  }
});

test('namespaces limits what lookup and reverse see', () => {
  const s = source([], new Set(['kube-system']));
  assert.equal(s.lookup('svc1.testns', false), null);
  assert.deepEqual(s.reverse('4.3.2.1.in-addr.arpa.'), []);
  assert.deepEqual(s.reverse('53.113.0.203.in-addr.arpa.'), ['kube-dns.kube-system']);
});

test('reverse: the services with an external IP or a load balancer at the address', () => {
  const s = source();
  assert.deepEqual(s.reverse('4.3.2.1.in-addr.arpa.'), ['svc1.testns']);
  assert.deepEqual(s.reverse('5.4.3.2.in-addr.arpa.'), ['svc11.testns']);
  assert.deepEqual(s.reverse('1.2.0.192.in-addr.arpa.'), ['both.testns']);
  assert.deepEqual(s.reverse('2.2.0.192.in-addr.arpa.'), ['both.testns']);
  assert.deepEqual(s.reverse('5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.2.0.0.0.1.0.0.0.ip6.arpa.'), ['svc6.testns']);
  assert.equal(s.reverse('3.2.1.in-addr.arpa.'), null);
  assert.equal(s.reverse('svc1.testns.example.org.'), null);
  // A cluster IP is not external.
  assert.deepEqual(s.reverse('1.0.0.10.in-addr.arpa.'), []);
  assert.deepEqual(s.serial(), SERIAL);
});

test('the index forgets a service’s external addresses with it, and follows their changes', () => {
  const index = new ClusterIndex();
  const lb = (ips: string[]) => toService(service('testns', 'lb', { type: 'LoadBalancer', clusterIP: '10.0.0.9', loadBalancer: ips.map((ip) => ({ ip })) }), index.interner);
  index.setService(lb(['192.0.2.7']));
  assert.equal(index.servicesByExternalIp('192.0.2.7').length, 1);
  index.setService(lb(['192.0.2.8']));
  assert.deepEqual([index.servicesByExternalIp('192.0.2.7').length, index.servicesByExternalIp('192.0.2.8').length], [0, 1]);
  index.deleteService('testns', 'lb');
  assert.equal(index.servicesByExternalIp('192.0.2.8').length, 0);
});

test('nameservers: the external addresses of the service this host is an endpoint of, else this host’s', () => {
  assert.deepEqual(source(['10.244.0.2']).nameservers(false), ['203.0.113.53']);
  assert.deepEqual(source(['192.0.2.53']).nameservers(false), ['192.0.2.53']);
  // Behind a service without external addresses there is none to give, as CoreDNS.
  assert.deepEqual(source(['1.2.3.4']).nameservers(false), []);
  assert.deepEqual(source(['1.2.3.4']).nameservers(true), ['1.2.3.4', '1.2.3.5']);
});

test('names: every name with items, for a zone transfer', () => {
  assert.deepEqual([...source().names(false)], [
    'kube-dns.kube-system',
    '_dns._udp.kube-dns.kube-system',
    'both.testns',
    '_http._tcp.both.testns',
    'svc1.testns',
    '_http._tcp.svc1.testns',
    'svc11.testns',
    '_http._tcp.svc11.testns',
    'svc12.testns',
    '_http._tcp.svc12.testns',
    'svc6.testns',
    '_http._tcp.svc6.testns',
  ]);
  const headless = [...source().names(true)];
  assert.deepEqual(headless.slice(headless.indexOf('svc-headless.testns'), headless.indexOf('svc-headless.testns') + 4), [
    'svc-headless.testns',
    'endpoint-svc-0.svc-headless.testns',
    'endpoint-svc-1.svc-headless.testns',
    '_http._tcp.svc-headless.testns',
  ]);
});
