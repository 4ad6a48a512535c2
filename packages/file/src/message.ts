/**
 * Writes a reply from RRsets held in wire form, with name compression
 * (owners, and the names inside NS, CNAME, PTR, MX and SOA data, the types
 * RFC 3597 allows). No dns-packet and no strings: records are copied, names
 * matched by a hash of their labels and compared byte by byte.
 */
import { type Edns, QType, writeNameText, writeOpt } from '@chaindns/core';
import { RRset } from './zone.js';
import type { Node } from './zone.js';

/**
 * One RRset in a section. `owner` is null for the question's own name
 * (answers and wildcard synthesis), a node, or a name in presentation form
 * (records from elsewhere). `covered` keeps only the RRSIGs of that type (-1: all records).
 */
export interface Part {
  readonly owner: Node | string | null;
  readonly set: RRset;
  readonly covered: number;
}

/** The largest message we build; a UDP reply is cut to the client's size later (core's fitReply). */
const MAX = 65535;
const out = Buffer.allocUnsafe(MAX);
const nameScratch = Buffer.allocUnsafe(256);

// The compression table of the message being written: a hash of each name
// suffix written whole, and where it starts. Pointers reach 0x3fff at most.
const TABLE = 256;
const tableHash = new Int32Array(TABLE);
const tableAt = new Int32Array(TABLE);
let tableSize = 0;
// Label starts and suffix hashes of the name being written.
const labelAt = new Int32Array(128);
const suffixHash = new Int32Array(129);

const lower = (c: number): number => (c >= 0x41 && c <= 0x5a ? c | 0x20 : c);

/** The wire form of a node's name, made when it is first written as an owner. */
const wires = new WeakMap<Node, Buffer>();
function nodeWire(node: Node): Buffer {
  let wire = wires.get(node);
  if (wire === undefined) {
    const end = writeNameText(node.name, '.', nameScratch, 0);
    wire = Buffer.from(nameScratch.subarray(0, end));
    wires.set(node, wire);
  }
  return wire;
}

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

/** Copies `src[from, to)` to `out` at `at`: a loop for the few bytes of a record, Buffer#copy past that. */
function copy(src: Buffer, from: number, to: number, at: number): void {
  if (to - from > 32) src.copy(out, at, from, to);
  else for (let i = from; i < to; i++) out[at++] = src[i]!;
}

/** True when the uncompressed labels at `src[s..]` spell the name at `out[at..]` (which may end in pointers). */
function sameSuffix(src: Buffer, s: number, at: number): boolean {
  for (;;) {
    let len = out[at]!;
    while (len >= 0xc0) {
      at = ((len & 0x3f) << 8) | out[at + 1]!;
      len = out[at]!;
    }
    if (src[s] !== len) return false;
    if (len === 0) return true;
    for (let i = 1; i <= len; i++) if (lower(src[s + i]!) !== lower(out[at + i]!)) return false;
    s += len + 1;
    at += len + 1;
  }
}

/** One reply being written into a shared scratch buffer; `finish` copies it out. One at a time. */
export class MessageWriter {
  private off: number;
  private readonly counts = [0, 0, 0];
  private section = 0;
  truncated = false;

