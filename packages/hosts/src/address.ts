/**
 * IP addresses as a hosts file writes them, read the way Go's net.ParseIP
 * does (CoreDNS reads them so): IPv4 in four decimal fields without leading
 * zeros, IPv6 in hex groups with one `::` and an optional trailing IPv4.
 * A zone (`fe80::1%lo0`) is dropped first, as CoreDNS does.
 */

/** An address's bytes: 4 for IPv4 (IPv4-mapped IPv6 included, as Go's To4), 16 for IPv6. */
export type Address = Uint8Array;

/** The address in `text`, or null when it is none. */
export function parseAddress(text: string): Address | null {
  const zone = text.indexOf('%');
  const s = zone >= 0 ? text.slice(0, zone) : text;
  if (!s.includes(':')) return parseV4(s, 0);
  const ip = parseV6(s);
  if (ip === null) return null;
  return isV4Mapped(ip) ? ip.subarray(12) : ip;
}

function isV4Mapped(ip: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (ip[i] !== 0) return false;
  return ip[10] === 0xff && ip[11] === 0xff;
}

/** Four decimal fields from `start` to the end of `s`, each 0 to 255 without a leading zero. */
function parseV4(s: string, start: number): Address | null {
  const ip = new Uint8Array(4);
  let field = 0;
  let value = 0;
  let digits = 0;
  for (let i = start; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 0x2e;
    if (c === 0x2e) {
      if (digits === 0 || field > 3) return null;
      ip[field++] = value;
      value = 0;
      digits = 0;
    } else if (c >= 0x30 && c <= 0x39) {
      if (digits > 0 && value === 0) return null; // a leading zero
      value = value * 10 + c - 0x30;
      if (++digits > 3 || value > 255) return null;
    } else {
      return null;
    }
  }
  return field === 4 ? ip : null;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

/** Up to eight hex groups of one to four digits, one `::` standing for at least one zero group, an IPv4 tail in the last 32 bits. */
function parseV6(s: string): Address | null {
  const ip = new Uint8Array(16);
  let ellipsis = -1;
  let i = 0;
  let pos = 0;
  if (s.startsWith('::')) {
    ellipsis = 0;
    pos = 2;
    if (pos === s.length) return ip;
  }
  while (i < 16) {
    let end = pos;
    let group = 0;
    for (let h = end < s.length ? hexValue(s.charCodeAt(end)) : -1; h >= 0; h = end < s.length ? hexValue(s.charCodeAt(end)) : -1) {
      group = group * 16 + h;
      if (++end - pos > 4) return null;
    }
    if (end === pos) return null;
    if (end < s.length && s.charCodeAt(end) === 0x2e) {
      // An IPv4 tail: only where it ends the address.
      if (ellipsis < 0 && i !== 12) return null;
      if (i > 12) return null;
      const v4 = parseV4(s, pos);
      if (v4 === null) return null;
      ip.set(v4, i);
      i += 4;
      pos = s.length;
      break;
    }
    ip[i++] = group >> 8;
    ip[i++] = group & 0xff;
    pos = end;
    if (pos === s.length) break;
    if (s.charCodeAt(pos) !== 0x3a || pos + 1 === s.length) return null;
    pos++;
    if (s.charCodeAt(pos) === 0x3a) {
      if (ellipsis >= 0) return null;
      ellipsis = i;
      if (++pos === s.length) break;
    }
  }
  if (pos !== s.length) return null;
  if (i < 16) {
    if (ellipsis < 0) return null;
    const n = 16 - i;
    ip.copyWithin(ellipsis + n, ellipsis, i);
    ip.fill(0, ellipsis, ellipsis + n);
  } else if (ellipsis >= 0) {
    return null;
  }
  return ip;
}

/** `d.c.b.a` nibbles ahead of this: an IPv4-mapped address (::ffff:a.b.c.d) in ip6.arpa. */
const MAPPED_SUFFIX = 'f.f.f.f.' + '0.'.repeat(20) + 'ip6.arpa.';

/**
 * The in-addr.arpa name for an ip6.arpa name of an IPv4-mapped address, or
 * null. CoreDNS reads a reverse name back into an address, and Go prints
 * ::ffff:a.b.c.d as a.b.c.d, so such a query finds the IPv4 address's names.
 */
export function mappedV4Reverse(qname: string): string | null {
  if (qname.length !== 16 + MAPPED_SUFFIX.length || !qname.endsWith(MAPPED_SUFFIX)) return null;
  const bytes: number[] = [];
  for (let i = 0; i < 16; i += 4) {
    const lo = hexValue(qname.charCodeAt(i));
    const hi = hexValue(qname.charCodeAt(i + 2));
    if (lo < 0 || hi < 0 || qname[i + 1] !== '.' || qname[i + 3] !== '.') return null;
    bytes.push(hi * 16 + lo);
  }
  return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}.in-addr.arpa.`;
}

const HEX = [...'0123456789abcdef'].map((c) => c.charCodeAt(0));
const DECIMAL = Array.from({ length: 256 }, (_, i) => [...String(i)].map((c) => c.charCodeAt(0)));
const IN_ADDR_ARPA = [7, ...[...'in-addr'].map((c) => c.charCodeAt(0)), 4, ...[...'arpa'].map((c) => c.charCodeAt(0)), 0];
const IP6_ARPA = [3, ...[...'ip6'].map((c) => c.charCodeAt(0)), 4, ...[...'arpa'].map((c) => c.charCodeAt(0)), 0];

/** Writes the reverse name of `ip` (`4.3.2.1.in-addr.arpa.`, or 32 nibbles under `ip6.arpa.`) in wire form into `out`; returns its length. */
export function writeReverseName(ip: Address, out: Uint8Array): number {
  let off = 0;
  if (ip.length === 4) {
    for (let i = 3; i >= 0; i--) {
      const digits = DECIMAL[ip[i]!]!;
      out[off++] = digits.length;
      for (const d of digits) out[off++] = d;
    }
    out.set(IN_ADDR_ARPA, off);
    return off + IN_ADDR_ARPA.length;
  }
  for (let i = 15; i >= 0; i--) {
    out[off++] = 1;
    out[off++] = HEX[ip[i]! & 0x0f]!;
    out[off++] = 1;
    out[off++] = HEX[ip[i]! >> 4]!;
  }
  out.set(IP6_ARPA, off);
  return off + IP6_ARPA.length;
}
