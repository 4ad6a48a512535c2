import { HEADER_SIZE, QType, skipName } from '@chaindns/core';

const MAX_JUMPS = 64;

/** The byte after a compression pointer at `off`: where it points. */
function target(buf: Uint8Array, off: number): number {
  return ((buf[off]! & 0x3f) << 8) | buf[off + 1]!;
}

/**
 * True when the names at `a` and `b` are equal, ignoring ASCII case, without
 * decoding them: both are followed through their compression pointers label
 * by label. Malformed names are never equal.
 */
export function sameName(buf: Uint8Array, a: number, b: number): boolean {
  let jumps = 0;
  for (;;) {
    while (a + 1 < buf.length && (buf[a]! & 0xc0) === 0xc0) {
      a = target(buf, a);
      if (++jumps > MAX_JUMPS) return false;
    }
    while (b + 1 < buf.length && (buf[b]! & 0xc0) === 0xc0) {
      b = target(buf, b);
      if (++jumps > MAX_JUMPS) return false;
    }
    if (a === b) return a < buf.length;
    const len = buf[a];
    if (len === undefined || len !== buf[b] || len & 0xc0) return false;
    if (len === 0) return true;
    if (a + len >= buf.length || b + len >= buf.length) return false;
    for (let i = 1; i <= len; i++) {
      let x = buf[a + i]!;
      let y = buf[b + i]!;
      if (x >= 0x41 && x <= 0x5a) x |= 0x20;
      if (y >= 0x41 && y <= 0x5a) y |= 0x20;
      if (x !== y) return false;
    }
    a += len + 1;
    b += len + 1;
  }
}

/** True when the name at `off`, followed through its pointers, uses a pointer into [lo, hi). Malformed counts as true. */
function nameReaches(buf: Uint8Array, off: number, lo: number, hi: number): boolean {
  let jumps = 0;
  for (;;) {
    const len = buf[off];
    if (len === undefined) return true;
    if (len === 0) return false;
    if ((len & 0xc0) === 0xc0) {
      if (off + 1 >= buf.length || ++jumps > MAX_JUMPS) return true;
      off = target(buf, off);
      if (off >= lo && off < hi) return true;
    } else if (len & 0xc0) {
      return true;
    } else {
      off += len + 1;
    }
  }
}

/**
 * Where names start in the RDATA of the types whose names may be compressed
 * (RFC 1035's types, and those some encoders compress anyway): offsets from
 * the RDATA's start, a negative entry meaning "right after the previous name".
 * RFC 3597 forbids compression in any other type's RDATA.
 */
const RDATA_NAMES: Readonly<Record<number, readonly number[]>> = {
  [QType.NS]: [0],
  3: [0], // MD
  4: [0], // MF
  [QType.CNAME]: [0],
  7: [0], // MB
  8: [0], // MG
  9: [0], // MR
  [QType.PTR]: [0],
  [QType.DNAME]: [0],
  [QType.SOA]: [0, -1],
  14: [0, -1], // MINFO
  [QType.RP]: [0, -1],
  [QType.MX]: [2],
  [QType.AFSDB]: [2],
  21: [2], // RT
  36: [2], // KX
  26: [2, -1], // PX
  [QType.SRV]: [6],
};

/**
 * True when some compression pointer in the message points into [lo, hi):
 * every name we can see is walked (the questions, every owner, the names in
 * the RDATA of the types above, NAPTR's replacement). Moving the bytes of
 * [lo, hi) is only safe when this is false. A malformed message counts as true.
 */
export function pointsInto(buf: Uint8Array, lo: number, hi: number): boolean {
  const qd = (buf[4]! << 8) | buf[5]!;
  const rrs = ((buf[6]! << 8) | buf[7]!) + ((buf[8]! << 8) | buf[9]!) + ((buf[10]! << 8) | buf[11]!);
  let off = HEADER_SIZE;
  for (let i = 0; i < qd; i++) {
    if (nameReaches(buf, off, lo, hi)) return true;
    off = skipName(buf, off);
    if (off < 0) return true;
    off += 4;
  }
  for (let i = 0; i < rrs; i++) {
    if (nameReaches(buf, off, lo, hi)) return true;
    const head = skipName(buf, off);
    if (head < 0 || head + 10 > buf.length) return true;
    const type = (buf[head]! << 8) | buf[head + 1]!;
    const rdata = head + 10;
    const end = rdata + ((buf[head + 8]! << 8) | buf[head + 9]!);
    if (end > buf.length) return true;
    if (rdataReaches(buf, type, rdata, end, lo, hi)) return true;
    off = end;
  }
  return false;
}

function rdataReaches(buf: Uint8Array, type: number, rdata: number, end: number, lo: number, hi: number): boolean {
  if (type === QType.NAPTR) {
    // order, preference, then flags, services and regexp as character-strings, then the replacement.
    let p = rdata + 4;
    for (let s = 0; s < 3 && p < end; s++) p += 1 + buf[p]!;
    return p < end && nameReaches(buf, p, lo, hi);
  }
  const names = RDATA_NAMES[type];
  if (!names) return false;
  let p = rdata;
  for (const at of names) {
    if (at >= 0) p = rdata + at;
    if (p >= end) return false;
    if (nameReaches(buf, p, lo, hi)) return true;
    p = skipName(buf, p);
    if (p < 0) return true;
  }
  return false;
}
