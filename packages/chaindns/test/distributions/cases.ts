/**
 * The distributions whose default Corefiles chaindns loads unchanged
 * (test/fixtures/distributions/), each with the files it mounts beside its
 * Corefile and the questions that exercise its plugins.
 */

import { type FakeApiServer, service as apiService } from '@chaindns/kubernetes/testing';

export interface Query {
  /** What it exercises. */
  readonly why: string;
  /** dig's arguments after the server and port: name, type, options (`-c CH`, `+tcp`, `+bufsize=4096`). */
  readonly dig: readonly string[];
  /** Asked of this address instead of the distribution's `server`. */
  readonly server?: string;
  readonly status: 'NOERROR' | 'NXDOMAIN' | 'SERVFAIL' | 'REFUSED';
  /** The answer section, in any order, as dig prints it (fields one space apart). */
  readonly answer?: readonly (string | RegExp)[];
  /**
   * Objects the API server gets just before: the question is then asked
   * until answered as expected, for at most `CHANGE_SECONDS` (a watch event
   * takes a moment; an answer a cache keeps would outlast it).
   */
  readonly apply?: Parameters<FakeApiServer['apply']>;
}

export const CHANGE_SECONDS = 5;

/** Why dig's answer is not the one `q` expects, or null when it is. */
export function mismatch(q: Query, got: SceneResult['queries'][number]): string | null {
  if (got.status !== q.status) return `status ${got.status}, not ${q.status}`;
  if (!q.answer) return null;
  if (got.answer.length !== q.answer.length) return `${got.answer.length} answers, not ${q.answer.length}`;
  const absent = q.answer.find((want) => !got.answer.some((a) => (typeof want === 'string' ? a === want : want.test(a))));
  return absent === undefined ? null : `no ${String(absent)}`;
}

export interface Probe {
  readonly url: string;
  readonly status: number;
  readonly body: string | RegExp;
}

/** How many times a question reached the node's resolver or the cluster DNS, and how. */
export interface Sent {
  readonly to: 'resolver' | 'cluster';
  readonly name: string;
  readonly type: string;
  readonly count: number;
  readonly transport?: 'udp' | 'tcp';
  /** The EDNS UDP size the question carried. */
  readonly udpSize?: number;
}

export interface Distribution {
  readonly name: string;
  /** The file under test/fixtures/distributions/. */
  readonly fixture: string;
  /** Where the distribution mounts its Corefile and points `-conf` at. */
  readonly conf: string;
  /** Other files its pod has, by their real paths. */
  readonly files?: Readonly<Record<string, string>>;
  /** Addresses its Corefile binds, added to the pod's loopback. */
  readonly addresses?: readonly string[];
  /** Where clients ask it. */
  readonly server: string;
  readonly port: number;
  readonly queries: readonly Query[];
  readonly probes: readonly Probe[];
  readonly sent?: readonly Sent[];
  /** A line its output shows, and why. */
  readonly logged?: { readonly why: string; readonly line: RegExp };
}

