/**
 * What the index keeps of each Kubernetes object: only what DNS answers need.
 * Each entry exposes itself as `metadata` (name, namespace, resourceVersion),
 * so that a watch event, converted on arrival, still reads as an API object
 * where the list-watch loop takes its resourceVersion.
 */

export type ServiceType = 'ClusterIP' | 'Headless' | 'ExternalName';

/** A service or endpoint port; names and protocols lowercased for matching. */
export class PortEntry {
  constructor(
    readonly name: string,
    readonly protocol: string,
    /** -1 when the object declares no port (CoreDNS's sentinel). */
    readonly port: number,
  ) {}
}

/** Stands in for "no ports declared", shared by every such object. */
export const NO_PORTS: readonly PortEntry[] = Object.freeze([new PortEntry('', '', -1)]);

export class ServiceEntry {
  /** The index's number for this service while it holds it (service-versions.ts); -1 before. */
  id = -1;
  constructor(
    readonly name: string,
    readonly namespace: string,
    readonly resourceVersion: string,
    readonly type: ServiceType,
    /** ClusterIPs (both families when dual-stack); empty for headless and ExternalName. */
    readonly clusterIPs: readonly string[],
    readonly externalIPs: readonly string[],
    readonly ports: readonly PortEntry[],
    /** The CNAME target of an ExternalName service, else ''. */
    readonly externalName: string,
    /** Not-ready endpoints count as ready (spec.publishNotReadyAddresses). */
    readonly publishNotReady: boolean,
    /** status.loadBalancer.ingress: IPs, and host names (lowercased) where a load balancer has no IP; for k8s_external. */
    readonly ingress: readonly string[],
  ) {}
  get metadata(): this {
    return this;
  }
}

export class EndpointEntry {
  constructor(
    readonly ip: string,
    /** Lowercased; null when unset. */
    readonly hostname: string | null,
    readonly nodeName: string | null,
    /** The targetRef's name (the pod), lowercased; null when unset or not needed (no endpoint_pod_names). */
    readonly podName: string | null,
    /** conditions.ready, true when unset. */
    readonly ready: boolean,
  ) {}
}

/** One EndpointSlice; a service's endpoints are all its slices merged. */
export class SliceEntry {
  constructor(
    readonly name: string,
    readonly namespace: string,
    readonly resourceVersion: string,
    /** The service it belongs to (label kubernetes.io/service-name); '' when unlabelled. */
    readonly service: string,
    readonly ports: readonly PortEntry[],
    readonly endpoints: readonly EndpointEntry[],
    /** endpoints.kubernetes.io/last-change-trigger-time in ms, NaN when absent. */
    readonly triggerTime: number,
  ) {}
  get metadata(): this {
    return this;
  }
}

export class NamespaceEntry {
  constructor(
    readonly name: string,
    readonly resourceVersion: string,
  ) {}
  get metadata(): this {
    return this;
  }
}

export class PodEntry {
  constructor(
    readonly name: string,
    readonly namespace: string,
    readonly resourceVersion: string,
    /** status.podIPs; empty while the pod terminates (CoreDNS ignores those). */
    readonly ips: readonly string[],
  ) {}
  get metadata(): this {
    return this;
  }
}

/** The name an endpoint answers to under its service, as CoreDNS's endpointHostname. */
export function endpointHostname(ep: EndpointEntry, podNames: boolean): string {
  if (ep.hostname) return ep.hostname;
  if (podNames && ep.podName) return ep.podName;
  return ep.ip.includes(':') ? ep.ip.replaceAll(':', '-') : ep.ip.replaceAll('.', '-');
}

/** Keeps one copy of strings that repeat across objects (namespaces, node names, port names). */
export class Interner {
  private readonly strings = new Map<string, string>();
  intern(s: string): string {
    const known = this.strings.get(s);
    if (known !== undefined) return known;
    this.strings.set(s, s);
    return s;
  }
  private readonly ports = new Map<string, PortEntry>();
  port(name: string, protocol: string, port: number): PortEntry {
    const key = `${name}/${protocol}/${port}`;
    let entry = this.ports.get(key);
    if (!entry) this.ports.set(key, (entry = new PortEntry(this.intern(name), this.intern(protocol), port)));
    return entry;
  }
}
