import type { ServiceEntry, SliceEntry } from './entries.js';
import type { VersionsReader } from './service-versions.js';

/** Objects in the index, by kind (the dashboard's `clusterSync`, logs, the kept replies' budget); a type, to be a record of counts. */
export type IndexCounts = {
  readonly services: number;
  readonly endpointSlices: number;
  readonly namespaces: number;
  readonly pods: number;
};

/**
 * What the answers read of the cluster, all by lowercased names: the index
 * the informers feed (ClusterIndex), or, in a worker thread of `-workers N`,
 * the primary's index as a snapshot in shared memory (SnapshotIndex).
 */
export interface IndexReader {
  /** Unix seconds of the last change, the SOA serial. */
  readonly modified: number;
  /** Moves whenever the set of namespaces changes (kept-replies.ts). */
  readonly namespaceVersion: number;
  /** Per service (by its entry's `id`), a count that moves whenever its answers change (kept-replies.ts). */
  readonly versions: VersionsReader;
  service(name: string, namespace: string): ServiceEntry | undefined;
  /** Every slice of a service; merged, they are its endpoints. */
  slicesOf(name: string, namespace: string): readonly SliceEntry[];
  hasNamespace(name: string): boolean;
  /** Every service (zone transfers list them all). */
  allServices(): Iterable<ServiceEntry>;
  servicesByIp(ip: string): readonly ServiceEntry[];
  /** The services with `ip` among their external addresses (spec.externalIPs, load-balancer ingress IPs). */
  servicesByExternalIp(ip: string): readonly ServiceEntry[];
  slicesByIp(ip: string): readonly SliceEntry[];
  /** True when a pod at `ip` lives in `namespace`. */
  hasPod(ip: string, namespace: string): boolean;
  /** The namespace of the pod at `ip` (the first found when several share it), or null. */
  podNamespace(ip: string): string | null;
  counts(): IndexCounts;
}
