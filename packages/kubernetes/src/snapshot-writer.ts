import type { PortEntry, ServiceEntry, SliceEntry } from './entries.js';
import type { ClusterIndex } from './index-store.js';
import { capacityFor, ENDPOINT, GROUP, H, hashKey, HEADER, MAGIC, NONE, SERVICE_TYPES, SLICE, T } from './snapshot-layout.js';

const NOT_ASCII = /[^\x00-\x7f]/;

/** 32-bit words appended to a typed array that doubles as it fills (no array of numbers, no garbage per word). */
class Words {
  private data = new Uint32Array(1 << 16);
  length = 0;
  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Uint32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }
  at(i: number): number {
    return this.data[i]!;
  }
  get words(): Uint32Array {
    return this.data.subarray(0, this.length);
  }
}

/** Strings as a length byte and their bytes: those that repeat (names, namespaces) once each. */
class Strings {
  private readonly at = new Map<string, number>();
  private data = Buffer.allocUnsafe(1 << 16);
  length = 0;

  /** A string that repeats across records (a name, a namespace, a node, a port name): stored once. */
  ref(s: string | null | undefined): number {
    if (s === null || s === undefined) return NONE;
    let at = this.at.get(s);
    if (at === undefined) this.at.set(s, (at = this.add(s)));
    return at;
  }

  /**
   * A string that is one record's own (an address, a pod name, a hostname): stored where it is
   * met, without a lookup; at most twice (its record, and its key in a table).
   */
  own(s: string | null | undefined): number {
    return s === null || s === undefined ? NONE : this.add(s);
  }

  private add(s: string): number {
    // Kubernetes validates names and addresses as ASCII of at most 253: what a length byte and latin1 hold.
    if (s.length > 255 || NOT_ASCII.test(s)) throw new Error(`${JSON.stringify(s.slice(0, 64))}: not a Kubernetes name or address (ASCII, at most 255 characters)`);
    if (this.length + 1 + s.length > this.data.length) {
      const grown = Buffer.allocUnsafe(this.data.length * 2);
      this.data.copy(grown, 0, 0, this.length);
      this.data = grown;
    }
    const at = this.length;
    this.data[at] = s.length;
    this.data.write(s, at + 1, 'latin1');
    this.length += 1 + s.length;
    return at;
  }
  get bytes(): Buffer {
    return this.data.subarray(0, this.length);
  }
}

type Multi<E> = E | readonly E[];
const each = <E>(value: Multi<E>, fn: (e: E) => void): void => (Array.isArray(value) ? (value as readonly E[]).forEach(fn) : fn(value as E));
const count = <E>(value: Multi<E>): number => (Array.isArray(value) ? value.length : 1);

/**
 * The index as a snapshot in one SharedArrayBuffer (snapshot-layout.ts): what
 * the answers read, with a hash table for each lookup, so that the worker
 * threads of a process read the primary's index in place instead of each
 * keeping a copy. `synced` is the primary's state when it was taken. The
 * groups are the index's own maps, copied as they are (those by address
 * built for the snapshot alone when the index keeps none).
 */
