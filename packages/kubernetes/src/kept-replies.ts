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
    readonly slab: Buffer,
    readonly start: number,
    readonly length: number,
    /** Offset just past the question's type (its name and type are the key). */
    readonly keyEnd: number,
    readonly svc: ServiceEntry,
    readonly version: number,
    readonly namespaces: number,
    readonly serialAt: number,
  ) {}
}

/** FNV-1a of the question's name and type as they came (letter case included), cut to 30 bits. */
function questionHash(msg: Uint8Array, end: number): number {
  let h = 0x811c9dc5;
  for (let i = 12; i < end; i++) h = Math.imul(h ^ msg[i]!, 0x01000193);
  return h & 0x3fffffff;
}

function sameQuestion(r: KeptReply, msg: Uint8Array, end: number): boolean {
  if (r.keyEnd !== end) return false;
  const slab = r.slab;
  for (let i = 12, j = r.start + 12; i < end; i++, j++) if (slab[j] !== msg[i]) return false;
  return true;
}

export class KeptReplies {
  private byHash = new Map<number, KeptReply>();
  private slab = Buffer.allocUnsafeSlow(0);
  private slabUsed = 0;
  /** Bytes of slabs taken since the last start over. */
  private used = 0;

  constructor(
    /** Bytes the slabs may take before every reply is let go. */
    private readonly budget: () => number,
  ) {}

  /** The reply kept for `req`'s question, still good while the namespaces stand at `namespaces`; else null. */
  find(req: Request, namespaces: number): KeptReply | null {
    const msg = req.msg;
    const end = req.nameEnd + 2;
    for (let r = this.byHash.get(questionHash(msg, end)) ?? null; r !== null; r = r.next) {
      if (!sameQuestion(r, msg, end)) continue;
      return r.svc.version === r.version && r.namespaces === namespaces ? r : null;
    }
    return null;
  }

  /**
   * Keeps `reply`, built for `req` from `svc` at `version` with the namespaces at `namespaces`,
   * in place of an older one to the same question; null when it is too large to keep.
   */
  keep(req: Request, reply: BareReply, svc: ServiceEntry, version: number, namespaces: number): KeptReply | null {
    const length = reply.msg.length;
    if (length > SLAB / 4) return null;
    if (this.slabUsed + length > this.slab.length) {
      if (this.used + SLAB > this.budget()) this.clear();
      // Unpooled: a slab outlives any 8 KiB pool slab a pooled one would pin.
      this.slab = Buffer.allocUnsafeSlow(SLAB);
      this.slabUsed = 0;
      this.used += SLAB;
    }
    const start = this.slabUsed;
    reply.msg.copy(this.slab, start);
    this.slab[start] = 0;
    this.slab[start + 1] = 0;
    this.slabUsed += length;
    const end = req.nameEnd + 2;
    const kept = new KeptReply(this.slab, start, length, end, svc, version, namespaces, reply.serialAt);
    const hash = questionHash(req.msg, end);
    // An older reply to this question leaves the chain; the new one goes in front.
    let head = this.byHash.get(hash) ?? null;
    for (let r = head, prev: KeptReply | null = null; r !== null; prev = r, r = r.next) {
      if (!sameQuestion(r, req.msg, end)) continue;
      if (prev === null) head = r.next;
      else prev.next = r.next;
      break;
    }
    kept.next = head;
    this.byHash.set(hash, kept);
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
