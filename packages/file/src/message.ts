/**
 * Writes a reply from RRsets held in wire form, with name compression
 * (owners, and the names inside NS, CNAME, PTR, MX and SOA data, the types
 * RFC 3597 allows). No dns-packet: records are copied, not re-encoded.
 */
import { lowerName, QType, writeNameText } from '@chaindns/core';
import { RRset } from './zone.js';

/** An encoded reply without its header and question. */
export interface ReplyBody {
  /** AA (0x0400), TC (0x0200) and the rcode, as bits of the header's second word. */
  readonly flags: number;
  readonly an: number;
  readonly ns: number;
  readonly ar: number;
  /** The records, after the question. */
  readonly body: Buffer;
}

/** One RRset in a section, under an owner; `covered` keeps only the RRSIGs of that type (-1: all records). */
export interface Part {
  readonly owner: string;
  readonly set: RRset;
  readonly covered: number;
}

/** The largest message we build; a UDP reply is cut to the client's size later (core's fitReply). */
const MAX = 65535;
const out = Buffer.allocUnsafe(MAX);
const nameScratch = Buffer.allocUnsafe(256);

/** A record made for this reply (a CNAME from a DNAME, a record from an external lookup), as a one-record RRset. */
export function recordSet(type: number, klass: number, ttl: number, rdata: Uint8Array): RRset {
  const buf = Buffer.allocUnsafe(10 + rdata.length);
  buf.writeUInt16BE(type, 0);
  buf.writeUInt16BE(klass, 2);
  buf.writeUInt32BE(ttl, 4);
  buf.writeUInt16BE(rdata.length, 8);
  buf.set(rdata, 10);
  return new RRset(type, buf, 0, buf.length, 1);
}

function compressible(type: number): boolean {
  return type === QType.NS || type === QType.CNAME || type === QType.PTR || type === QType.MX || type === QType.SOA;
}

/** One reply being written into a shared scratch buffer; `finish` copies it out. One at a time. */
export class MessageWriter {
  private off: number;
  private readonly questionEnd: number;
  private readonly names = new Map<string, number>();
  private readonly counts = [0, 0, 0];
  private section = 0;
  truncated = false;

  /** Starts after the question of `query[0, questionEnd)`, which names are compressed against. */
  constructor(query: Uint8Array, questionEnd: number) {
    out.set(query.subarray(0, questionEnd), 0);
    this.off = this.questionEnd = questionEnd;
    this.remember(out, 12);
  }

  /** Moves on to the next section: 0 answer, 1 authority, 2 additional. */
  to(section: 0 | 1 | 2): this {
    this.section = section;
    return this;
  }

  parts(parts: readonly Part[]): this {
    for (const p of parts) this.set(p.owner, p.set, p.covered);
    return this;
  }

  set(owner: string, set: RRset, covered = -1): void {
    const b = set.buf;
    for (let p = set.off; p < set.end; ) {
      const rdlen = (b[p + 8]! << 8) | b[p + 9]!;
      if (covered < 0 || ((b[p + 10]! << 8) | b[p + 11]!) === covered) this.record(owner, b, p, rdlen);
      p += 10 + rdlen;
    }
  }

  /**
   * The reply as a header's flags (AA and TC in the high byte, the rcode in
   * the low one), its counts and the bytes after the question: what
   * reply-cache.ts keeps and sends.
   */
  finish(aa: boolean, rcode: number): ReplyBody {
    return {
      flags: (aa ? 0x0400 : 0) | (this.truncated ? 0x0200 : 0) | rcode,
      an: this.counts[0]!,
      ns: this.counts[1]!,
      ar: this.counts[2]!,
      body: Buffer.from(out.subarray(this.questionEnd, this.off)),
    };
  }

  private record(owner: string, b: Buffer, p: number, rdlen: number): void {
    if (this.truncated || this.off + 266 + rdlen > MAX) {
      this.truncated = true;
      return;
    }
    const end = writeNameText(owner, '.', nameScratch, 0);
    this.name(nameScratch, 0, end);
    b.copy(out, this.off, p, p + 8);
    this.off += 8;
    const type = (b[p]! << 8) | b[p + 1]!;
    if (compressible(type)) {
      const lenAt = this.off;
      this.off += 2;
      let q = p + 10;
      if (type === QType.MX) {
        b.copy(out, this.off, q, q + 2);
        this.off += 2;
        q += 2;
      }
      q = this.name(b, q, p + 10 + rdlen);
      if (type === QType.SOA) {
        q = this.name(b, q, p + 10 + rdlen);
        b.copy(out, this.off, q, q + 20);
        this.off += 20;
      }
      out.writeUInt16BE(this.off - lenAt - 2, lenAt);
    } else {
      b.copy(out, this.off, p + 8, p + 10 + rdlen);
      this.off += 2 + rdlen;
    }
    this.counts[this.section]!++;
  }

  /** Writes the uncompressed name at `src[s..]` (ending before `limit`), compressed; returns the offset past it in `src`. */
  private name(src: Buffer, s: number, limit: number): number {
    let end = s;
    while (end < limit && src[end] !== 0) end += src[end]! + 1;
    for (let p = s; p < end; p += src[p]! + 1) {
      const key = lowerName(src.toString('latin1', p, end));
      const at = this.names.get(key);
      if (at !== undefined) {
        out[this.off++] = 0xc0 | (at >> 8);
        out[this.off++] = at & 0xff;
        return end + 1;
      }
      if (this.off < 0x4000) this.names.set(key, this.off);
      src.copy(out, this.off, p, p + src[p]! + 1);
      this.off += src[p]! + 1;
    }
    out[this.off++] = 0;
    return end + 1;
  }

  /** Notes the suffixes of the (uncompressed) name at `buf[at..]` for compression. */
  private remember(buf: Buffer, at: number): void {
    let end = at;
    while (buf[end] !== 0) end += buf[end]! + 1;
    for (let p = at; p < end; p += buf[p]! + 1) this.names.set(lowerName(buf.toString('latin1', p, end)), p);
  }
}
