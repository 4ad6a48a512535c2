// Question names as the cache compares them: straight from the wire bytes, ASCII case aside (RFC 4343).

const lower = (c: number): number => (c >= 0x41 && c <= 0x5a ? c | 0x20 : c);

/**
 * FNV-1a of the question's name bytes (`msg[12, end)`), ASCII letters folded
 * as DNS compares names; cut to 30 bits, a small integer for any V8.
 */
export function nameHash(msg: Uint8Array, end: number): number {
  let h = 0x811c9dc5;
  for (let i = 12; i < end; i++) h = Math.imul(h ^ lower(msg[i]!), 0x01000193);
  return h & 0x3fffffff;
}

/** True when the question names at `a[12, aEnd)` and `b[12, bEnd)` are the same name (ASCII case aside). */
export function sameName(a: Uint8Array, aEnd: number, b: Uint8Array, bEnd: number): boolean {
  if (aEnd !== bEnd) return false;
  for (let i = 12; i < aEnd; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x !== y && lower(x) !== lower(y)) return false;
  }
  return true;
}
