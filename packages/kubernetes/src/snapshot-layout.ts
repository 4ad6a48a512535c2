/**
 * The layout of an index snapshot (snapshot-writer.ts, snapshot-reader.ts):
 * one SharedArrayBuffer, read as 32-bit words, with its strings as bytes.
 *
 *   header   HEADER words: the sections' word offsets and counts
 *   records  services (SERVICE words each), ports (PORT), slices (SLICE), endpoints (ENDPOINT)
 *   refs     lists of numbers: a record's IPs and ports, a group's members
 *   groups   GROUP words each: a key (one or two strings) and a list in refs
 *   tables   open-addressed hash tables of group numbers + 1 (0: empty), one per lookup; the
 *            slices by IP hold endpoint numbers + 1 instead, keyed by the endpoint's own address
 *            (no group, no second copy of the address: 100,000 endpoints are most of a snapshot)
 *   strings  each a length byte and that many bytes (names, addresses: ASCII, at most 253)
 *
 * A string is known by its byte offset; NONE is "no string". Kubernetes names and addresses are
 * ASCII, so a key is hashed and compared as char codes, with no decoding.
 */
export const MAGIC = 0x53444e43; // "CNDS"

export const NONE = 0xffffffff;

/** Header words. */
export const enum H {
  Magic,
  Modified,
  Synced,
  Services,
  ServiceCount,
  Ports,
  Slices,
  SliceCount,
  Endpoints,
  Refs,
  Groups,
  Strings,
  StringBytes,
  /** The index's counts (index.counts()), for the dashboard: every endpoint slice (those that name no service too), namespaces, pods. */
  EndpointSliceObjects,
  NamespaceObjects,
  PodObjects,
  /** Each table: its word offset, then its capacity (a power of 2). */
  Tables,
}

/** The lookups, each a table of groups. */
export const enum T {
  /** name + namespace: the service (one member). */
  Service,
  /** service name + namespace: its slices. */
  SlicesOfService,
  /** IP: the services with it as cluster or external IP. */
  ServicesByIp,
  /** IP: the services with it as external IP or load-balancer ingress IP (k8s_external's PTR). */
  ServicesByExternalIp,
  /** IP: the slices with an endpoint at it, by an endpoint of each (its number + 1, not a group's). */
  SlicesByIp,
  /** namespace: none. */
  Namespace,
  /** IP: the namespaces with a pod at it. */
  Pods,
}

export const TABLES = 7;
export const HEADER = H.Tables + 2 * TABLES;

/** Words per record. */
export const SERVICE = 12; // name, namespace, type | publishNotReady << 8, externalName, clusterIPs at, count, externalIPs at, count, ports at, count, ingress at, count
export const PORT = 3; // name, protocol, port (-1 as 0xffffffff)
export const SLICE = 7; // name, namespace, service, ports at, count, endpoints at, count
export const ENDPOINT = 4; // ip (an IPv4 address as its 32 bits, else a string), hostname, podName, ready | IPv4 << 1 | its slice's number << 2

export const GROUP = 4; // key, second key or NONE, members at, count

export const SERVICE_TYPES = ['ClusterIP', 'Headless', 'ExternalName'] as const;

/**
 * FNV-1a over the char codes of `a`, then a dot and `b` when given, and murmur3's finalizer:
 * FNV's low bits alone, which pick the slot, follow the last characters, so addresses that differ
 * in their last digits (100.64.0.1, 100.64.0.2, ...) would pile up in long probes.
 */
export function hashKey(a: string, b?: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < a.length; i++) h = Math.imul(h ^ a.charCodeAt(i), 16777619);
  if (b !== undefined) {
    h = Math.imul(h ^ 0x2e, 16777619);
    for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b.charCodeAt(i), 16777619);
  }
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** The table capacity for `n` keys: a power of 2, at most half full. */
export function capacityFor(n: number): number {
  let c = 8;
  while (c < 2 * n) c *= 2;
  return c;
}
