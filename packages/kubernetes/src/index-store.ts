import type { NamespaceEntry, PodEntry, ServiceEntry, SliceEntry } from './entries.js';
import { Interner } from './entries.js';
import { AddressMaps } from './address-maps.js';
import type { IndexCounts, IndexReader } from './index-reader.js';
import { addressKey } from './ip.js';

/** The lookups by address, answered by another reader of the same cluster. */
export type ReverseLookups = Pick<IndexReader, 'servicesByIp' | 'servicesByExternalIp' | 'slicesByIp'>;
import { addTo, all, type Multi, removeFrom } from './multi-map.js';
import { PodIndex } from './pod-index.js';
import { ServiceVersions } from './service-versions.js';

/**
 * The cluster as DNS sees it: services by name, their endpoints (slices
 * merged at lookup), the reverse maps from IP to names (built at their first
 * use: address-maps.ts), the namespaces that
 * exist, and which namespaces have pods at an address (for `pods verified`
 * and autopath; a compact PodIndex). Fed by informers or manifests;
 * `modified` (unix seconds) is the SOA serial.
 */
export class ClusterIndex implements IndexReader {
  readonly interner = new Interner();
  /** Unix seconds of the last change, the SOA serial. */
  modified = 0;
  /** Moves whenever the set of namespaces changes (a service's names answer only while its namespace exists). */
  namespaceVersion = 0;
  /** Per service (by its `id`), a count of the changes to what its names answer. */
  readonly versions = new ServiceVersions();
  /** Counts the changes (a snapshot for the worker threads is taken when it moves). */
  version = 0;
  private readonly services = new Map<string, ServiceEntry>();
  private readonly slicesByService: Multi<SliceEntry> = new Map();
  private readonly slices = new Map<string, SliceEntry>();
  /** Null until a reverse lookup first needs them. */
  private byIp: AddressMaps | null = null;
  /** With `-workers N`, the snapshot this index last published: the primary's reverse lookups read it as the workers do. */
  private reverse: ReverseLookups | null = null;
  private readonly namespaces = new Set<string>();
  private pods = new PodIndex();

  constructor(private readonly now: () => number = () => Math.floor(Date.now() / 1000)) {}

  private touch(): void {
    this.modified = this.now();
    this.version++;
  }

  // Writes. Each replaces what was there under the same namespace and name.

  setService(svc: ServiceEntry): void {
    const key = `${svc.name}.${svc.namespace}`;
    const old = this.services.get(key);
    if (old) {
      this.byIp?.removeService(old);
      svc.id = old.id;
      this.versions.bump(old.id);
    } else {
      svc.id = this.versions.take();
    }
    this.services.set(key, svc);
    this.byIp?.addService(svc);
    this.touch();
  }

  deleteService(namespace: string, name: string): void {
    const key = `${name}.${namespace}`;
    const old = this.services.get(key);
    if (!old) return;
    this.services.delete(key);
    this.byIp?.removeService(old);
    this.versions.release(old.id);
    this.touch();
  }

  setSlice(slice: SliceEntry): void {
    const key = `${slice.namespace}/${slice.name}`;
    this.removeSlice(key);
    this.slices.set(key, slice);
    if (slice.service) {
      const service = `${slice.service}.${slice.namespace}`;
      addTo(this.slicesByService, service, slice);
      this.changed(service);
    }
    this.byIp?.addSlice(slice);
    this.touch();
  }

  deleteSlice(namespace: string, name: string): void {
    if (this.removeSlice(`${namespace}/${name}`)) this.touch();
  }

  /** Removes the slice under `key` (namespace/name), if any. */
  private removeSlice(key: string): boolean {
    const old = this.slices.get(key);
    if (!old) return false;
    this.slices.delete(key);
    if (old.service) {
      const service = `${old.service}.${old.namespace}`;
      removeFrom(this.slicesByService, service, old);
      this.changed(service);
    }
    this.byIp?.removeSlice(old);
    return true;
  }

  setNamespace(ns: NamespaceEntry): void {
    if (this.namespaces.has(ns.name)) return;
    this.namespaces.add(this.interner.intern(ns.name));
    this.namespaceVersion++;
    this.touch();
  }

  deleteNamespace(name: string): void {
    if (!this.namespaces.delete(name)) return;
    this.namespaceVersion++;
    this.touch();
  }

  /** The slices of the service under `key` changed: so did its answers. */
  private changed(key: string): void {
    const svc = this.services.get(key);
    if (svc) this.versions.bump(svc.id);
  }

