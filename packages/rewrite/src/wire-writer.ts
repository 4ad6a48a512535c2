/** The largest offset a compression pointer can name (14 bits). */
const MAX_POINTER = 0x3fff;

/**
 * A message being written: bytes that grow as needed, and the names written
 * so far by their wire suffixes, so a later name can end in a pointer to an
 * earlier one (RFC 1035 4.1.4). Suffixes compare byte for byte, so a pointer
 * never changes a name's letter case.
 */
export class WireWriter {
  buf: Buffer;
  len = 0;
  private readonly names = new Map<string, number>();

  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
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
    this.buf.set(src.subarray(start, end), this.len);
    this.len += end - start;
  }

  /**
   * Writes the uncompressed name `src[start, end)` (labels and the root's
   * zero), ending it in a pointer to an earlier name when `compress` and one
   * has the same tail; its own tails become targets for later names.
   */
  name(src: Uint8Array, start: number, end: number, compress: boolean): void {
    for (let p = start; src[p] !== 0; p += src[p]! + 1) {
      const key = Buffer.prototype.latin1Slice.call(src, p, end) as string;
      const earlier = compress ? this.names.get(key) : undefined;
      if (earlier !== undefined) {
        this.bytes(src, start, p);
        this.u16(0xc000 | earlier);
        return;
      }
      const at = this.len + (p - start);
      if (at <= MAX_POINTER && !this.names.has(key)) this.names.set(key, at);
    }
    this.bytes(src, start, end);
  }

  /** Makes room for `n` bytes the caller writes into `buf` at the returned offset. */
  reserve(n: number): number {
    this.room(n);
    this.len += n;
    return this.len - n;
  }

  /** The written bytes (a view of the buffer). */
  done(): Buffer {
    return this.buf.subarray(0, this.len);
  }
}
