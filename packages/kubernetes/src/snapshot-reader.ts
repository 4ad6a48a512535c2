import { type Endpoint, PortEntry, ServiceEntry, SliceEntry } from './entries.js';
import { ipv4Text } from './ip.js';
import type { IndexCounts, IndexReader } from './index-reader.js';
import type { VersionsReader } from './service-versions.js';
import { ENDPOINT, GROUP, H, hashKey, MAGIC, NONE, PORT, SERVICE, SERVICE_TYPES, SLICE, T } from './snapshot-layout.js';

const EMPTY: readonly never[] = Object.freeze([]);

/**
 * An index snapshot (snapshot-writer.ts) read in place: a lookup hashes its
 * key, finds its group in the table and decodes the records it names, so a
 * worker thread holds no copy of the cluster, only this view of the
 * primary's shared memory.
 *
 * A snapshot never changes: a reply kept from it (kept-replies.ts) stays good
 * until another snapshot takes its place. So its namespace version and every
 * service's version are its `generation`, which the worker counts up with
 * each snapshot it installs (shared-index.ts); a service's `id` is its number
 * in the snapshot.
 */
export class SnapshotIndex implements IndexReader {
  private readonly w: Uint32Array;
  private readonly bytes: Buffer;
  readonly modified: number;
  /** The primary had synced when it took the snapshot. */
  readonly synced: boolean;
  readonly namespaceVersion: number;
  readonly versions: VersionsReader;

  constructor(buffer: SharedArrayBuffer, generation = 0) {
    const head = new Uint32Array(buffer, 0, H.Tables);
    if (head[H.Magic] !== MAGIC) throw new Error('not an index snapshot');
    this.w = new Uint32Array(buffer, 0, head[H.Strings]! / 4);
    this.bytes = Buffer.from(buffer, head[H.Strings]!, head[H.StringBytes]!);
    this.modified = head[H.Modified]!;
    this.synced = head[H.Synced] === 1;
    this.namespaceVersion = generation;
    this.versions = { of: () => generation };
  }

  service(name: string, namespace: string): ServiceEntry | undefined {
    const group = this.find(T.Service, name, namespace);
    return group < 0 ? undefined : this.serviceAt(this.w[this.w[H.Refs]! + this.w[group + 2]!]!);
  }

  slicesOf(name: string, namespace: string): readonly SliceEntry[] {
    return this.members(this.find(T.SlicesOfService, name, namespace), (i) => this.sliceAt(i));
  }

  hasNamespace(name: string): boolean {
    return this.find(T.Namespace, name) >= 0;
  }

  *allServices(): Iterable<ServiceEntry> {
    for (let i = 0; i < this.w[H.ServiceCount]!; i++) yield this.serviceAt(i);
  }

  servicesByIp(ip: string): readonly ServiceEntry[] {
    return this.members(this.find(T.ServicesByIp, ip), (i) => this.serviceAt(i));
  }

  servicesByExternalIp(ip: string): readonly ServiceEntry[] {
    return this.members(this.find(T.ServicesByExternalIp, ip), (i) => this.serviceAt(i));
  }

  slicesByIp(ip: string): readonly SliceEntry[] {
    const { w } = this;
    const at = w[H.Tables + 2 * T.SlicesByIp]!;
    const mask = w[H.Tables + 2 * T.SlicesByIp + 1]! - 1;
    let out: SliceEntry[] | null = null;
    // One entry per slice at the address, each an endpoint of it there.
    for (let slot = hashKey(ip) & mask; w[at + slot] !== 0; slot = (slot + 1) & mask) {
      const e = w[H.Endpoints]! + (w[at + slot]! - 1) * ENDPOINT;
      if (this.endpointIp(e) === ip) (out ??= []).push(this.sliceAt(w[e + 3]! >>> 2));
    }
    return out ?? EMPTY;
  }

  hasPod(ip: string, namespace: string): boolean {
    const group = this.find(T.Pods, ip);
    if (group < 0) return false;
    const { w } = this;
    const at = w[H.Refs]! + w[group + 2]!;
    for (let i = 0; i < w[group + 3]!; i++) if (this.equals(w[at + i]!, namespace)) return true;
    return false;
  }

