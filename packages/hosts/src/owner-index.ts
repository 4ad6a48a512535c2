import { sameBytes } from './wire-name.js';

/** A typed array twice as long (at least `min`), the old contents first. */
export function grown<T extends Int32Array | Uint8Array>(a: T, min: number): T {
  const out = new (a.constructor as new (n: number) => T)(Math.max(a.length * 2, min));
  out.set(a);
  return out;
}

/**
 * Owner names (wire form, lowercased) numbered 0, 1, 2... in the order they
 * were added, found by hash with open addressing. The names live back to back
 * in one buffer and the columns are typed arrays: no object per name, so a
 * table of 200,000 names costs the garbage collector nothing.
 */
export class OwnerIndex {
  names: Buffer;
  private namesUsed = 0;
  private nameOff: Int32Array;
  private nameLen: Uint8Array;
  private hashes: Int32Array;
  /** Owner + 1 per slot; 0 is free. At most half full. */
  private slots: Int32Array;
  count = 0;

  /** `capacity`: how many names to make room for at first. */
  constructor(capacity = 1024) {
    this.names = Buffer.allocUnsafeSlow(capacity * 24);
    this.nameOff = new Int32Array(capacity);
    this.nameLen = new Uint8Array(capacity);
    this.hashes = new Int32Array(capacity);
    this.slots = new Int32Array(2 ** Math.ceil(Math.log2(capacity * 2)));
  }

  /** Where owner `o`'s name starts in `names`. */
  offset(o: number): number {
    return this.nameOff[o]!;
  }

  /** The length of owner `o`'s name. */
  length(o: number): number {
    return this.nameLen[o]!;
  }

  /**
   * The owner named `buf[start, end)` (any letter case), or with `star` the
   * one named `*` followed by it; -1 when there is none. `h` is the name's
   * hash (hashBytes, from STAR_SEED with `star`).
   */
  find(buf: Uint8Array, start: number, end: number, h: number, star: boolean): number {
    const want = end - start + (star ? 2 : 0);
    const slots = this.slots;
    const mask = slots.length - 1;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const o = slots[s]! - 1;
      if (o < 0) return -1;
      if (this.hashes[o] !== h || this.nameLen[o] !== want) continue;
      const at = this.nameOff[o]!;
      const names = this.names;
      if (star ? names[at] === 1 && names[at + 1] === 0x2a && sameBytes(names, at + 2, buf, start, end) : sameBytes(names, at, buf, start, end)) return o;
    }
  }

  /** The owner of the lowercased wire name `buf[start, end)` hashing to `h`, added when new. */
  add(buf: Uint8Array, start: number, end: number, h: number): number {
    const found = this.find(buf, start, end, h, false);
    if (found >= 0) return found;
    const o = this.count++;
    if (o === this.hashes.length) {
      this.nameOff = grown(this.nameOff, 0);
      this.nameLen = grown(this.nameLen, 0);
      this.hashes = grown(this.hashes, 0);
    }
    const len = end - start;
    if (this.namesUsed + len > this.names.length) {
      const names = Buffer.allocUnsafeSlow(this.names.length * 2 + len);
      this.names.copy(names, 0, 0, this.namesUsed);
      this.names = names;
    }
    for (let i = start, j = this.namesUsed; i < end; i++, j++) this.names[j] = buf[i]!;
    this.nameOff[o] = this.namesUsed;
    this.nameLen[o] = len;
    this.hashes[o] = h;
    this.namesUsed += len;
    if (this.count * 2 > this.slots.length) this.rehash(this.slots.length * 2);
    else this.place(o);
    return o;
  }

  private place(o: number): void {
    const slots = this.slots;
    const mask = slots.length - 1;
    let s = this.hashes[o]! & mask;
    while (slots[s] !== 0) s = (s + 1) & mask;
    slots[s] = o + 1;
  }

  private rehash(size: number): void {
    this.slots = new Int32Array(size);
    for (let o = 0; o < this.count; o++) this.place(o);
  }
}
