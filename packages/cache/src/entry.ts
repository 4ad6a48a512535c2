// The module's, not the global `Buffer`: in Node.js that is a getter, run on every read.
import { Buffer } from 'node:buffer';
import { type Request, type ResponseWriter, writeOpt } from '@chaindns/core';
import { nameHash } from './name.js';
import { type Inspection, setTtls } from './response.js';

/** The two caches, as CoreDNS names them in metrics: answers and referrals, or denials and SERVFAIL. */
export type Kind = 'success' | 'denial';

/** The DO and CD bits of a query, as two bits of the key. */
export function queryBits(req: Request): number {
  return (req.do ? 2 : 0) | (req.cd ? 1 : 0);
}

/**
 * The key of a query as one string: lowercased name, type, class, DO and CD.
 * Flights are found by it; the store finds entries from the query's bytes.
 */
export function cacheKey(req: Request): string {
  return req.qname + '\t' + req.qtype + '\t' + req.qclass + '\t' + queryBits(req);
}

/**
 * One cached reply in its stored form: no OPT (hop-by-hop: each client gets
 * its own), ID 0, and every TTL equal (as CoreDNS makes them): the capped
 * TTL it was stored for, lowered in place as whole seconds pass, so that a
 * hit copies bytes whose TTLs are already right. Its key is its question
 * (the bytes, `qtype`, `qclass`) and `bits`; it holds no string.
 *
 * An entry the store evicts is filled anew with the next reply stored (see
 * makeEntry), its bytes too when they fit: under a flood of new names every
 * miss evicts one, and a fresh object per miss would live through two
 * scavenges (the cache keeps it far longer than the young generation lasts)
 * and then die in the old generation, which cost a miss more in garbage
 * collection than all else it does. A reused entry is old already.
 */
export class Entry {
  /** Prefetch popularity (CoreDNS's freq): hits with no gap of DURATION or more, and the last one. */
  hits = 0;
  lastSeen = 0;
  /** The TTL the stored bytes hold now. */
  private shown = 0;
  /** When the store last moved it up its recency list, in ms (see EntryStore.touch). */
  touched = 0;
  /** A background refresh (prefetch, stale refresh) is under way. */
  refreshing = false;
  /** Flights that hold it (a refresh renewing it, a stale answer in reserve): while any does, it is not reused for another reply. */
  pins = 0;
  /** When it stops being fresh, in ms. */
  expires = 0;
  /** The store's links: its neighbours in its kind's recency list, and the next entry of its hash chain. */
  newer: Entry | null = null;
  older: Entry | null = null;
  chain: Entry | null = null;

  /** The stored reply is `msg[0, length)`; `msg` may be longer (room a later reply reuses). */
  length = 0;
  /** `msg[0, length)` as a view, kept while the length stays: a hit copies it with one set(), without Buffer#copy's checks and view. */
  private view: Uint8Array | null = null;

  /** The stored reply's bytes (`msg[0, length)`). */
  get bytes(): Uint8Array {
    return this.view!;
  }
  /** The question's name is `msg[12, nameEnd)` (as the query's, ASCII case aside), and its hash (see nameHash). */
  nameEnd = 0;
  nameHash = 0;
  qtype = 0;
  qclass = 0;
  bits = 0;
  /** Where the TTL of each record but the OPT is in `msg`. */
  ttlOffsets: number[] = [];
  kind: Kind = 'success';
  rcode = 0;
  /** The capped TTL, in seconds. */
  ttl = 0;

  constructor(
    /** Its bytes: the stored reply, and room. */
    readonly msg: Buffer,
  ) {}

