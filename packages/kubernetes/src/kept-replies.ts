/**
 * Replies to A, AAAA and SRV questions under a service's name, encoded once and kept: asked
 * again, the question is found from the query's bytes (a hash, then a compare) and answered with
 * one copy and a few patched bytes (ID, opcode, RD, CD, the SOA's serial, the query's OPT),
 * without building a string, an object per record or a message. A reply is kept with the
 * service entry it came from and that entry's version (entries.ts), and the index's namespace
 * version: once either moves, the reply is built anew. The question is matched byte for byte,
 * letter case included (an SRV target carries the zone as it was asked), so each spelling of a
 * name has its own reply. The bytes live back to back in slabs; past a budget (replies built
 * anew leave their old bytes behind) every reply is let go and the keeping starts over.
 */
import { type Request, type ResponseWriter, writeOpt } from '@chaindns/core';
import type { BareReply } from './encode.js';
import type { ServiceEntry } from './entries.js';
/** Bytes of one slab; a reply larger than a quarter of it is not kept (it is rare and large). */
const SLAB = 64 * 1024;

export class KeptReply {
  /** The next reply whose question hashes alike. */
  next: KeptReply | null = null;
  constructor(
    /** The slab, and the same memory as 32-bit words (where the question's key is). */
    readonly slab: Buffer,
    readonly words: Int32Array,
    /** The question's key: its words from word `keyAt`, as many as `keyEnd` (the offset past its type) makes. */
    readonly keyAt: number,
    readonly keyEnd: number,
    /** The reply's bytes, without OPT, ID zero. */
    readonly start: number,
    readonly length: number,
    readonly svc: ServiceEntry,
    readonly version: number,
    readonly namespaces: number,
    readonly serialAt: number,
  ) {}
}

/**
 * A question's name and type as they came (letter case included), packed into 32-bit words
 * and hashed: four bytes a step, where a byte at a time cost three times as much.
 */
class QuestionKey {
  readonly words = new Int32Array(66);
  count = 0;
  hash = 0;
  end = 0;

  read(msg: Uint8Array, end: number): void {
    const words = this.words;
    let h = 0x811c9dc5 ^ end;
    let n = 0;
    let i = 12;
    for (; i + 4 <= end; i += 4) {
      const w = msg[i]! | (msg[i + 1]! << 8) | (msg[i + 2]! << 16) | (msg[i + 3]! << 24);
      words[n++] = w;
      h = Math.imul(h ^ w, 0x01000193);
    }
    if (i < end) {
      let w = 0;
      for (let shift = 0; i < end; i++, shift += 8) w |= msg[i]! << shift;
      words[n++] = w;
      h = Math.imul(h ^ w, 0x01000193);
    }
    this.count = n;
    this.end = end;
    this.hash = (h ^ (h >>> 15)) & 0x3fffffff;
  }

  matches(r: KeptReply): boolean {
    if (r.keyEnd !== this.end) return false;
    const kept = r.words;
    const words = this.words;
    for (let k = 0, at = r.keyAt; k < this.count; k++, at++) if (kept[at] !== words[k]) return false;
    return true;
  }
}

export class KeptReplies {
  private byHash = new Map<number, KeptReply>();
  private slab = Buffer.allocUnsafeSlow(0);
  private words = new Int32Array(0);
  /** Bytes of the slab taken, a multiple of 4 (a key starts on a word). */
  private slabUsed = 0;
  /** Bytes of slabs taken since the last start over. */
  private used = 0;
  private readonly key = new QuestionKey();

  constructor(
    /** Bytes the slabs may take before every reply is let go. */
    private readonly budget: () => number,
  ) {}

  /** The reply kept for `req`'s question, still good while the namespaces stand at `namespaces`; else null. */
  find(req: Request, namespaces: number): KeptReply | null {
    const key = this.key;
    key.read(req.msg, req.nameEnd + 2);
    for (let r = this.byHash.get(key.hash) ?? null; r !== null; r = r.next) {
      if (!key.matches(r)) continue;
      return r.svc.version === r.version && r.namespaces === namespaces ? r : null;
    }
    return null;
  }

  /**
   * Keeps `reply`, built for `req` from `svc` at `version` with the namespaces at `namespaces`,
   * in place of an older one to the same question; null when it is too large to keep.
   */
  keep(req: Request, reply: BareReply, svc: ServiceEntry, version: number, namespaces: number): KeptReply | null {
    const key = this.key;
    key.read(req.msg, req.nameEnd + 2);
    const length = reply.msg.length;
    const size = 4 * key.count + ((length + 3) & ~3);
    if (size > SLAB / 4) return null;
    if (this.slabUsed + size > this.slab.length) {
      if (this.used + SLAB > this.budget()) this.clear();
      // Unpooled and whole: a slab outlives any 8 KiB pool slab a pooled one would pin, and its words are aligned.
      this.slab = Buffer.allocUnsafeSlow(SLAB);
      this.words = new Int32Array(this.slab.buffer, this.slab.byteOffset, SLAB >> 2);
      this.slabUsed = 0;
      this.used += SLAB;
    }
    const keyAt = this.slabUsed >> 2;
    this.words.set(key.words.subarray(0, key.count), keyAt);
    const start = this.slabUsed + 4 * key.count;
    reply.msg.copy(this.slab, start);
    this.slab[start] = 0;
    this.slab[start + 1] = 0;
    this.slabUsed += size;
    const kept = new KeptReply(this.slab, this.words, keyAt, key.end, start, length, svc, version, namespaces, reply.serialAt);
    // An older reply to this question leaves the chain; the new one goes in front.
    let head = this.byHash.get(key.hash) ?? null;
    for (let r = head, prev: KeptReply | null = null; r !== null; prev = r, r = r.next) {
      if (!key.matches(r)) continue;
      if (prev === null) head = r.next;
      else prev.next = r.next;
      break;
    }
    kept.next = head;
    this.byHash.set(key.hash, kept);
    return kept;
  }

  /** Bytes of the slabs taken since the last start over (what the budget bounds). */
  get held(): number {
    return this.used;
  }

  private clear(): void {
    this.byHash = new Map();
    this.used = 0;
  }
}

/**
 * Answers `req` with the kept reply `r`: its bytes made the asking query's (ID, opcode, RD, CD;
 * the question is the same bytes), the SOA's serial brought to `serial`, and the query's OPT.
 */
export function sendKept(r: KeptReply, req: Request, w: ResponseWriter, serial: number): void {
  const q = req.msg;
  const len = r.length;
  const edns = req.edns;
  const out = Buffer.allocUnsafe(edns === null ? len : len + 11);
  r.slab.copy(out, 0, r.start, r.start + len);
  out[0] = q[0]!;
  out[1] = q[1]!;
  // QR, the query's opcode and RD, AA and TC as built; the query's CD, the rcode as built.
  out[2] = 0x80 | (q[2]! & 0x79) | (out[2]! & 0x06);
  out[3] = (q[3]! & 0x10) | (out[3]! & 0x0f);
  if (r.serialAt >= 0) out.writeUInt32BE(serial >>> 0, r.serialAt);
  if (edns !== null) {
    const ar = ((out[10]! << 8) | out[11]!) + 1;
    out[10] = ar >> 8;
    out[11] = ar & 0xff;
    writeOpt(out, len, edns);
  }
  w.write(out);
}
