import { QType } from '@chaindns/core';

/** The most answer bytes a message can hold: 64 KiB less the header, the longest question and an OPT. */
export const MAX_ANSWER = 65535 - 12 - 259 - 11;

/** A growing buffer of records, each owned by a pointer to the question. */
export class RecordWriter {
  private buf = Buffer.allocUnsafeSlow(64 * 1024);
  used = 0;
  private count = 0;

  constructor(private readonly ttl: number) {}

  /** An A or AAAA record of the address `src[at, at + len)`. */
  address(type: number, src: Buffer, at: number, len: number): void {
    const off = this.header(type, len); // first: it may move this.buf
    copy(src, at, this.buf, off, len);
  }

  /** A PTR record whose target is `names[at, at + len)`. */
  ptr(names: Buffer, at: number, len: number): void {
    const off = this.header(QType.PTR, len); // first: it may move this.buf
    copy(names, at, this.buf, off, len);
  }

  /** True when an address record written since `start` holds the address `src[at, at + len)`. */
  hasAddress(start: number, src: Buffer, at: number, len: number): boolean {
    for (let off = start; off < this.used; off += 12 + len) if (this.buf.compare(src, at, at + len, off + 12, off + 12 + len) === 0) return true;
    return false;
  }

  /** Records the records written since `start` at `rows[at..at+2]`: offset, length, count (-1 and nothing kept when they fit in no message). */
  seal(rows: Int32Array, at: number, start: number): void {
    const len = this.used - start;
    if (len > MAX_ANSWER) {
      this.used = start;
      rows[at + 2] = -1;
    } else {
      rows[at] = start;
      rows[at + 1] = len;
      rows[at + 2] = this.count;
    }
    this.count = 0;
  }

  finish(): Buffer {
    const out = Buffer.allocUnsafeSlow(this.used);
    this.buf.copy(out, 0, 0, this.used);
    return out;
  }

  /** A record's fixed part: owner (pointer to the question), type, class IN, TTL, RDLENGTH; returns where its data goes. */
  private header(type: number, rdlength: number): number {
    if (this.used + 12 + rdlength > this.buf.length) {
      const buf = Buffer.allocUnsafeSlow(this.buf.length * 2 + rdlength);
      this.buf.copy(buf, 0, 0, this.used);
      this.buf = buf;
    }
    const b = this.buf;
    const off = this.used;
    b[off] = 0xc0;
    b[off + 1] = 0x0c;
    b[off + 2] = type >> 8;
    b[off + 3] = type & 0xff;
    b[off + 4] = 0;
    b[off + 5] = 1;
    b.writeUInt32BE(this.ttl, off + 6);
    b[off + 10] = rdlength >> 8;
    b[off + 11] = rdlength & 0xff;
    this.used = off + 12 + rdlength;
    this.count++;
    return off + 12;
  }
}

/** Copies a record's few bytes: a loop costs less than Buffer#copy's native call for them. */
function copy(src: Uint8Array, from: number, dst: Uint8Array, to: number, len: number): void {
  for (let i = 0; i < len; i++) dst[to + i] = src[from + i]!;
}
