import { isIPv4, isIPv6 } from 'node:net';

/** Addresses kept as bytes; past this many distinct ones the cache starts over (memory stays bounded). */
const CACHE_SIZE = 1024;
const cache = new Map<string, Uint8Array>();

/**
 * An IP address as dnstap stores it: 4 octets for IPv4, an IPv4-mapped IPv6
 * address included (as CoreDNS does since 1.14.5), else 16. The addresses of
 * a server's clients repeat, so each is parsed once.
 */
export function addressBytes(address: string): Uint8Array {
  let bytes = cache.get(address);
  if (bytes === undefined) {
    if (cache.size >= CACHE_SIZE) cache.clear();
    bytes = parseAddress(address);
    cache.set(address, bytes);
  }
  return bytes;
}

function parseAddress(address: string): Uint8Array {
  if (isIPv4(address)) return Uint8Array.from(address.split('.'), Number);
  if (!isIPv6(address)) throw new RangeError(`not an IP address: ${address}`);
  const out = new Uint8Array(16);
  let text = address;
  // An IPv4 address in the last 32 bits (::ffff:192.0.2.1) becomes its two last groups.
  const dot = text.lastIndexOf(':');
  if (text.includes('.', dot)) {
    const v4 = text.slice(dot + 1).split('.').map(Number);
    text = `${text.slice(0, dot + 1)}${((v4[0]! << 8) | v4[1]!).toString(16)}:${((v4[2]! << 8) | v4[3]!).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const groups = (s: string): number[] => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const front = groups(head);
  const back = tail === undefined ? [] : groups(tail);
  const all = [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
  all.forEach((g, i) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  const mapped = out.subarray(0, 10).every((b) => b === 0) && out[10] === 0xff && out[11] === 0xff;
  return mapped ? out.slice(12) : out;
}

/** The offset from performance.now() to the epoch, taken again every minute so the wall clock's corrections reach it. */
let epochOffset = Date.now() - performance.now();
let offsetTakenAt = performance.now();

/** Milliseconds since the epoch, with performance.now()'s sub-millisecond part (dnstap times are in nanoseconds). */
export function epochMs(now = performance.now()): number {
  if (now - offsetTakenAt > 60_000) {
    epochOffset = Date.now() - performance.now();
    offsetTakenAt = now;
  }
  return now + epochOffset;
}
