import type { ServiceEntry, SliceEntry } from './entries.js';
import { canonicalIp } from './ip.js';
import { addOnce, addTo, type Multi, removeFrom } from './multi-map.js';

/**
 * The reverse lookups, from an address to the services and slices that hold
 * it (PTR, the NS records, k8s_external). The index builds them at their
 * first use rather than during the sync: for 100,000 endpoints they are
 * 110,000 map entries that every start would otherwise pay for (in time, and
 * in the collector copying them) before its first answer, and most servers
 * are never asked a PTR. Once built, the index keeps them current with
 * every write.
 */
export class AddressMaps {
  readonly serviceByIp: Multi<ServiceEntry> = new Map();
  /** By spec.externalIPs and load-balancer ingress IPs, for k8s_external's PTR; only services that have them. */
  readonly serviceByExternalIp: Multi<ServiceEntry> = new Map();
  /** Keyed by addressKey: no string per endpoint. */
  readonly sliceByIp: Multi<SliceEntry, number | string> = new Map();

  /** The maps of what the index holds now: its services, and its slices in the order they were set. */
  constructor(services: Iterable<ServiceEntry>, slices: Iterable<SliceEntry>) {
    for (const svc of services) this.addService(svc);
    for (const slice of slices) this.addSlice(slice);
  }

  addService(svc: ServiceEntry): void {
    for (const ip of svc.clusterIPs) addTo(this.serviceByIp, ip, svc);
    for (const ip of svc.externalIPs) {
      addTo(this.serviceByIp, ip, svc);
      addTo(this.serviceByExternalIp, ip, svc);
    }
    // A load balancer's host name is no key.
    for (const host of svc.ingress) if (canonicalIp(host) !== null) addTo(this.serviceByExternalIp, host, svc);
  }

  removeService(old: ServiceEntry): void {
    for (const ip of old.clusterIPs) removeFrom(this.serviceByIp, ip, old);
    for (const ip of old.externalIPs) {
      removeFrom(this.serviceByIp, ip, old);
      removeFrom(this.serviceByExternalIp, ip, old);
    }
    for (const host of old.ingress) removeFrom(this.serviceByExternalIp, host, old);
  }

  /** Only slices that name their service are answered from; a slice is listed once at an address it has twice. */
  addSlice(slice: SliceEntry): void {
    if (slice.service) for (let i = 0; i < slice.size; i++) addOnce(this.sliceByIp, slice.addressKey(i), slice);
  }

  removeSlice(old: SliceEntry): void {
    if (old.service) for (let i = 0; i < old.size; i++) removeFrom(this.sliceByIp, old.addressKey(i), old);
  }
}
