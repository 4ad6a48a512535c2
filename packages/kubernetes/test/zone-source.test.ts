import assert from 'node:assert/strict';
import { test } from 'node:test';
import dnsPacket from 'dns-packet';
import { kubernetesZoneSource } from '../src/zone-source.js';
import { buildIndex, coreDnsCluster, SERIAL } from './cluster.js';

/** The zone source over CoreDNS's test cluster (xfr_test.go's settings: namespaces testns and kube-system, this host 10.0.0.10). */
function source() {
  return kubernetesZoneSource({
    index: buildIndex(coreDnsCluster),
    zones: ['cluster.local.', 'in-addr.arpa.'],
    primaryZone: 'cluster.local.',
    namespaces: new Set(['testns', 'kube-system']),
    pods: 'disabled',
    endpointPodNames: false,
    ignoreEmptyService: false,
    ttl: 5,
    localIPs: ['10.0.0.10'],
  });
}

/** A record as dig prints it, tabs as single spaces. */
function present(rr: Buffer): string {
  const a = dnsPacket.decode(Buffer.concat([Buffer.from([0, 0, 0x80, 0, 0, 0, 0, 1, 0, 0, 0, 0]), rr])).answers![0] as { name: string; type: string; ttl: number; data: unknown };
  const d = a.data;
  const data =
    a.type === 'SOA'
      ? Object.values(d as object).join(' ')
      : a.type === 'SRV'
        ? ((s: dnsPacket.SrvData) => `${s.priority} ${s.weight} ${s.port} ${s.target}`)(d as dnsPacket.SrvData)
        : String(d);
  return `${a.name}. ${a.ttl} IN ${a.type} ${data}`;
}

test("the cluster's zone as CoreDNS's xfr_test.go expects it", () => {
  const s = source();
  assert.deepEqual(s.zones(), ['cluster.local.']);
  assert.equal(s.serial('cluster.local.'), SERIAL);
  assert.equal(s.records('example.com.'), null);
  const got = [...s.records('cluster.local.')!].map(present);
  // CoreDNS's expectedZone, with the SOA once (transfer adds the last), the serial of this
  // fixture, and the SRV weights of hdls1 per EndpointSlice (4 ready IPv4, 2 IPv6) where
  // CoreDNS's hand-made fixture holds one subset of 6 (a real cluster's slices are per family).
  // nobody, notready and web are services this fixture adds to CoreDNS's.
  const want = [
    `cluster.local. 5 IN SOA ns.dns.cluster.local hostmaster.cluster.local ${SERIAL} 7200 1800 86400 5`,
    'cluster.local. 5 IN NS ns.dns.cluster.local',
    'ns.dns.cluster.local. 5 IN A 10.0.0.10',
    'external.testns.svc.cluster.local. 5 IN CNAME ext.interwebs.test',
    'external-to-service.testns.svc.cluster.local. 5 IN CNAME svc1.testns.svc.cluster.local',
    'hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.2',
    '172-0-0-2.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.2',
    '_http._tcp.hdls1.testns.svc.cluster.local. 5 IN SRV 0 25 80 172-0-0-2.hdls1.testns.svc.cluster.local',
    'hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.3',
    '172-0-0-3.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.3',
    '_http._tcp.hdls1.testns.svc.cluster.local. 5 IN SRV 0 25 80 172-0-0-3.hdls1.testns.svc.cluster.local',
    'hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.4',
    'dup-name.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.4',
    '_http._tcp.hdls1.testns.svc.cluster.local. 5 IN SRV 0 25 80 dup-name.hdls1.testns.svc.cluster.local',
    'hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.5',
    'dup-name.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.5',
    '_http._tcp.hdls1.testns.svc.cluster.local. 5 IN SRV 0 25 80 dup-name.hdls1.testns.svc.cluster.local',
    'hdls1.testns.svc.cluster.local. 5 IN AAAA 5678:abcd::1',
    '5678-abcd--1.hdls1.testns.svc.cluster.local. 5 IN AAAA 5678:abcd::1',
    '_http._tcp.hdls1.testns.svc.cluster.local. 5 IN SRV 0 50 80 5678-abcd--1.hdls1.testns.svc.cluster.local',
    'hdls1.testns.svc.cluster.local. 5 IN AAAA 5678:abcd::2',
    '5678-abcd--2.hdls1.testns.svc.cluster.local. 5 IN AAAA 5678:abcd::2',
    '_http._tcp.hdls1.testns.svc.cluster.local. 5 IN SRV 0 50 80 5678-abcd--2.hdls1.testns.svc.cluster.local',
    'hdlsprtls.testns.svc.cluster.local. 5 IN A 172.0.0.20',
    '172-0-0-20.hdlsprtls.testns.svc.cluster.local. 5 IN A 172.0.0.20',
    'kubedns.kube-system.svc.cluster.local. 5 IN A 10.0.0.10',
    'kubedns.kube-system.svc.cluster.local. 5 IN SRV 0 100 53 kubedns.kube-system.svc.cluster.local',
    '_dns._udp.kubedns.kube-system.svc.cluster.local. 5 IN SRV 0 100 53 kubedns.kube-system.svc.cluster.local',
  ];
  assert.deepEqual(got.slice(0, want.length), want);
  const rest = got.slice(want.length);
  for (const line of [
    'svc-dual-stack.testns.svc.cluster.local. 5 IN A 10.0.0.3',
    'svc-dual-stack.testns.svc.cluster.local. 5 IN AAAA 10::3',
    '_http._tcp.svc1.testns.svc.cluster.local. 5 IN SRV 0 100 80 svc1.testns.svc.cluster.local',
    'svc6.testns.svc.cluster.local. 5 IN AAAA 1234:abcd::1',
    'svcempty.testns.svc.cluster.local. 5 IN SRV 0 100 80 svcempty.testns.svc.cluster.local',
  ]) {
    assert.ok(rest.includes(line), `${line} in\n${rest.join('\n')}`);
  }
  assert.ok(!got.some((l) => l.includes('unexposedns')), 'a namespace not exposed stays out');
});
