/**
 * True when `len` bytes of wire names at `a[aOff]` and `b[bOff]` are equal but
 * for ASCII letter case, as DNS compares names (RFC 4343). Length bytes (at
 * most 63) are below 'A', so they must be equal.
 */
export function equalFold(a: Uint8Array, aOff: number, b: Uint8Array, bOff: number, len: number): boolean {
  for (let i = 0; i < len; i++) if (lower(a[aOff + i]!) !== lower(b[bOff + i]!)) return false;
  return true;
}

function lower(b: number): number {
  return b >= 0x41 && b <= 0x5a ? b | 0x20 : b;
}