  podNamespace(ip: string): string | null {
    const group = this.find(T.Pods, ip);
    return group < 0 ? null : this.str(this.w[this.w[H.Refs]! + this.w[group + 2]!]!);
  }

  counts(): IndexCounts {
    const { w } = this;
    return { services: w[H.ServiceCount]!, endpointSlices: w[H.EndpointSliceObjects]!, namespaces: w[H.NamespaceObjects]!, pods: w[H.PodObjects]! };
  }

  /** The word offset of the group of (a, b) in `table`, or -1. */
  private find(table: T, a: string, b?: string): number {
    const { w } = this;
    const at = w[H.Tables + 2 * table]!;
    const mask = w[H.Tables + 2 * table + 1]! - 1;
    for (let slot = hashKey(a, b) & mask; ; slot = (slot + 1) & mask) {
      const entry = w[at + slot]!;
      if (entry === 0) return -1;
      const group = w[H.Groups]! + (entry - 1) * GROUP;
      if (this.equals(w[group]!, a) && (b === undefined ? w[group + 1] === NONE : this.equals(w[group + 1]!, b))) return group;
    }
  }

  private members<E>(group: number, decode: (i: number) => E): readonly E[] {
    if (group < 0) return EMPTY;
    const { w } = this;
    const at = w[H.Refs]! + w[group + 2]!;
    const out: E[] = [];
    for (let i = 0; i < w[group + 3]!; i++) out.push(decode(w[at + i]!));
    return out;
  }

  private serviceAt(i: number): ServiceEntry {
    const { w } = this;
    const r = w[H.Services]! + i * SERVICE;
    const flags = w[r + 2]!;
    const svc = new ServiceEntry(
      this.str(w[r]!)!,
      this.str(w[r + 1]!)!,
      '',
      SERVICE_TYPES[flags & 0xff]!,
      this.strings(w[r + 4]!, w[r + 5]!),
      this.strings(w[r + 6]!, w[r + 7]!),
      this.ports(w[r + 8]!, w[r + 9]!),
      this.str(w[r + 3]!) ?? '',
      (flags & 0x100) !== 0,
      this.strings(w[r + 10]!, w[r + 11]!),
    );
    svc.id = i;
    return svc;
  }

  private sliceAt(i: number): SliceEntry {
    const { w } = this;
    const r = w[H.Slices]! + i * SLICE;
    const endpoints: Endpoint[] = [];
    for (let e = w[H.Endpoints]! + w[r + 5]! * ENDPOINT, end = e + w[r + 6]! * ENDPOINT; e < end; e += ENDPOINT) {
      endpoints.push({ ip: this.endpointIp(e), hostname: this.str(w[e + 1]!), podName: this.str(w[e + 2]!), ready: (w[e + 3]! & 1) === 1 });
    }
    return new SliceEntry(this.str(w[r]!)!, this.str(w[r + 1]!)!, '', this.str(w[r + 2]!)!, this.ports(w[r + 3]!, w[r + 4]!), endpoints, NaN);
  }

  /** The address of the endpoint record at word `e`. */
  private endpointIp(e: number): string {
    const { w } = this;
    return (w[e + 3]! & 2) !== 0 ? ipv4Text(w[e]!) : this.str(w[e]!)!;
  }

  private ports(at: number, count: number): PortEntry[] {
    const { w } = this;
    const out: PortEntry[] = [];
    for (let i = 0; i < count; i++) {
      const p = w[H.Ports]! + w[w[H.Refs]! + at + i]! * PORT;
      out.push(new PortEntry(this.str(w[p]!)!, this.str(w[p + 1]!)!, w[p + 2]! | 0));
    }
    return out;
  }

  private strings(at: number, count: number): string[] {
    const out: string[] = [];
    for (let i = 0; i < count; i++) out.push(this.str(this.w[this.w[H.Refs]! + at + i]!)!);
    return out;
  }

  private str(ref: number): string | null {
    if (ref === NONE) return null;
    return this.bytes.toString('latin1', ref + 1, ref + 1 + this.bytes[ref]!);
  }

  private equals(ref: number, s: string): boolean {
    const { bytes } = this;
    if (ref === NONE || bytes[ref] !== s.length) return false;
    for (let i = 0; i < s.length; i++) if (bytes[ref + 1 + i] !== s.charCodeAt(i)) return false;
    return true;
  }
}
