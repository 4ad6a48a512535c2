import type { RawEndpointSlice, RawObject, RawPod, RawService } from '../objects.js';
import { SERVICE_NAME_LABEL, TRIGGER_TIME_ANNOTATION } from '../objects.js';

/** Builders for the API objects tests feed the stand-in API server or manifests with. */

export interface PortSpec {
  readonly name?: string;
  readonly port: number;
  readonly protocol?: string;
}

export interface ServiceSpec {
  /** One address, or both families for dual-stack; 'None' makes it headless. */
  readonly clusterIP?: string | readonly string[];
  readonly ports?: readonly PortSpec[];
  readonly externalName?: string;
  readonly externalIPs?: readonly string[];
  /** spec.type when not ExternalName; default ClusterIP. */
  readonly type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
  /** status.loadBalancer.ingress: what a cloud's load balancer controller writes. */
  readonly loadBalancer?: readonly ({ readonly ip: string } | { readonly hostname: string })[];
  readonly labels?: Record<string, string>;
  readonly publishNotReadyAddresses?: boolean;
}

export function service(namespace: string, name: string, spec: ServiceSpec = {}): RawService {
  const ips = spec.clusterIP === undefined ? [] : typeof spec.clusterIP === 'string' ? [spec.clusterIP] : [...spec.clusterIP];
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace, ...(spec.labels ? { labels: spec.labels } : {}) },
    spec: {
      type: spec.externalName ? 'ExternalName' : (spec.type ?? 'ClusterIP'),
      ...(spec.externalName ? { externalName: spec.externalName } : { clusterIP: ips[0] ?? '', clusterIPs: ips }),
      ...(spec.externalIPs ? { externalIPs: [...spec.externalIPs] } : {}),
      ports: (spec.ports ?? []).map((p) => ({ ...(p.name ? { name: p.name } : {}), port: p.port, protocol: p.protocol ?? 'TCP' })),
      ...(spec.publishNotReadyAddresses ? { publishNotReadyAddresses: true } : {}),
    },
    ...(spec.loadBalancer ? { status: { loadBalancer: { ingress: spec.loadBalancer.map((lb) => ({ ...lb })) } } } : {}),
  };
}

export interface EndpointSpec {
  readonly ip: string | readonly string[];
  readonly hostname?: string;
  /** conditions.ready; left unset when undefined (which counts as ready). */
  readonly ready?: boolean;
  readonly pod?: string;
  readonly node?: string;
}

export interface SliceSpec {
  readonly endpoints: readonly EndpointSpec[];
  readonly ports?: readonly PortSpec[];
  readonly addressType?: 'IPv4' | 'IPv6' | 'FQDN';
  readonly labels?: Record<string, string>;
  /** Sets endpoints.kubernetes.io/last-change-trigger-time. */
  readonly triggerTime?: Date;
}

export function endpointSlice(namespace: string, name: string, serviceName: string, spec: SliceSpec): RawEndpointSlice {
  const first = spec.endpoints[0]?.ip;
  const firstIp = typeof first === 'string' ? first : first?.[0];
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name,
      namespace,
      labels: { [SERVICE_NAME_LABEL]: serviceName, ...spec.labels },
      ...(spec.triggerTime ? { annotations: { [TRIGGER_TIME_ANNOTATION]: spec.triggerTime.toISOString() } } : {}),
    },
    addressType: spec.addressType ?? (firstIp?.includes(':') ? 'IPv6' : 'IPv4'),
    ports: (spec.ports ?? []).map((p) => ({ name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP' })),
    endpoints: spec.endpoints.map((e) => ({
      addresses: typeof e.ip === 'string' ? [e.ip] : [...e.ip],
      conditions: e.ready === undefined ? {} : { ready: e.ready },
      ...(e.hostname ? { hostname: e.hostname } : {}),
      ...(e.node ? { nodeName: e.node } : {}),
      ...(e.pod ? { targetRef: { kind: 'Pod', name: e.pod, namespace } } : {}),
    })),
  };
}

export function namespace(name: string, labels?: Record<string, string>): RawObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, ...(labels ? { labels } : {}) } };
}

export interface PodOptions {
  readonly labels?: Record<string, string>;
  /** Sets metadata.deletionTimestamp: the pod is being deleted. */
  readonly terminating?: boolean;
  /** status.phase; default Running. */
  readonly phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
}

export function pod(namespace: string, name: string, ips: readonly string[], options: PodOptions = {}): RawPod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, ...(options.labels ? { labels: options.labels } : {}), ...(options.terminating ? { deletionTimestamp: new Date().toISOString() } : {}) },
    status: { phase: options.phase ?? 'Running', podIP: ips[0] ?? '', podIPs: ips.map((ip) => ({ ip })) },
  };
}
