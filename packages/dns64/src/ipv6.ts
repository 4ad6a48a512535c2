import { isIPv4, isIPv6 } from 'node:net';

/** The 16 bytes of an IPv6 address in text (`::`, an embedded IPv4 tail); null when it is not one. */
export function parseIPv6(text: string): Uint8Array | null {
  if (!isIPv6(text) || text.includes('%')) return null;
  const [head = '', tail] = text.split('::') as [string, string | undefined];
  const groups = (part: string): number[] =>
    part === ''
      ? []
      : part.split(':').flatMap((g) => {
          if (!isIPv4(g)) return [parseInt(g, 16)];
          const [a, b, c, d] = g.split('.').map(Number) as [number, number, number, number];
          return [(a << 8) | b, (c << 8) | d];
        });
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  const out = new Uint8Array(16);
  all.forEach((g, i) => ((out[2 * i] = g >> 8), (out[2 * i + 1] = g & 0xff)));
  return out;
}

/**
 * The IPv6 address RFC 6052 section 2.2 makes of an IPv4 address under a
 * prefix of `length` bits (32 to 96, a multiple of 8): the IPv4 octets
 * follow the prefix, skipping byte 8 (the "u" octet, always zero).
 */
export function embedIPv4(prefix: Uint8Array, length: number, ipv4: readonly number[]): string {
  const v6 = new Uint8Array(16);
  let i = 0;
  for (; i < length / 8; i++) v6[i] = prefix[i]!;
  for (const octet of ipv4) {
    if (i === 8) i++;
    v6[i++] = octet;
  }
  const groups: string[] = [];
  for (let g = 0; g < 16; g += 2) groups.push(((v6[g]! << 8) | v6[g + 1]!).toString(16));
  return groups.join(':');
}
