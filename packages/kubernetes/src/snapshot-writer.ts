import type { PortEntry, ServiceEntry, SliceEntry } from './entries.js';
import type { ClusterIndex } from './index-store.js';
import { capacityFor, ENDPOINT, GROUP, H, hashKey, HEADER, MAGIC, NONE, SERVICE_TYPES, T, TABLES } from './snapshot-layout.js';

/** A lookup's groups: each key (one or two strings) and its members. */
class Groups {
  readonly byKey = new Map<string, { a: string; b: string | undefined; members: number[] }>();
  add(a: string, b: string | undefined, member?: number): void {
    const key = b === undefined ? a : `${a}\0${b}`;
    let group = this.byKey.get(key);
    if (!group) this.byKey.set(key, (group = { a, b, members: [] }));
    if (member !== undefined) group.members.push(member);
  }
}

/**
 * The index as a snapshot in one SharedArrayBuffer (snapshot-layout.ts): what
 * the answers read, with a hash table for each lookup, so that the worker
 * threads of a process read the primary's index in place instead of each
 * keeping a copy. `synced` is the primary's state when it was taken.
 */
export function writeSnapshot(index: ClusterIndex, synced: boolean): SharedArrayBuffer {
  const strings = new Map<string, number>();
  const chunks: string[] = [];
  let stringBytes = 0;
  const str = (s: string | null | undefined): number => {
    if (s === null || s === undefined) return NONE;
    let at = strings.get(s);
    if (at === undefined) {
      // Kubernetes validates names and addresses as ASCII of at most 253: what a length byte and latin1 hold.
      if (s.length > 255 || /[^\x00-\x7f]/.test(s)) throw new Error(`${JSON.stringify(s.slice(0, 64))}: not a Kubernetes name or address (ASCII, at most 255 characters)`);
      strings.set(s, (at = stringBytes));
      chunks.push(s);
      stringBytes += 1 + s.length;
    }
    return at;
  };
  const refs: number[] = [];
  const list = (values: readonly number[]): [number, number] => {
    const at = refs.length;
    for (const v of values) refs.push(v);
    return [at, values.length];
  };

  const services: ServiceEntry[] = [...index.allServices()];
  const slices: SliceEntry[] = [...index.allSlices()];
  const ports = new Map<PortEntry, number>();
  const portOf = (p: PortEntry): number => {
    let at = ports.get(p);
    if (at === undefined) ports.set(p, (at = ports.size));
    return at;
  };
  const lookups: Groups[] = Array.from({ length: TABLES }, () => new Groups());

  const serviceWords: number[] = [];
  services.forEach((svc, i) => {
    serviceWords.push(str(svc.name), str(svc.namespace), SERVICE_TYPES.indexOf(svc.type) | (svc.publishNotReady ? 0x100 : 0), svc.externalName === '' ? NONE : str(svc.externalName));
    serviceWords.push(...list(svc.clusterIPs.map(str)), ...list(svc.externalIPs.map(str)), ...list(svc.ports.map(portOf)));
    lookups[T.Service]!.add(svc.name, svc.namespace, i);
    for (const ip of svc.clusterIPs) lookups[T.ServicesByIp]!.add(ip, undefined, i);
    for (const ip of svc.externalIPs) lookups[T.ServicesByIp]!.add(ip, undefined, i);
  });
  const sliceWords: number[] = [];
  const endpointWords: number[] = [];
  slices.forEach((slice, i) => {
    const endpoints = endpointWords.length / ENDPOINT;
    for (const ep of slice.endpoints) {
      endpointWords.push(str(ep.ip), str(ep.hostname), str(ep.nodeName), str(ep.podName), ep.ready ? 1 : 0);
      lookups[T.SlicesByIp]!.add(ep.ip, undefined, i);
    }
    sliceWords.push(str(slice.name), str(slice.namespace), str(slice.service), ...list(slice.ports.map(portOf)), endpoints, slice.endpoints.length);
    lookups[T.SlicesOfService]!.add(slice.service, slice.namespace, i);
  });
  for (const ns of index.allNamespaces()) lookups[T.Namespace]!.add(ns, undefined);
  for (const [ip, ns] of index.allPods()) lookups[T.Pods]!.add(ip, undefined, str(ns));
  const portWords: number[] = [];
  for (const p of ports.keys()) portWords.push(str(p.name), str(p.protocol), p.port >>> 0);

  // Groups and their tables; the members go to refs.
  const groupWords: number[] = [];
  const tables: Uint32Array[] = lookups.map((lookup) => {
    const table = new Uint32Array(capacityFor(lookup.byKey.size));
    const mask = table.length - 1;
    for (const { a, b, members } of lookup.byKey.values()) {
      const group = groupWords.length / GROUP;
      groupWords.push(str(a), b === undefined ? NONE : str(b), ...list(members));
      let slot = hashKey(a, b) & mask;
      while (table[slot] !== 0) slot = (slot + 1) & mask;
      table[slot] = group + 1;
    }
    return table;
  });

  const sections = [serviceWords, portWords, sliceWords, endpointWords, refs, groupWords, ...tables];
  const words = HEADER + sections.reduce((n, s) => n + s.length, 0);
  const buffer = new SharedArrayBuffer(4 * words + stringBytes);
  const w = new Uint32Array(buffer, 0, words);
  let at = HEADER;
  const put = (section: ArrayLike<number>): number => {
    const start = at;
    w.set(section, at);
    at += section.length;
    return start;
  };
  w[H.Magic] = MAGIC;
  w[H.Modified] = index.modified >>> 0;
  w[H.Synced] = synced ? 1 : 0;
  w[H.Services] = put(serviceWords);
  w[H.ServiceCount] = services.length;
  w[H.Ports] = put(portWords);
  w[H.Slices] = put(sliceWords);
  w[H.SliceCount] = slices.length;
  w[H.Endpoints] = put(endpointWords);
  w[H.Refs] = put(refs);
  w[H.Groups] = put(groupWords);
  tables.forEach((table, i) => {
    w[H.Tables + 2 * i] = put(table);
    w[H.Tables + 2 * i + 1] = table.length;
  });
  w[H.Strings] = 4 * words;
  w[H.StringBytes] = stringBytes;
  const bytes = Buffer.from(buffer, 4 * words, stringBytes);
  let offset = 0;
  for (const s of chunks) {
    bytes[offset] = s.length;
    bytes.write(s, offset + 1, 'latin1');
    offset += 1 + s.length;
  }
  return buffer;
}
