import { type Handler, reply } from '@chaindns/core';
import { makeRequest } from '@chaindns/core/testing';
import { endpointSlice, namespace, pod, service } from '../src/testing/index.js';
import { ClusterIndex, createKubernetes, type KubernetesHandlerOptions, type RawObject, toNamespace, toPod, toService, toSlice } from '../src/index.js';

/** The serial every table test's SOA carries (the index clock is frozen at it). */
export const SERIAL = 1499347823;

/** CoreDNS's handler_test.go cluster (APIConnServeTest), as API objects. */
export const coreDnsCluster: readonly RawObject[] = [
  namespace('testns'),
  namespace('kube-system'),
  namespace('podns'),
  namespace('unexposedns'),
  service('kube-system', 'kubedns', { clusterIP: '10.0.0.10', ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] }),
  endpointSlice('kube-system', 'kubedns-abc', 'kubedns', { endpoints: [{ ip: '172.0.0.100' }], ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] }),
  service('testns', 'svc1', { clusterIP: '10.0.0.1', ports: [{ name: 'http', port: 80 }] }),
  endpointSlice('testns', 'svc1-slice1', 'svc1', { endpoints: [{ ip: '172.0.0.1', hostname: 'ep1a' }], ports: [{ name: 'http', port: 80 }] }),
  service('testns', 'svcempty', { clusterIP: '10.0.0.1', ports: [{ name: 'http', port: 80 }] }),
  endpointSlice('testns', 'svcempty-slice1', 'svcempty', { endpoints: [], ports: [{ name: 'http', port: 80 }] }),
  service('testns', 'svc6', { clusterIP: '1234:abcd::1', ports: [{ name: 'http', port: 80 }] }),
  service('testns', 'hdls1', { clusterIP: 'None' }),
  // Two slices, one per family, merged into one set of endpoints.
  endpointSlice('testns', 'hdls1-v4', 'hdls1', {
    endpoints: [{ ip: '172.0.0.2' }, { ip: '172.0.0.3' }, { ip: '172.0.0.4', hostname: 'dup-name' }, { ip: '172.0.0.5', hostname: 'dup-name' }, { ip: '172.0.0.6', ready: false }],
    ports: [{ name: 'http', port: 80 }],
  }),
  endpointSlice('testns', 'hdls1-v6', 'hdls1', { endpoints: [{ ip: '5678:abcd::1' }, { ip: '5678:abcd::2' }], ports: [{ name: 'http', port: 80 }] }),
  service('testns', 'external', { externalName: 'ext.interwebs.test', ports: [{ name: 'http', port: 80 }] }),
  service('testns', 'external-to-service', { externalName: 'svc1.testns.svc.cluster.local.', ports: [{ name: 'http', port: 80 }] }),
  service('testns', 'hdlsprtls', { clusterIP: 'None' }),
  endpointSlice('testns', 'hdlsprtls-slice1', 'hdlsprtls', { endpoints: [{ ip: '172.0.0.20' }] }),
  service('unexposedns', 'svc1', { clusterIP: '10.0.0.2', ports: [{ name: 'http', port: 80 }] }),
  service('testns', 'svc-dual-stack', { clusterIP: ['10.0.0.3', '10::3'], ports: [{ name: 'http', port: 80 }] }),
  // Beyond CoreDNS's table: readiness, publishNotReadyAddresses, pod names, a headless service with no ready endpoint.
  service('testns', 'notready', { clusterIP: 'None', publishNotReadyAddresses: true }),
  endpointSlice('testns', 'notready-1', 'notready', { endpoints: [{ ip: '172.0.1.1', ready: false }] }),
  service('testns', 'nobody', { clusterIP: 'None' }),
  endpointSlice('testns', 'nobody-1', 'nobody', { endpoints: [{ ip: '172.0.1.2', ready: false }] }),
  service('testns', 'web', { clusterIP: 'None', ports: [{ name: 'http', port: 8080 }] }),
  endpointSlice('testns', 'web-1', 'web', { endpoints: [{ ip: '172.0.2.1', pod: 'web-0' }], ports: [{ name: 'http', port: 8080 }] }),
  pod('podns', 'foo', ['10.240.0.1']),
];

/** The index of `objects`, its clock at SERIAL unless `now` says otherwise. */
export function buildIndex(objects: readonly RawObject[], now: () => number = () => SERIAL): ClusterIndex {
  const index = new ClusterIndex(now);
  for (const raw of objects) {
    if (raw.kind === 'Service') index.setService(toService(raw, index.interner));
    else if (raw.kind === 'EndpointSlice') index.setSlice(toSlice(raw, index.interner));
    else if (raw.kind === 'Namespace') index.setNamespace(toNamespace(raw));
    else if (raw.kind === 'Pod') index.setPod(toPod(raw, index.interner));
  }
  return index;
}

/** Answers ext.interwebs.test A with 1.2.3.4, truncated, as CoreDNS's Upstub does. */
const upstream: KubernetesHandlerOptions['resolve'] = async (name, qtype) => {
  const answers = qtype === 1 && name.toLowerCase() === 'ext.interwebs.test.' ? [{ name: 'ext.interwebs.test', type: 'A' as const, ttl: 5, class: 'IN' as const, data: '1.2.3.4' }] : [];
  const msg = reply(makeRequest(name, qtype), { answers });
  msg[2] = msg[2]! | 0x02;
  return msg;
};

export function handler(options: Partial<KubernetesHandlerOptions> = {}, objects: readonly RawObject[] = coreDnsCluster): Handler {
  return createKubernetes({
    index: buildIndex(objects),
    zones: ['cluster.local.', 'in-addr.arpa.', 'ip6.arpa.'],
    primaryZone: 'cluster.local.',
    namespaces: null,
    pods: 'disabled',
    endpointPodNames: false,
    ignoreEmptyService: false,
    ttl: 5,
    fallthrough: null,
    localIPs: [],
    synced: () => true,
    resolve: upstream,
    ...options,
  });
}