  /** Starts after the question of `query[0, questionEnd)`, which names are compressed against. */
  constructor(query: Buffer, questionEnd: number) {
    for (let i = 0; i < questionEnd; i++) out[i] = query[i]!;
    this.off = questionEnd;
    tableSize = 0;
    this.name(out, 12, false);
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

  set(owner: Node | string | null, set: RRset, covered = -1): void {
    const b = set.buf;
    for (let p = set.off; p < set.end; ) {
      const rdlen = (b[p + 8]! << 8) | b[p + 9]!;
      if (covered < 0 || ((b[p + 10]! << 8) | b[p + 11]!) === covered) this.record(owner, b, p, rdlen);
      p += 10 + rdlen;
    }
  }

  /**
   * The whole reply: the query's header and question with QR, AA, TC and
   * `rcode` set, the counts as written, and an OPT for `edns` when given.
   */
  finish(aa: boolean, rcode: number, edns: Edns | null = null): Buffer {
    out[2] = 0x80 | (out[2]! & 0x79) | (aa ? 0x04 : 0) | (this.truncated ? 0x02 : 0);
    out[3] = (out[3]! & 0x10) | rcode;
    out[4] = 0;
    out[5] = 1;
    out[6] = this.counts[0]! >> 8;
    out[7] = this.counts[0]! & 0xff;
    out[8] = this.counts[1]! >> 8;
    out[9] = this.counts[1]! & 0xff;
    const ar = this.counts[2]! + (edns ? 1 : 0);
    out[10] = ar >> 8;
    out[11] = ar & 0xff;
    const msg = Buffer.allocUnsafe(this.off + (edns ? 11 : 0));
    out.copy(msg, 0, 0, this.off);
    if (edns) writeOpt(msg, this.off, edns);
    return msg;
  }

  private record(owner: Node | string | null, b: Buffer, p: number, rdlen: number): void {
    if (this.truncated || this.off + 266 + rdlen > MAX) {
      this.truncated = true;
      return;
    }
    if (owner === null) {
      // The question's name, always at 12.
      out[this.off++] = 0xc0;
      out[this.off++] = 12;
    } else if (typeof owner === 'string') {
      writeNameText(owner, '.', nameScratch, 0);
      this.name(nameScratch, 0, true);
    } else {
      this.name(nodeWire(owner), 0, true);
    }
    copy(b, p, p + 8, this.off);
    this.off += 8;
    const type = (b[p]! << 8) | b[p + 1]!;
    if (!compressible(type)) {
      copy(b, p + 8, p + 10 + rdlen, this.off);
      this.off += 2 + rdlen;
    } else {
      const lenAt = this.off;
      this.off += 2;
      let q = p + 10;
      if (type === QType.MX) {
        copy(b, q, q + 2, this.off);
        this.off += 2;
        q += 2;
      }
      q = this.name(b, q, true);
      if (type === QType.SOA) {
        q = this.name(b, q, true);
        copy(b, q, q + 20, this.off);
        this.off += 20;
      }
      const len = this.off - lenAt - 2;
      out[lenAt] = len >> 8;
      out[lenAt + 1] = len & 0xff;
    }
    this.counts[this.section]!++;
  }

  /**
   * Writes the uncompressed name at `src[s..]` compressed against the names
   * written so far (or, with `write` false, only notes the one already at
   * `out[s..]`); returns the offset past it in `src`.
   */
  private name(src: Buffer, s: number, write: boolean): number {
    let n = 0;
    let p = s;
    while (src[p] !== 0) {
      labelAt[n++] = p;
      p += src[p]! + 1;
    }
    const end = p + 1;
    // Hashes of every suffix, from the root up: each label folded into the one after it.
    suffixHash[n] = 0x811c9dc5;
    for (let i = n - 1; i >= 0; i--) {
      let h = suffixHash[i + 1]!;
      const at = labelAt[i]!;
      for (let k = at, stop = at + src[at]! + 1; k < stop; k++) h = Math.imul(h ^ lower(src[k]!), 0x01000193);
      suffixHash[i] = h;
    }
    let match = -1;
    let i = 0;
    for (; i < n && match < 0; i++) {
      const h = suffixHash[i]!;
      for (let t = 0; t < tableSize; t++) {
        if (tableHash[t] === h && sameSuffix(src, labelAt[i]!, tableAt[t]!)) {
          match = tableAt[t]!;
          break;
        }
      }
      if (match >= 0) break;
    }
    // Labels 0..i-1 are new: written (or already there), and noted for the names to come.
    const first = write ? this.off : s;
    for (let k = 0; k < i; k++) {
      const at = first + (labelAt[k]! - labelAt[0]!);
      if (at < 0x4000 && tableSize < TABLE) {
        tableHash[tableSize] = suffixHash[k]!;
        tableAt[tableSize++] = at;
      }
    }
    if (!write) return end;
    if (i > 0) copy(src, labelAt[0]!, labelAt[i - 1]! + src[labelAt[i - 1]!]! + 1, this.off);
    this.off += i > 0 ? labelAt[i - 1]! + src[labelAt[i - 1]!]! + 1 - labelAt[0]! : 0;
    if (match >= 0) {
      out[this.off++] = 0xc0 | (match >> 8);
      out[this.off++] = match & 0xff;
    } else {
      out[this.off++] = 0;
    }
    return end;
  }
}
