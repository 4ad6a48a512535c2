import { isIP } from 'node:net';
import { parseIPv6 } from '@chaindns/core';

/** A CIDR from `prefer`, as bytes, so matching an A or AAAA record's RDATA needs no decoding. */
export interface Subnet {
  readonly text: string;
  /** 4 for IPv4 (matches A records), 16 for IPv6 (matches AAAA records). */
  readonly size: 4 | 16;
  readonly bytes: Uint8Array;
  readonly bits: number;
}

/** Parses `10.0.0.0/8` or `2001:db8::/32`; null when it is not a CIDR (a bare address is not one, as in Go). */
export function parseSubnet(text: string): Subnet | null {
  const slash = text.indexOf('/');
  if (slash < 0 || !/^\d{1,3}$/.test(text.slice(slash + 1))) return null;
  const address = text.slice(0, slash);
  const bits = Number(text.slice(slash + 1));
  const family = isIP(address);
  if (family === 0 || bits > (family === 4 ? 32 : 128)) return null;
  const bytes = family === 4 ? ipv4Bytes(address) : ipv6Bytes(address);
  return { text, size: family === 4 ? 4 : 16, bytes, bits };
}

/** True when the `size` bytes at `off` (an A or AAAA RDATA) fall inside `subnet`. */
export function contains(subnet: Subnet, buf: Uint8Array, off: number, size: number): boolean {
  if (subnet.size !== size) return false;
  let bits = subnet.bits;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((buf[off + i]! & mask) !== (subnet.bytes[i]! & mask)) return false;
  }
  return true;
}

function ipv4Bytes(address: string): Uint8Array {
  return Uint8Array.from(address.split('.').map(Number));
}

/** An address isIP() accepted as IPv6, less any zone. */
function ipv6Bytes(address: string): Uint8Array {
  const zone = address.indexOf('%');
  return parseIPv6(zone >= 0 ? address.slice(0, zone) : address)!;
}