  setPod(pod: PodEntry): void {
    this.pods.set(pod.namespace, pod.name, pod.ips);
    this.touch();
  }

  deletePod(namespace: string, name: string): void {
    if (this.pods.delete(namespace, name)) this.touch();
  }

  /** Swaps in the pods of a whole list (an informer's relist), built apart while the old ones served. */
  replacePods(pods: PodIndex): void {
    this.pods = pods;
    this.touch();
  }

  // Reads, all by lowercased names.

  service(name: string, namespace: string): ServiceEntry | undefined {
    return this.services.get(`${name}.${namespace}`);
  }

  slice(namespace: string, name: string): SliceEntry | undefined {
    return this.slices.get(`${namespace}/${name}`);
  }

  /** Every slice of a service; merged, they are its endpoints. */
  slicesOf(name: string, namespace: string): readonly SliceEntry[] {
    return all(this.slicesByService.get(`${name}.${namespace}`));
  }

  hasNamespace(name: string): boolean {
    return this.namespaces.has(name);
  }

  /** Every service (zone transfers list them all). */
  allServices(): IterableIterator<ServiceEntry> {
    return this.services.values();
  }

  /** Every slice, those that name no service too. */
  everySlice(): IterableIterator<SliceEntry> {
    return this.slices.values();
  }

  /** Every slice that names its service (those the answers read). */
  *allSlices(): IterableIterator<SliceEntry> {
    for (const slices of this.slicesByService.values()) yield* all(slices);
  }

  /** The lookups by key as they are held (one entry, or several), for a snapshot to copy. */
  groups(): {
    readonly slicesByService: ReadonlyMap<string, SliceEntry | readonly SliceEntry[]>;
    readonly serviceByIp: ReadonlyMap<string, ServiceEntry | readonly ServiceEntry[]>;
    readonly serviceByExternalIp: ReadonlyMap<string, ServiceEntry | readonly ServiceEntry[]>;
  } {
    // Maps not kept are built for the snapshot alone, in the order they would have been kept in; slices by address it
    // reads from the slices themselves.
    const { serviceByIp, serviceByExternalIp } = this.byIp ?? new AddressMaps(this.services.values(), []);
    return { slicesByService: this.slicesByService, serviceByIp, serviceByExternalIp };
  }

  /**
   * With worker threads, the primary answers its reverse lookups from the
   * snapshot it just published (shared-index.ts), as every worker does, so
   * it need not keep the maps by address too (4-5 MB for 100,000
   * endpoints); those answers trail the watch as the workers' do. Before the
   * first snapshot, the maps are built as without workers.
   */
  reverseFrom(snapshot: ReverseLookups): void {
    this.reverse = snapshot;
    this.byIp = null;
  }

  /** The reverse maps, built from what the index holds at their first use and kept current from then on. */
  private addressMaps(): AddressMaps {
    // `slices` is in the order they were set (a replaced slice is deleted first), as the maps would have seen them.
    return (this.byIp ??= new AddressMaps(this.services.values(), this.slices.values()));
  }

  allNamespaces(): IterableIterator<string> {
    return this.namespaces.values();
  }

  /** Each pod address and the namespace of a pod at it. */
  allPods(): IterableIterator<[ip: string, namespace: string]> {
    return this.pods.entries();
  }

  servicesByIp(ip: string): readonly ServiceEntry[] {
    return this.reverse ? this.reverse.servicesByIp(ip) : all(this.addressMaps().serviceByIp.get(ip));
  }

  /** The services with `ip` among their external addresses (spec.externalIPs, load-balancer ingress). */
  servicesByExternalIp(ip: string): readonly ServiceEntry[] {
    return this.reverse ? this.reverse.servicesByExternalIp(ip) : all(this.addressMaps().serviceByExternalIp.get(ip));
  }

  slicesByIp(ip: string): readonly SliceEntry[] {
    return this.reverse ? this.reverse.slicesByIp(ip) : all(this.addressMaps().sliceByIp.get(addressKey(ip)));
  }

  /** True when a pod at `ip` lives in `namespace`. */
  hasPod(ip: string, namespace: string): boolean {
    return this.pods.has(ip, namespace);
  }

  /** The namespace of the pod at `ip` (the first found when several share it), or null. */
  podNamespace(ip: string): string | null {
    return this.pods.namespaceOf(ip);
  }

  /** Object counts, for logs and the bench. */
  counts(): IndexCounts {
    return { services: this.services.size, endpointSlices: this.slices.size, namespaces: this.namespaces.size, pods: this.pods.size };
  }
}
