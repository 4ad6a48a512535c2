/**
 * One hash of a domain name, from a query's wire bytes or from the text of a
 * name the zone holds: FNV-1a over the wire form (length bytes, labels with
 * ASCII letters folded, the final zero), cut to 30 bits (a small integer for
 * V8). The kept replies are found by it, and a zone's filter of the names it
 * holds is built from it.
 */
import { writeNameText } from '@chaindns/core';

const BASIS = 0x811c9dc5;
const PRIME = 0x01000193;

const lower = (c: number): number => (c >= 0x41 && c <= 0x5a ? c | 0x20 : c);

/** The hash of the wire name at `msg[start, end)` (a question's: `msg[12, nameEnd)`). */
export function wireNameHash(msg: Uint8Array, start: number, end: number): number {
  let h = BASIS;
  for (let i = start; i < end; i++) h = Math.imul(h ^ lower(msg[i]!), PRIME);
  return h & 0x3fffffff;
}

const scratch = Buffer.allocUnsafe(256);

/** The same hash from an absolute name in presentation form (`www.example.org.`). */
export function textNameHash(name: string): number {
  if (name.includes('\\')) return wireNameHash(scratch, 0, writeNameText(name, '.', scratch, 0));
  let h = BASIS;
  if (name !== '.') {
    for (let start = 0; start < name.length; ) {
      const dot = name.indexOf('.', start);
      h = Math.imul(h ^ (dot - start), PRIME);
      for (let i = start; i < dot; i++) h = Math.imul(h ^ lower(name.charCodeAt(i)), PRIME);
      start = dot + 1;
    }
  }
  return Math.imul(h ^ 0, PRIME) & 0x3fffffff;
}

/**
 * A filter of the names a zone holds (one bit per hash, eight bits or more
 * a name): a name whose bit is clear is not in the zone. A query for a name
 * that does not exist skips the zone's table and the kept replies with one
 * look at a bit.
 */
export class NameFilter {
  private readonly bits: Uint32Array;
  private readonly mask: number;

  /** Sized for `expected` names (at most 2^27 bits, 16 MB). */
  constructor(expected: number) {
    let size = 1 << 10;
    while (size < expected * 8 && size < 1 << 27) size <<= 1;
    this.bits = new Uint32Array(size >> 5);
    this.mask = size - 1;
  }

  add(hash: number): void {
    const h = hash & this.mask;
    this.bits[h >> 5]! |= 1 << (h & 31);
  }

  /** False when the name with this hash is certainly not in the zone. */
  mayHold(hash: number): boolean {
    const h = hash & this.mask;
    return (this.bits[h >> 5]! & (1 << (h & 31))) !== 0;
  }
}
