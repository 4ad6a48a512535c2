import { endpointSlice, type FakeApiServer, namespace, service } from '@chaindns/kubernetes/testing';

/**
 * What a distribution's CoreDNS finds around it in a cluster, stood in for
 * inside the namespaces the test makes: the pod's network (loopback, with
 * the API server on it), and the node's network behind a veth pair (the
 * resolver its resolv.conf names, and the cluster DNS that NodeLocal
 * DNSCache forwards to). CoreDNS listens on every address of the pod, so
 * whatever it forwards to has to live on another network, as in a cluster.
 */

/** The node's end of the veth pair: the resolver /etc/resolv.conf names. */
export const RESOLVER = '192.0.2.53';
/** The pod's end of the veth pair. */
export const POD = '192.0.2.1';
/** The kube-dns-upstream Service's ClusterIP, on the node's side: where NodeLocal DNSCache forwards cluster names. */
export const CLUSTER_DNS = '10.96.0.20';
/** The stand-in API server, on the pod's loopback: KUBERNETES_SERVICE_HOST and _PORT. */
export const API = { host: '127.0.0.1', port: 443 } as const;

/** What the node's resolver knows (the Internet, and the node names of an AKS virtual network). */
export const RESOLVER_RECORDS = [
  'www.example.org. 300 IN A 192.0.2.80',
  'www.example.org. 300 IN AAAA 2001:db8::80',
  'aks-nodepool1-12345678-vmss000000.abcdefgh.bx.internal.cloudapp.net. 300 IN A 10.224.0.4',
];

/** What the cluster DNS behind NodeLocal DNSCache answers. */
export const CLUSTER_DNS_RECORDS = ['web.default.svc.cluster.local. 5 IN A 10.96.12.34', '34.12.96.10.in-addr.arpa. 5 IN PTR web.default.svc.cluster.local.'];

/** The cluster the API server holds: a ClusterIP Service with a ready endpoint, and a headless one with two. */
export function clusterObjects(): Parameters<FakeApiServer['apply']> {
  return [
    namespace('default'),
    namespace('kube-system'),
    service('default', 'kubernetes', { clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443 }] }),
    service('kube-system', 'kube-dns', { clusterIP: '10.96.0.10', ports: [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53 }, { name: 'metrics', port: 9153 }] }),
    service('default', 'web', { clusterIP: '10.96.12.34', ports: [{ name: 'http', port: 80 }] }),
    endpointSlice('default', 'web-1', 'web', { endpoints: [{ ip: '10.244.1.5', pod: 'web-1' }], ports: [{ name: 'http', port: 8080 }] }),
    service('default', 'db', { clusterIP: 'None', ports: [{ name: 'postgres', port: 5432 }] }),
    endpointSlice('default', 'db-1', 'db', {
      endpoints: [
        { ip: '10.244.2.7', hostname: 'db-0' },
        { ip: '10.244.2.8', hostname: 'db-1' },
      ],
      ports: [{ name: 'postgres', port: 5432 }],
    }),
  ];
}