const probes = (host: string, ready: boolean, metricsPort: number, metricsHost = host): Probe[] => [
  { url: `http://${host}:8080/health`, status: 200, body: 'OK' },
  ...(ready ? [{ url: `http://${host}:8181/ready`, status: 200, body: 'OK' }] : []),
  { url: `http://${metricsHost}:${metricsPort}/metrics`, status: 200, body: /^coredns_dns_requests_total\{/m },
];

/** The questions every CoreDNS in front of a cluster answers. */
const service: Query = { why: 'kubernetes: a ClusterIP Service', dig: ['web.default.svc.cluster.local', 'A'], status: 'NOERROR', answer: ['web.default.svc.cluster.local. 5 IN A 10.96.12.34'] };
const reverse: Query = { why: 'kubernetes: the Service behind a ClusterIP (in-addr.arpa)', dig: ['34.12.96.10.in-addr.arpa', 'PTR'], status: 'NOERROR', answer: ['34.12.96.10.in-addr.arpa. 5 IN PTR web.default.svc.cluster.local.'] };
const podInsecure: Query = { why: 'kubernetes: pods insecure', dig: ['10-244-1-5.default.pod.cluster.local', 'A'], status: 'NOERROR', answer: ['10-244-1-5.default.pod.cluster.local. 5 IN A 10.244.1.5'] };
const headless: Query = { why: 'kubernetes: a headless Service (loadbalance shuffles its two)', dig: ['db.default.svc.cluster.local', 'A'], status: 'NOERROR', answer: ['db.default.svc.cluster.local. 5 IN A 10.244.2.7', 'db.default.svc.cluster.local. 5 IN A 10.244.2.8'] };
/** A name the resolver answers with TTL 300, forwarded by a block whose `cache` keeps it at most `cap` seconds (and says so). */
const external = (cap: number): Query => ({ why: `forward to /etc/resolv.conf, the TTL capped by cache ${cap}`, dig: ['www.example.org', 'A'], status: 'NOERROR', answer: [`www.example.org. ${Math.min(cap, 300)} IN A 192.0.2.80`] });
/** The same again: from the cache, a second or so older. */
const cached = (cap: number, dig: readonly string[] = ['www.example.org', 'A']): Query => {
  const ttl = Math.min(cap, 300);
  return { why: 'the same from the cache', dig, status: 'NOERROR', answer: [new RegExp(`^www\\.example\\.org\\. (${ttl}|${ttl - 1}|${ttl - 2}) IN A 192\\.0\\.2\\.80$`)] };
};
const unknown: Query = { why: 'forward: NXDOMAIN from the resolver', dig: ['nothing.example.org', 'A'], status: 'NXDOMAIN', answer: [] };
/** The same name asked twice reaches the resolver once: the cache answered the second. */
const cachedOnce: Sent = { to: 'resolver', name: 'www.example.org', type: 'A', count: 1 };

/** What k3s and AKS users put in the coredns-custom ConfigMap (mounted at /etc/coredns/custom): a snippet for the main block and a server block of their own. */
const custom = {
  '/etc/coredns/custom/log.override': 'log\n',
  '/etc/coredns/custom/corp.server': 'corp.example:53 {\n    errors\n    hosts {\n        10.20.30.40 db.corp.example\n    }\n}\n',
};
const customLogged = { why: 'import custom/*.override: log in the main block', line: /^\[INFO\] 127\.0\.0\.1:\d+ - \d+ "A IN web\.default\.svc\.cluster\.local\. udp \d+ false 1232" NOERROR qr,aa,rd \d+ [\d.]+s$/m };
const customServer: Query = { why: 'import custom/*.server: a server block of the user', dig: ['db.corp.example', 'A'], status: 'NOERROR', answer: ['db.corp.example. 3600 IN A 10.20.30.40'] };

export const DISTRIBUTIONS: readonly Distribution[] = [
  {
    name: 'k3s',
    fixture: 'k3s.Corefile',
    conf: '/etc/coredns/Corefile',
    files: { '/etc/coredns/NodeHosts': '10.0.0.5 k3s-server\n10.0.0.6 k3s-agent-1\n', ...custom },
    server: '127.0.0.1',
    port: 53,
    queries: [
      { why: 'hosts /etc/coredns/NodeHosts: a node by name (its ttl 60 capped by cache 30)', dig: ['k3s-agent-1', 'A'], status: 'NOERROR', answer: ['k3s-agent-1. 30 IN A 10.0.0.6'] },
      { why: 'hosts fallthrough to forward: a name NodeHosts lacks', dig: ['www.example.org', 'AAAA'], status: 'NOERROR', answer: ['www.example.org. 30 IN AAAA 2001:db8::80'] },
      service,
      podInsecure,
      reverse,
      external(30),
      cached(30, ['www.example.org', 'A', '+tcp']),
      unknown,
      customServer,
    ],
    probes: probes('127.0.0.1', true, 9153),
    sent: [cachedOnce],
    logged: customLogged,
  },
  {
    name: 'OpenShift',
    fixture: 'openshift.Corefile',
    conf: '/etc/coredns/Corefile',
    server: '127.0.0.1',
    port: 5353,
    queries: [
      service,
      podInsecure,
      reverse,
      { ...external(900), why: 'bufsize 1232: a client offering 4096 is forwarded with 1232', dig: ['www.example.org', 'A', '+bufsize=4096'] },
      cached(900),
      unknown,
      { why: 'chaos in hostname.bind:5353', dig: ['hostname.bind', 'TXT', '-c', 'CH'], status: 'NOERROR', answer: [/^hostname\.bind\. 0 CH TXT ".+"$/] },
    ],
    probes: probes('127.0.0.1', true, 9153),
    sent: [{ ...cachedOnce, udpSize: 1232 }],
  },
  {
    name: 'AKS',
    fixture: 'aks.Corefile',
    conf: '/etc/coredns/Corefile',
    files: custom,
    server: '127.0.0.1',
    port: 53,
    queries: [
      {
        why: 'template internal.cloudapp.net: a search-path expansion (4 labels or more before it) is NXDOMAIN',
        dig: ['www.example.org.abcdefgh.bx.internal.cloudapp.net', 'A'],
        status: 'NXDOMAIN',
        answer: [],
      },
      { why: 'template internal.cloudapp.net fallthrough: a node name goes on to forward', dig: ['aks-nodepool1-12345678-vmss000000.abcdefgh.bx.internal.cloudapp.net', 'A'], status: 'NOERROR', answer: ['aks-nodepool1-12345678-vmss000000.abcdefgh.bx.internal.cloudapp.net. 30 IN A 10.224.0.4'] },
      { why: 'template reddog.microsoft.com: NXDOMAIN', dig: ['wpad.reddog.microsoft.com', 'A'], status: 'NXDOMAIN', answer: [] },
      { ...service, why: 'kubernetes ttl 30: a ClusterIP Service', answer: ['web.default.svc.cluster.local. 30 IN A 10.96.12.34'] },
      { ...podInsecure, answer: ['10-244-1-5.default.pod.cluster.local. 30 IN A 10.244.1.5'] },
      external(30),
      cached(30),
      customServer,
    ],
    probes: probes('127.0.0.1', true, 9153),
    sent: [
      cachedOnce,
      { to: 'resolver', name: 'www.example.org.abcdefgh.bx.internal.cloudapp.net', type: 'A', count: 0 },
      { to: 'resolver', name: 'aks-nodepool1-12345678-vmss000000.abcdefgh.bx.internal.cloudapp.net', type: 'A', count: 1 },
      { to: 'resolver', name: 'wpad.reddog.microsoft.com', type: 'A', count: 0 },
    ],
    logged: customLogged,
  },
  {
    name: 'Kubespray',
    fixture: 'kubespray.Corefile',
    conf: '/etc/coredns/Corefile',
    server: '127.0.0.1',
    port: 53,
    queries: [service, headless, reverse, external(30), cached(30), unknown],
    probes: probes('127.0.0.1', true, 9153),
    sent: [{ ...cachedOnce, transport: 'udp' }],
  },
  {
    name: 'Talos',
    fixture: 'talos.Corefile',
    conf: '/etc/coredns/Corefile',
    server: '127.0.0.1',
    port: 53,
    queries: [
      { ...service, why: 'kubernetes ttl 30', answer: ['web.default.svc.cluster.local. 30 IN A 10.96.12.34'] },
      { ...headless, answer: ['db.default.svc.cluster.local. 30 IN A 10.244.2.7', 'db.default.svc.cluster.local. 30 IN A 10.244.2.8'] },
      { why: 'a Service not there yet', dig: ['api.default.svc.cluster.local', 'A'], status: 'NXDOMAIN', answer: [] },
      {
        why: 'cache disable denial cluster.local: the Service created is answered at once, not NXDOMAIN from the cache',
        dig: ['api.default.svc.cluster.local', 'A'],
        status: 'NOERROR',
        answer: ['api.default.svc.cluster.local. 30 IN A 10.96.40.1'],
        apply: [apiService('default', 'api', { clusterIP: '10.96.40.1', ports: [{ name: 'http', port: 80 }] })],
      },
      {
        why: 'cache disable success cluster.local: a Service moved is answered at its new address, not the cached one',
        dig: ['web.default.svc.cluster.local', 'A'],
        status: 'NOERROR',
        answer: ['web.default.svc.cluster.local. 30 IN A 10.96.12.99'],
        apply: [apiService('default', 'web', { clusterIP: '10.96.12.99', ports: [{ name: 'http', port: 80 }] })],
      },
      external(30),
      cached(30),
      unknown,
    ],
    probes: probes('127.0.0.1', true, 9153),
    sent: [cachedOnce],
  },
  {
    name: 'MicroK8s',
    fixture: 'microk8s.Corefile',
    conf: '/etc/coredns/Corefile',
    server: '127.0.0.1',
    port: 53,
    queries: [service, podInsecure, reverse, external(30), cached(30), unknown],
    probes: probes('127.0.0.1', true, 9153),
    sent: [cachedOnce],
  },
  {
    name: 'NodeLocal DNSCache',
    fixture: 'nodelocaldns.Corefile',
    conf: '/etc/Corefile',
    addresses: ['169.254.20.10', '10.96.0.10'],
    server: '169.254.20.10',
    port: 53,
    queries: [
      { ...service, why: 'cluster.local: forward to the cluster DNS with force_tcp' },
      { ...service, why: 'the same on the kube-dns ClusterIP it also binds: from its cache', server: '10.96.0.10' },
      { ...reverse, why: 'in-addr.arpa: forward to the cluster DNS with force_tcp' },
      { ...external(30), why: '.: forward to /etc/resolv.conf (cache 30)', server: '10.96.0.10' },
    ],
    probes: probes('169.254.20.10', false, 9253, '127.0.0.1'),
    sent: [
      { to: 'cluster', name: 'web.default.svc.cluster.local', type: 'A', count: 1, transport: 'tcp' },
      { to: 'cluster', name: '34.12.96.10.in-addr.arpa', type: 'PTR', count: 1, transport: 'tcp' },
      { to: 'resolver', name: 'www.example.org', type: 'A', count: 1, transport: 'udp' },
    ],
  },
];

/** What the scene reports: each question as dig saw it, each probe as curl saw it, and what reached the upstreams. */
export interface SceneResult {
  readonly queries: readonly { readonly output: string; readonly status: string; readonly answer: readonly string[] }[];
  readonly probes: readonly { readonly status: number; readonly body: string }[];
  readonly sent: readonly { readonly to: Sent['to']; readonly name: string; readonly type: string; readonly transport: 'udp' | 'tcp'; readonly udpSize: number | null }[];
  /** chaindns's output. */
  readonly log: string;
}
