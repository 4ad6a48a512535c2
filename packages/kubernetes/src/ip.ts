import { parseIPv6 } from '@chaindns/core';

/**
 * IP addresses as the index keys them: IPv4 dotted, IPv6 in RFC 5952 form
 * (lowercase, longest zero run as `::`), which is how Go prints them and so
 * how the Kubernetes API and CoreDNS spell them. Null when not an address.
 */
export function canonicalIp(text: string): string | null {
  if (ipv4Number(text) >= 0) return text;
  const bytes = parseIPv6(text);
  return bytes && formatIPv6(groupsOf(bytes));
}

/**
 * A dotted IPv4 address as its 32 bits (a number from 0 to 2^32 - 1), or -1;
 * no string is split (a lookup per query, an endpoint per list item). As Go's
 * net.ParseIP, a part with a leading zero is no address (`10.0.0.01`).
 */
export function ipv4Number(ip: string): number {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < ip.length; i++) {
    const c = ip.charCodeAt(i);
    if (c === 0x2e) {
      if (digits === 0 || part > 255 || ++dots > 3) return -1;
      value = value * 256 + part;
      part = 0;
      digits = 0;
    } else if (c >= 0x30 && c <= 0x39 && digits < 3 && !(digits === 1 && part === 0)) {
      part = part * 10 + c - 0x30;
      digits++;
    } else {
      return -1;
    }
  }
  return dots === 3 && digits > 0 && part <= 255 ? value * 256 + part : -1;
}

/**
 * An address as a map key: an IPv4 one as its 32 bits in a small integer
 * (`| 0`: V8 keeps it unboxed), any other as its text. Keys made from the
 * index's own columns need no string per endpoint.
 */
export function addressKey(ip: string): number | string {
  const v4 = ipv4Number(ip);
  return v4 >= 0 ? v4 | 0 : ip;
}

/** The dotted text of an IPv4 address's 32 bits. */
export function ipv4Text(v: number): string {
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

export function ipFamily(ip: string): 4 | 6 {
  return ip.includes(':') ? 6 : 4;
}

/** The eight 16-bit groups of an IPv6 address's bytes. */
function groupsOf(bytes: Uint8Array): number[] {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i]! << 8) | bytes[i + 1]!);
  return groups;
}

function formatIPv6(groups: readonly number[]): string {
  // IPv4-mapped addresses print as Go prints them: plain dotted IPv4.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `${groups[6]! >> 8}.${groups[6]! & 255}.${groups[7]! >> 8}.${groups[7]! & 255}`;
  }
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/**
 * The address a full reverse name stands for (`4.3.2.1.in-addr.arpa.` ->
 * `1.2.3.4`, 32 nibbles under `ip6.arpa.`), or null for any other name.
 */
export function addressFromReverse(name: string): string | null {
  if (name.endsWith('.in-addr.arpa.')) {
    const labels = name.slice(0, -'.in-addr.arpa.'.length).split('.');
    if (labels.length !== 4 || !labels.every((l) => /^(0|[1-9]\d{0,2})$/.test(l) && Number(l) <= 255)) return null;
    return labels.reverse().join('.');
  }
  if (name.endsWith('.ip6.arpa.')) {
    const nibbles = name.slice(0, -'.ip6.arpa.'.length).split('.');
    if (nibbles.length !== 32 || !nibbles.every((n) => /^[0-9a-f]$/.test(n))) return null;
    const hex = nibbles.reverse().join('');
    const groups: number[] = [];
    for (let i = 0; i < 32; i += 4) groups.push(parseInt(hex.slice(i, i + 4), 16));
    return formatIPv6(groups);
  }
  return null;
}

/** True for names under in-addr.arpa. or ip6.arpa. */
export function isReverseName(name: string): boolean {
  return name.endsWith('.in-addr.arpa.') || name.endsWith('.ip6.arpa.') || name === 'in-addr.arpa.' || name === 'ip6.arpa.';
}

/** An address in the dashed form of DNS labels: `10-244-0-13`, `fd00--1`. */
export function dashedIp(ip: string): string {
  return ip.includes(':') ? ip.replaceAll(':', '-') : ip.replaceAll('.', '-');
}

/**
 * The address a pod label stands for, as CoreDNS reads it: three dashes and
 * no `--` make IPv4, anything else IPv6. Null when that is no address.
 */
export function ipFromDashed(label: string): string | null {
  let dashes = 0;
  for (let i = 0; i < label.length; i++) if (label.charCodeAt(i) === 0x2d) dashes++;
  const text = dashes === 3 && !label.includes('--') ? label.replaceAll('-', '.') : label.replaceAll('-', ':');
  return canonicalIp(text);
}

/** The sixteen bytes of an IPv6 address. */
export function ipv6Bytes(ip: string): Uint8Array {
  const bytes = parseIPv6(ip);
  if (!bytes) throw new RangeError(`not an IPv6 address: ${ip}`);
  return bytes;
}
