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