export function writeSnapshot(index: ClusterIndex, synced: boolean): SharedArrayBuffer {
  const strings = new Strings();
  const str = (s: string | null | undefined): number => strings.ref(s);
  const own = (s: string | null | undefined): number => strings.own(s);
  const records = { services: new Words(), ports: new Words(), slices: new Words(), endpoints: new Words() };
  const refs = new Words();
  const groups = new Words();
  /** Appends `n` members to refs: their first position. */
  const list = <E>(items: Multi<E> | readonly E[], member: (e: E) => number): number => {
    const at = refs.length;
    each(items as Multi<E>, (e) => refs.push(member(e)));
    return at;
  };

  const services: ServiceEntry[] = [...index.allServices()];
  const serviceAt = new Map<ServiceEntry, number>();
  services.forEach((svc, i) => serviceAt.set(svc, i));
  const slices: SliceEntry[] = [...index.allSlices()];
  const sliceAt = new Map<SliceEntry, number>();
  slices.forEach((slice, i) => sliceAt.set(slice, i));
  const ports = new Map<PortEntry, number>();
  const portOf = (p: PortEntry): number => {
    let at = ports.get(p);
    if (at === undefined) {
      ports.set(p, (at = ports.size));
      records.ports.push(str(p.name));
      records.ports.push(str(p.protocol));
      records.ports.push(p.port >>> 0);
    }
    return at;
  };

  for (const svc of services) {
    const w = records.services;
    w.push(str(svc.name));
    w.push(str(svc.namespace));
    w.push(SERVICE_TYPES.indexOf(svc.type) | (svc.publishNotReady ? 0x100 : 0));
    w.push(svc.externalName === '' ? NONE : str(svc.externalName));
    w.push(list(svc.clusterIPs, str));
    w.push(svc.clusterIPs.length);
    w.push(list(svc.externalIPs, str));
    w.push(svc.externalIPs.length);
    w.push(list(svc.ports, portOf));
    w.push(svc.ports.length);
    w.push(list(svc.ingress, str));
    w.push(svc.ingress.length);
  }
  for (const slice of slices) {
    const w = records.slices;
    w.push(str(slice.name));
    w.push(str(slice.namespace));
    w.push(str(slice.service));
    w.push(list(slice.ports, portOf));
    w.push(slice.ports.length);
    w.push(records.endpoints.length / ENDPOINT);
    w.push(slice.size);
    const number = sliceAt.get(slice)!;
    for (let i = 0; i < slice.size; i++) {
      const key = slice.addressKey(i);
      const v4 = typeof key === 'number';
      records.endpoints.push(v4 ? key >>> 0 : own(key));
      records.endpoints.push(own(slice.hostname(i)));
      records.endpoints.push(own(slice.podName(i)));
      records.endpoints.push((slice.ready(i) ? 1 : 0) | (v4 ? 2 : 0) | (number << 2));
    }
  }

  // Each lookup: its groups (key, second key, members), then its table of them.
  const tables: Uint32Array[] = [];
  const table = (which: T, size: number, fill: (group: (a: string, b: string | undefined, at: number, n: number) => void) => void, key = str): void => {
    const slots = new Uint32Array(capacityFor(size));
    const mask = slots.length - 1;
    fill((a, b, at, n) => {
      const g = groups.length / GROUP;
      groups.push(key(a));
      groups.push(b === undefined ? NONE : str(b));
      groups.push(at);
      groups.push(n);
      let slot = hashKey(a, b) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = g + 1;
    });
    tables[which] = slots;
  };
  const { slicesByService, serviceByIp, serviceByExternalIp } = index.groups();
  const ofService = (s: ServiceEntry): number => serviceAt.get(s)!;
  const ofSlice = (s: SliceEntry): number => sliceAt.get(s)!;
  table(T.Service, services.length, (group) => services.forEach((svc, i) => (refs.push(i), group(svc.name, svc.namespace, refs.length - 1, 1))));
  table(T.SlicesOfService, slicesByService.size, (group) => {
    for (const value of slicesByService.values()) {
      const first = Array.isArray(value) ? (value as readonly SliceEntry[])[0]! : (value as SliceEntry);
      group(first.service, first.namespace, list(value, ofSlice), count(value));
    }
  });
  table(T.ServicesByIp, serviceByIp.size, (group) => {
    for (const [ip, value] of serviceByIp) group(ip, undefined, list(value, ofService), count(value));
  });
  table(T.ServicesByExternalIp, serviceByExternalIp.size, (group) => {
    for (const [ip, value] of serviceByExternalIp) group(ip, undefined, list(value, ofService), count(value));
  });
  // Per address, one endpoint of each slice at it (its first there), the slices in the order the index set them, as its
  // maps by address list them: a probe meets a key's entries in the order they went in. Read from the slices' columns,
  // not from those maps: built for each snapshot, they were 100,000 entries the collector copied.
  const atIp: number[] = [];
  const hashes: number[] = [];
  for (const slice of index.everySlice()) {
    if (!slice.service) continue;
    const first = records.slices.at(SLICE * ofSlice(slice) + 5);
    for (const i of slice.firstAtEachAddress()) {
      atIp.push(first + i);
      hashes.push(hashKey(slice.ip(i)));
    }
  }
  const endpointsByIp = new Uint32Array(capacityFor(atIp.length));
  const mask = endpointsByIp.length - 1;
  for (let k = 0; k < atIp.length; k++) {
    let slot = hashes[k]! & mask;
    while (endpointsByIp[slot] !== 0) slot = (slot + 1) & mask;
    endpointsByIp[slot] = atIp[k]! + 1;
  }
  tables[T.SlicesByIp] = endpointsByIp;
  const namespaces = [...index.allNamespaces()];
  table(T.Namespace, namespaces.length, (group) => namespaces.forEach((ns) => group(ns, undefined, 0, 0)));
  const pods = new Map<string, string[]>();
  for (const [ip, ns] of index.allPods()) {
    const at = pods.get(ip);
    if (at) at.push(ns);
    else pods.set(ip, [ns]);
  }
  table(T.Pods, pods.size, (group) => {
    for (const [ip, namespaces] of pods) group(ip, undefined, list(namespaces, str), namespaces.length);
  }, own);

  const sections = [records.services.words, records.ports.words, records.slices.words, records.endpoints.words, refs.words, groups.words, ...tables];
  const words = HEADER + sections.reduce((n, s) => n + s.length, 0);
  const bytes = strings.bytes;
  const buffer = new SharedArrayBuffer(4 * words + bytes.length);
  const w = new Uint32Array(buffer, 0, words);
  let at = HEADER;
  const put = (section: Uint32Array): number => {
    const start = at;
    w.set(section, at);
    at += section.length;
    return start;
  };
  w[H.Magic] = MAGIC;
  w[H.Modified] = index.modified >>> 0;
  w[H.Synced] = synced ? 1 : 0;
  w[H.Services] = put(records.services.words);
  w[H.ServiceCount] = services.length;
  w[H.Ports] = put(records.ports.words);
  w[H.Slices] = put(records.slices.words);
  w[H.SliceCount] = slices.length;
  w[H.Endpoints] = put(records.endpoints.words);
  w[H.Refs] = put(refs.words);
  w[H.Groups] = put(groups.words);
  tables.forEach((slots, i) => {
    w[H.Tables + 2 * i] = put(slots);
    w[H.Tables + 2 * i + 1] = slots.length;
  });
  const counts = index.counts();
  w[H.EndpointSliceObjects] = counts.endpointSlices;
  w[H.NamespaceObjects] = counts.namespaces;
  w[H.PodObjects] = counts.pods;
  w[H.Strings] = 4 * words;
  w[H.StringBytes] = bytes.length;
  new Uint8Array(buffer, 4 * words).set(bytes);
  return buffer;
}
