import { addressKey, canonicalIp, ipv4Number, ipv4Text } from './ip.js';

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

/** One endpoint's fields: what a slice is made from and what `endpointAt` reads back (a slice keeps no such object). */
export interface Endpoint {
  readonly ip: string;
  /** Lowercased; null when unset. */
  readonly hostname: string | null;
  /** The targetRef's name (the pod), lowercased; null when unset or not needed (no endpoint_pod_names). */
  readonly podName: string | null;
  /** conditions.ready, true when unset. */
  readonly ready: boolean;
}

/**
 * One EndpointSlice; a service's endpoints are all its slices merged. Its
 * endpoints are kept column by column, not as an object each: an IPv4
 * address as its 32 bits (a small integer V8 keeps unboxed in the array),
 * readiness only when an endpoint is not ready, hostnames and pod names only
 * when one is set. An object and an address string per endpoint were about
 * 100 bytes each, 10 MB of heap for 100,000 endpoints that every scavenge of
 * a large sync copied.
 */
export class SliceEntry {
  /** Endpoints in the slice. */
  readonly size: number;
  /** Each address as `ipv4Number(ip) | 0` when all are IPv4, else null. */
  private readonly v4: readonly number[] | null;
  /** Each address as text when one is not IPv4, else null. */
  private readonly texts: readonly string[] | null;
  private readonly notReady: readonly boolean[] | null;
  private readonly hostnames: readonly (string | null)[] | null;
  private readonly podNames: readonly (string | null)[] | null;

  constructor(
    readonly name: string,
    readonly namespace: string,
    readonly resourceVersion: string,
    /** The service it belongs to (label kubernetes.io/service-name); '' when unlabelled. */
    readonly service: string,
    readonly ports: readonly PortEntry[],
    endpoints: readonly Endpoint[] | EndpointColumns,
    /** endpoints.kubernetes.io/last-change-trigger-time in ms, NaN when absent. */
    readonly triggerTime: number,
  ) {
    const columns = endpoints instanceof EndpointColumns ? endpoints : EndpointColumns.of(endpoints);
    this.size = columns.size;
    this.v4 = columns.v4;
    this.texts = columns.texts;
    this.notReady = columns.notReady;
    this.hostnames = columns.hostnames;
    this.podNames = columns.podNames;
  }

  get metadata(): this {
    return this;
  }

  /** The address of endpoint `i`. */
  ip(i: number): string {
    return this.v4 !== null ? ipv4Text(this.v4[i]! >>> 0) : this.texts![i]!;
  }

  /** The address of endpoint `i` as a map key (ip.ts's addressKey: an IPv4 one as a number, no string made). */
  addressKey(i: number): number | string {
    // A slice with an IPv6 address may list an IPv4 one too (a manifest's): its key is still the number.
    return this.v4 !== null ? this.v4[i]! : addressKey(this.texts![i]!);
  }

  /** Each endpoint whose address the slice does not list before it (in most slices, every one). */
  firstAtEachAddress(): number[] {
    const out: number[] = [];
    const seen = new Set<number | string>();
    for (let i = 0; i < this.size; i++) {
      const key = this.addressKey(i);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(i);
    }
    return out;
  }

  ready(i: number): boolean {
    return this.notReady === null || !this.notReady[i];
  }

  hostname(i: number): string | null {
    return this.hostnames === null ? null : this.hostnames[i]!;
  }

  podName(i: number): string | null {
    return this.podNames === null ? null : this.podNames[i]!;
  }

  /** The name endpoint `i` answers to under its service, as CoreDNS's endpointHostname. */
  answerName(i: number, podNames: boolean): string {
    const own = this.hostname(i);
    if (own) return own;
    const pod = podNames ? this.podName(i) : null;
    if (pod) return pod;
    const ip = this.ip(i);
    return ip.includes(':') ? ip.replaceAll(':', '-') : ip.replaceAll('.', '-');
  }

  /** Endpoint `i` as an object (made for the asking: answers loop over the columns). */
  endpointAt(i: number): Endpoint {
    return { ip: this.ip(i), hostname: this.hostname(i), podName: this.podName(i), ready: this.ready(i) };
  }

  /** Every endpoint as an object (made for the asking). */
  endpointList(): Endpoint[] {
    return Array.from({ length: this.size }, (_, i) => this.endpointAt(i));
  }
}

/**
 * A slice's endpoints as they are read, column by column (SliceEntry's
 * columns): the objects' decoders add each endpoint's fields straight into
 * them, with no object made for it.
 */
export class EndpointColumns {
  size = 0;
  /** Each address as `ipv4Number(ip) | 0` while all are IPv4; null from the first that is not. */
  v4: number[] | null = [];
  /** Each address as text, once one is not IPv4. */
  texts: string[] | null = null;
  /** Each endpoint's readiness negated, once one is not ready. */
  notReady: boolean[] | null = null;
  hostnames: (string | null)[] | null = null;
  podNames: (string | null)[] | null = null;

  static of(endpoints: readonly Endpoint[]): EndpointColumns {
    const columns = new EndpointColumns();
    for (const ep of endpoints) columns.add(ep.ip, ep.hostname, ep.podName, ep.ready);
    return columns;
  }

  /** An endpoint at `ip`, canonical (canonicalIp's). */
  add(ip: string, hostname: string | null, podName: string | null, ready: boolean): void {
    this.push(ipv4Number(ip), ip, hostname, podName, ready);
  }

  /** An endpoint at `address` as an object writes it: made canonical, and dropped when it is no IP address. */
  addAddress(address: string, hostname: string | null, podName: string | null, ready: boolean): void {
    // An IPv4 address is read once: as it reads as one, it is canonical.
    const word = ipv4Number(address);
    if (word >= 0) return this.push(word, address, hostname, podName, ready);
    const ip = canonicalIp(address);
    if (ip) this.push(-1, ip, hostname, podName, ready);
  }

  /** `word`: `ip` as ipv4Number reads it (-1: not IPv4). */
  private push(word: number, ip: string, hostname: string | null, podName: string | null, ready: boolean): void {
    if (word >= 0 && this.v4 !== null) this.v4.push(word | 0);
    else {
      if (this.v4 !== null) {
        this.texts = this.v4.map((w) => ipv4Text(w >>> 0));
        this.v4 = null;
      }
      this.texts!.push(ip);
    }
    const i = this.size++;
    if (!ready || this.notReady !== null) (this.notReady ??= column(i, false)).push(!ready);
    if (hostname !== null || this.hostnames !== null) (this.hostnames ??= column(i, null)).push(hostname);
    if (podName !== null || this.podNames !== null) (this.podNames ??= column(i, null)).push(podName);
  }
}

/** A column of `n` values `value`, begun when the first endpoint that differs comes. */
function column<T>(n: number, value: T): T[] {
  return Array.from({ length: n }, () => value);
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