  /**
   * Makes it the stored form of `reply`, an answer to `req` whose records
   * `insp` describes, stored at `now` (ms) with the capped TTL `ttl` (s):
   * cached replies carry their OPT last, so cutting it moves no TTL.
   */
  fill(req: Request, reply: Buffer, insp: Inspection, kind: Kind, ttl: number, now: number): void {
    const opt = insp.opt;
    const length = opt ? opt.start : reply.length;
    const msg = this.msg;
    reply.copy(msg, 0, 0, length);
    if (opt) msg.writeUInt16BE(msg.readUInt16BE(10) - 1, 10);
    msg[0] = 0;
    msg[1] = 0;
    // Of exactly its length (a grown array keeps spare room); rewritten in place when the count is the same.
    const from = insp.ttlOffsets;
    let offsets = this.ttlOffsets;
    if (offsets.length !== from.length) offsets = this.ttlOffsets = from.slice();
    else for (let i = 0; i < from.length; i++) offsets[i] = from[i]!;
    setTtls(msg, offsets, ttl);
    if (this.view === null || this.view.length !== length) this.view = new Uint8Array(msg.buffer, msg.byteOffset, length);
    this.length = length;
    this.nameEnd = req.nameEnd;
    this.nameHash = nameHash(req.msg, req.nameEnd);
    this.qtype = req.qtype;
    this.qclass = req.qclass;
    this.bits = queryBits(req);
    this.kind = kind;
    this.rcode = insp.rcode;
    this.ttl = ttl;
    this.expires = now + ttl * 1000;
    this.hits = 0;
    this.lastSeen = now;
    this.touched = now;
    this.shown = ttl;
    this.refreshing = false;
  }

  /** Makes the stored bytes hold `ttl`: once a second at most on a hot entry, never under keepttl. */
  show(ttl: number): void {
    if (ttl === this.shown) return;
    this.shown = ttl;
    setTtls(this.msg, this.ttlOffsets, ttl);
  }

  /** Whole seconds of TTL left at `now` (CoreDNS's item.ttl: the TTL less the whole seconds since it was stored); negative once expired. */
  remaining(now: number): number {
    return Math.ceil((this.expires - now) / 1000);
  }
}

/** Stored bytes are given room to the next multiple of this, so that an evicted entry's bytes mostly fit the next reply. */
const ROOM = 64;

/**
 * The stored form of `msg`, a reply to `req` whose records `insp` describes:
 * `reuse` (an entry the store let go of) filled anew when its bytes have
 * room, else a new entry.
 */
export function makeEntry(req: Request, msg: Buffer, insp: Inspection, kind: Kind, ttl: number, now: number, reuse: Entry | null): Entry {
  const length = insp.opt ? insp.opt.start : msg.length;
  // Unpooled: a cached reply outlives the 8 KiB pool slab a pooled copy would pin.
  const entry = reuse !== null && reuse.msg.length >= length ? reuse : new Entry(Buffer.allocUnsafeSlow(Math.ceil(length / ROOM) * ROOM));
  entry.fill(req, msg, insp, kind, ttl, now);
  return entry;
}

/**
 * Makes a reply the client's own: its ID, its question's letter case (0x20
 * clients check it) when `sameName`, its RD bit, and AD only for clients that
 * asked for DNSSEC (DO) or set AD themselves (RFC 6840 5.7-5.8, as CoreDNS).
 * AA is set on cache hits, as CoreDNS does.
 */
export function personalize(out: Buffer, req: Request, sameName: boolean, authoritative: boolean): void {
  const q = req.msg;
  out[0] = q[0]!;
  out[1] = q[1]!;
  // A loop beats Buffer#copy's argument checks for a name's few bytes.
  if (sameName) for (let i = 12, end = req.nameEnd; i < end; i++) out[i] = q[i]!;
  out[2] = (out[2]! & 0xfe) | (q[2]! & 0x01) | (authoritative ? 0x04 : 0);
  if (!(q[3]! & 0x20) && !req.do) out[3] = out[3]! & 0xdf;
}

/**
 * Answers `req` from a stored entry without decoding anything: copy, make it
 * the client's, with TTLs of `ttl`, add the client's OPT, write. The
 * server's writer then fits it to the client's UDP size.
 */
export function serveEntry(entry: Entry, req: Request, w: ResponseWriter, ttl: number, authoritative: boolean): number {
  entry.show(ttl);
  const len = entry.length;
  const edns = req.edns;
  const out = Buffer.allocUnsafe(edns === null ? len : len + 11);
  out.set(entry.bytes, 0);
  personalize(out, req, true, authoritative);
  if (edns !== null) {
    writeOpt(out, len, edns);
    const ar = ((out[10]! << 8) | out[11]!) + 1;
    out[10] = ar >> 8;
    out[11] = ar & 0xff;
  }
  w.write(out);
  return entry.rcode;
}
