import { EndpointColumns, NamespaceEntry, NO_PORTS, PodEntry, type PortEntry, ServiceEntry, SliceEntry } from './entries.js';
import type { Interner } from './entries.js';
import { canonicalIp } from './ip.js';

/** The parts of Kubernetes API objects this plugin reads; everything else is dropped on arrival. */
export interface RawMeta {
  name?: string;
  namespace?: string;
  resourceVersion?: string;
  labels?: Record<string, string> | null;
  annotations?: Record<string, string> | null;
  deletionTimestamp?: string | null;
}

export interface RawObject {
  apiVersion?: string;
  kind?: string;
  metadata?: RawMeta;
}

interface RawPort {
  name?: string | null;
  protocol?: string | null;
  port?: number | null;
}

export interface RawService extends RawObject {
  spec?: {
    type?: string;
    clusterIP?: string;
    clusterIPs?: string[] | null;
    externalIPs?: string[] | null;
    externalName?: string;
    ports?: RawPort[] | null;
    publishNotReadyAddresses?: boolean;
  };
  status?: { loadBalancer?: { ingress?: { ip?: string | null; hostname?: string | null }[] | null } | null } | null;
}

export interface RawEndpointSlice extends RawObject {
  addressType?: string;
  ports?: RawPort[] | null;
  endpoints?:
    | {
        addresses?: string[] | null;
        conditions?: { ready?: boolean | null } | null;
        hostname?: string | null;
        nodeName?: string | null;
        targetRef?: { name?: string } | null;
      }[]
    | null;
}

export interface RawPod extends RawObject {
  status?: { phase?: string; podIP?: string; podIPs?: { ip?: string }[] | null };
}

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
/** Phases of a pod whose containers are done (or whose node is lost): CoreDNS watches pods without them. */
export const FINISHED_POD_PHASES: readonly string[] = ['Succeeded', 'Failed', 'Unknown'];
export const TRIGGER_TIME_ANNOTATION = 'endpoints.kubernetes.io/last-change-trigger-time';

/** A service's or a slice's ports, as the index keeps them. */
export function portEntries(raw: readonly RawPort[] | null | undefined, intern: Interner): readonly PortEntry[] {
  if (!raw || raw.length === 0) return NO_PORTS;
  return raw.map((p) => intern.port((p.name ?? '').toLowerCase(), (p.protocol ?? 'TCP').toLowerCase(), typeof p.port === 'number' ? p.port : -1));
}

/** Shared by every object without addresses of a kind, rather than an empty array each. */
const NO_IPS: readonly string[] = Object.freeze([]);

function ips(list: readonly (string | undefined)[]): readonly string[] {
  if (list.length === 0) return NO_IPS;
  const out: string[] = [];
  for (const text of list) {
    const ip = text ? canonicalIp(text) : null;
    if (ip && !out.includes(ip)) out.push(ip);
  }
  return out.length === 0 ? NO_IPS : out;
}

/**
 * status.loadBalancer.ingress: each one's IP, else its host name (lowercased,
 * without a trailing dot), as CoreDNS keeps them for k8s_external; those
 * already among `externalIPs` are not repeated.
 */
function ingress(raw: RawService, externalIPs: readonly string[]): readonly string[] {
  const list = raw.status?.loadBalancer?.ingress;
  if (!list || list.length === 0) return NO_IPS;
  const out: string[] = [];
  for (const lb of list) {
    const host = lb.ip ? canonicalIp(lb.ip) : lb.hostname ? lb.hostname.toLowerCase().replace(/\.$/, '') : null;
    if (host && !out.includes(host) && !externalIPs.includes(host)) out.push(host);
  }
  return out.length === 0 ? NO_IPS : out;
}

/** A v1 Service as the index keeps it. */
export function toService(raw: RawService, intern: Interner): ServiceEntry {
  const meta = raw.metadata ?? {};
  const spec = raw.spec ?? {};
  const namespace = intern.intern(meta.namespace || 'default');
  const external = spec.type === 'ExternalName';
  const headless = !external && spec.clusterIP === 'None';
  const clusterIPs = external || headless ? NO_IPS : ips(spec.clusterIPs && spec.clusterIPs.length > 0 ? spec.clusterIPs : [spec.clusterIP]);
  const externalIPs = ips(spec.externalIPs ?? []);
  return new ServiceEntry(
    meta.name ?? '',
    namespace,
    meta.resourceVersion ?? '',
    external ? 'ExternalName' : headless ? 'Headless' : 'ClusterIP',
    clusterIPs,
    externalIPs,
    portEntries(spec.ports, intern),
    external ? (spec.externalName ?? '') : '',
    spec.publishNotReadyAddresses === true,
    ingress(raw, externalIPs),
  );
}

/**
 * A discovery.k8s.io/v1 EndpointSlice; FQDN slices carry no addresses DNS
 * can use. Pod names are kept only when `podNames` (endpoint_pod_names) needs them.
 */
export function toSlice(raw: RawEndpointSlice, intern: Interner, podNames = true): SliceEntry {
  const endpoints = new EndpointColumns();
  if (raw.addressType !== 'FQDN') {
    for (const ep of raw.endpoints ?? []) {
      const hostname = ep.hostname ? ep.hostname.toLowerCase() : null;
      const podName = podNames && ep.targetRef?.name ? ep.targetRef.name.toLowerCase() : null;
      const ready = ep.conditions?.ready !== false;
      for (const address of ep.addresses ?? []) {
        endpoints.addAddress(address, hostname, podName, ready);
      }
    }
  }
  return sliceEntry(raw.metadata ?? {}, portEntries(raw.ports, intern), endpoints, intern);
}

/** A slice's entry from its metadata (the service's label, the trigger time), ports and endpoints. */
export function sliceEntry(meta: RawMeta, ports: readonly PortEntry[], endpoints: EndpointColumns, intern: Interner): SliceEntry {
  const trigger = meta.annotations?.[TRIGGER_TIME_ANNOTATION];
  return new SliceEntry(
    meta.name ?? '',
    intern.intern(meta.namespace || 'default'),
    meta.resourceVersion ?? '',
    meta.labels?.[SERVICE_NAME_LABEL] ?? '',
    ports,
    endpoints,
    trigger ? Date.parse(trigger) : NaN,
  );
}

export function toNamespace(raw: RawObject): NamespaceEntry {
  return new NamespaceEntry(raw.metadata?.name ?? '', raw.metadata?.resourceVersion ?? '');
}

/**
 * A v1 Pod: its IPs, none while it terminates or once it has finished (as
 * CoreDNS): its address may already be another pod's.
 */
export function toPod(raw: RawPod, intern: Interner): PodEntry {
  const meta = raw.metadata ?? {};
  const status = raw.status ?? {};
  const gone = !!meta.deletionTimestamp || FINISHED_POD_PHASES.includes(status.phase ?? '');
  const list = status.podIPs && status.podIPs.length > 0 ? status.podIPs.map((p) => p.ip) : [status.podIP];
  return new PodEntry(meta.name ?? '', intern.intern(meta.namespace || 'default'), meta.resourceVersion ?? '', gone ? [] : ips(list));
}
