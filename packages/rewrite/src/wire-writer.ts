/** The largest offset a compression pointer can name (14 bits). */
const MAX_POINTER = 0x3fff;

// Scratch for one name's label offsets and suffix hashes (a name has at most 127 labels).
const starts = new Int32Array(128);
const hashes = new Int32Array(128);

/**
 * The tails written so far: an open-addressing table of suffix hash to
 * offset, emptied for each message by moving to a new generation (a Map's
 * clear and sets cost more than the rest of a small reply's names).
 */
const SLOTS = 4096;
const MAX_TAILS = 3072;
const tailHash = new Int32Array(SLOTS);
const tailAt = new Int32Array(SLOTS);
const tailGen = new Int32Array(SLOTS);

/**
 * A message being written: bytes that grow as needed, and the tails of the
 * names written so far (by a hash, checked byte for byte), so a later name
 * can end in a pointer to an earlier one (RFC 1035 4.1.4). Comparing bytes
 * exactly, a pointer never changes a name's letter case. One instance is
 * used, message after message (the tail table is shared): `start` gives it
 * a fresh buffer.
 */
export class WireWriter {
  buf: Buffer = Buffer.alloc(0);
  len = 0;
  private gen = 0;
  private tails = 0;

  start(size: number): this {
    this.buf = Buffer.allocUnsafe(size);
    this.len = 0;
    this.tails = 0;
    if (++this.gen === 0x7fffffff) {
      tailGen.fill(0);
      this.gen = 1;
    }
    return this;
  }

  /** The slot of `hash`: where it is, or the empty one where it would go. */
  private slot(hash: number): number {
    let i = hash & (SLOTS - 1);
    while (tailGen[i] === this.gen && tailHash[i] !== hash) i = (i + 1) & (SLOTS - 1);
    return i;
  }

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  u16(n: number): void {
    this.room(2);
    this.buf[this.len++] = n >> 8;
    this.buf[this.len++] = n & 0xff;
  }

  u32(n: number): void {
    this.room(4);
    this.buf.writeUInt32BE(n, this.len);
    this.len += 4;
  }

  bytes(src: Uint8Array, start: number, end: number): void {
    this.room(end - start);
    for (let i = start; i < end; i++) this.buf[this.len++] = src[i]!;
  }

  /** Makes room for `n` bytes the caller writes into `buf` at the returned offset. */
  reserve(n: number): number {
    this.room(n);
    this.len += n;
    return this.len - n;
  }

  /**
   * Writes the uncompressed name `src[start, end)` (labels and the root's
   * zero), ending it in a pointer to an earlier name when `compress` and one
   * has the same tail; its own tails become targets for later names.
   */
  name(src: Uint8Array, start: number, end: number, compress: boolean): void {
    let n = 0;
    for (let p = start; src[p] !== 0; p += src[p]! + 1) starts[n++] = p;
    let h = 0x811c9dc5 | 0;
    for (let i = n - 1; i >= 0; i--) {
      const p = starts[i]!;
      for (let j = p + src[p]!; j >= p; j--) h = Math.imul(h ^ src[j]!, 0x01000193);
      hashes[i] = h;
    }
    let cut = n;
    let target = -1;
    for (let i = 0; compress && i < n; i++) {
      const slot = this.slot(hashes[i]!);
      if (tailGen[slot] === this.gen && this.same(tailAt[slot]!, src, starts[i]!)) {
        cut = i;
        target = tailAt[slot]!;
        break;
      }
    }
    for (let i = 0; i < cut && this.tails < MAX_TAILS; i++) {
      const at = this.len + (starts[i]! - start);
      const slot = this.slot(hashes[i]!);
      if (at > MAX_POINTER || tailGen[slot] === this.gen) continue;
      tailGen[slot] = this.gen;
      tailHash[slot] = hashes[i]!;
      tailAt[slot] = at;
      this.tails++;
    }
    if (target < 0) {
      this.bytes(src, start, end);
      return;
    }
    this.bytes(src, start, starts[cut]!);
    this.u16(0xc000 | target);
  }

  /** True when the name written at `at` (pointers followed) is the uncompressed one at `src[p]`. */
  private same(at: number, src: Uint8Array, p: number): boolean {
    const buf = this.buf;
    for (let jumps = 0; ; ) {
      let b = buf[at]!;
      while ((b & 0xc0) === 0xc0) {
        if (++jumps > 64) return false;
        at = ((b & 0x3f) << 8) | buf[at + 1]!;
        b = buf[at]!;
      }
      if (b !== src[p]) return false;
      if (b === 0) return true;
      for (let k = 1; k <= b; k++) if (buf[at + k] !== src[p + k]) return false;
      at += b + 1;
      p += b + 1;
    }
  }

  /** The written bytes (a view of the buffer). */
  done(): Buffer {
    return this.buf.subarray(0, this.len);
  }
}
