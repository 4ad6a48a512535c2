/**
 * Replies to A, AAAA and SRV questions under a service's name, encoded once and kept: asked
 * again, the question is found from the query's bytes and answered with one copy and a few
 * patched bytes (ID, opcode, RD, CD, the SOA's serial, the query's OPT), without building a
 * string, an object per record or a message. A reply is kept with the number and change count
 * of the service it came from (service-versions.ts) and the index's namespace version: once
 * either moves, the reply is built anew. The question is matched byte for byte, letter case
 * included (an SRV target carries the zone as it was asked), so each spelling of a name has its
 * own reply.
 *
 * Laid out for a large cluster's caches: a question costs a look into the table of slots (its
 * hash and where its record is) and one into its record, which holds the head, the question
 * packed into 32-bit words and the reply's bytes back to back in a slab. Past a budget (replies
 * built anew leave their old records behind) every reply is let go and the keeping starts over.
 */
import { replyBuffer, type Request, type ResponseWriter, stampReply } from '@chaindns/core';
import type { BareReply } from './encode.js';
import type { ServiceEntry } from './entries.js';
import type { VersionsReader } from './service-versions.js';

/** Bytes of one slab (a record's offset in it, in words, takes 14 bits); a record over a quarter of it is not kept. */
const SLAB = 64 * 1024;
const OFFSET_BITS = 14;
const OFFSET_MASK = (1 << OFFSET_BITS) - 1;

// A record's head, in words; then the reply's bytes, from a word: its question (name and type
// from byte 12, word 3) is the key, compared as words where it lies.
/** The question's end (the offset past its type) | the reply's length << 16. */
const H_SIZES = 0;
/** Where the SOA's serial is in the reply, -1 without one. */
const H_SERIAL = 1;
const H_SERVICE = 2;
const H_VERSION = 3;
const H_NAMESPACES = 4;
const HEAD = 5;

/** Masks of a word's first 1, 2, 3 bytes in memory order (this platform's byte order, as the words are read). */
const FIRST_BYTES = [1, 2, 3].map((n) => new Int32Array(Uint8Array.from({ length: 4 }, (_, i) => (i < n ? 0xff : 0)).buffer)[0]!);

/**
 * A question's name and type as they came (letter case included), as 32-bit words in memory
 * order (the last one zero-padded), and their hash: compared four bytes a step, where a byte at
 * a time cost three times as much.
 */
class QuestionKey {
  private readonly bytes = new Uint8Array(268);
  readonly words = new Int32Array(this.bytes.buffer);
  count = 0;
  hash = 0;
  end = 0;

  read(msg: Uint8Array, end: number): void {
    const bytes = this.bytes;
    const n = end - 12;
    for (let i = 0; i < n; i++) bytes[i] = msg[12 + i]!;
    for (let i = n; (i & 3) !== 0; i++) bytes[i] = 0;
    const words = this.words;
    const count = (n + 3) >> 2;
    let h = 0x811c9dc5 ^ end;
    for (let k = 0; k < count; k++) h = Math.imul(h ^ words[k]!, 0x01000193);
    this.count = count;
    this.end = end;
    this.hash = h ^ (h >>> 15);
  }

  /** True when the record at word `at` of `slab` is for this question. */
  matches(slab: Int32Array, at: number): boolean {
    if ((slab[at + H_SIZES]! & 0xffff) !== this.end) return false;
    const words = this.words;
    const whole = (this.end - 12) >> 2;
    const j = at + HEAD + 3;
    for (let k = 0; k < whole; k++) if (slab[j + k] !== words[k]) return false;
    // The last word's bytes past the question (its class) are not the key's.
    const rest = (this.end - 12) & 3;
    return rest === 0 || (slab[j + whole]! & FIRST_BYTES[rest - 1]!) === words[whole];
  }
}

export class KeptReplies {
  /** Open addressing, two words a slot: the question's hash, and its record's reference + 1 (0: empty). */
  private slots = new Int32Array(2 * 1024);
  private count = 0;
  /** The slabs, as bytes and as words (the same memory); a reference is (slab << OFFSET_BITS) | word offset. */
  private bytes: Uint8Array[] = [];
  private words: Int32Array[] = [];
  /** Bytes of the last slab taken, a multiple of 4. */
  private slabUsed = SLAB;
  private readonly key = new QuestionKey();

  constructor(
    private readonly versions: VersionsReader,
    /** Bytes the slabs may take before every reply is let go. */
    private readonly budget: () => number,
  ) {}

  /** The record kept for `req`'s question, still good while the namespaces stand at `namespaces`; else -1. */
  find(req: Request, namespaces: number): number {
    const key = this.key;
    key.read(req.msg, req.nameEnd + 2);
    const ref = this.slots[2 * this.slotOf(key) + 1]! - 1;
    if (ref < 0) return -1;
    const slab = this.words[ref >>> OFFSET_BITS]!;
    const at = ref & OFFSET_MASK;
    return slab[at + H_VERSION] === this.versions.of(slab[at + H_SERVICE]!) && slab[at + H_NAMESPACES] === namespaces ? ref : -1;
  }

  /**
   * Keeps `reply`, built for `req` from `svc` with the namespaces at `namespaces`, in place of
   * an older one to the same question; -1 when it is too large to keep.
   */
  keep(req: Request, reply: BareReply, svc: ServiceEntry, namespaces: number): number {
    const key = this.key;
    key.read(req.msg, req.nameEnd + 2);
    const length = reply.msg.length;
    const size = 4 * HEAD + ((length + 3) & ~3);
    if (size > SLAB / 4) return -1;
    if (this.slabUsed + size > SLAB) {
      if ((this.bytes.length + 1) * SLAB > this.budget()) this.clear();
      // A plain Uint8Array (a Buffer's copy() and subarray() check and wrap more), over memory of its own whose words are aligned.
      const bytes = new Uint8Array(SLAB);
      this.bytes.push(bytes);
      this.words.push(new Int32Array(bytes.buffer));
      this.slabUsed = 0;
    }
    const n = this.bytes.length - 1;
    const slab = this.words[n]!;
    const at = this.slabUsed >> 2;
    slab[at + H_SIZES] = key.end | (length << 16);
    slab[at + H_SERIAL] = reply.serialAt;
    slab[at + H_SERVICE] = svc.id;
    slab[at + H_VERSION] = this.versions.of(svc.id);
    slab[at + H_NAMESPACES] = namespaces;
    const start = 4 * (at + HEAD);
    reply.msg.copy(this.bytes[n]!, start);
    this.bytes[n]![start] = 0;
    this.bytes[n]![start + 1] = 0;
    this.slabUsed += size;
    const ref = (n << OFFSET_BITS) | at;
    // An older record of this question gives its slot up to the new one.
    const s = this.slotOf(key);
    if (this.slots[2 * s + 1] === 0) this.count++;
    this.slots[2 * s] = key.hash;
    this.slots[2 * s + 1] = ref + 1;
    if (2 * this.count > this.slots.length / 2) this.grow();
    return ref;
  }

  /** Bytes of the slabs taken since the last start over (what the budget bounds). */
  get held(): number {
    return this.bytes.length * SLAB;
  }

  /** The slot of the key just read: its record's, or the empty one where it would go. */
  private slotOf(key: QuestionKey): number {
    const slots = this.slots;
    const mask = (slots.length >> 1) - 1;
    for (let s = key.hash & mask; ; s = (s + 1) & mask) {
      const ref = slots[2 * s + 1]! - 1;
      if (ref < 0) return s;
      if (slots[2 * s] === key.hash && key.matches(this.words[ref >>> OFFSET_BITS]!, ref & OFFSET_MASK)) return s;
    }
  }

  private grow(): void {
    const old = this.slots;
    const slots = new Int32Array(old.length * 2);
    const mask = (slots.length >> 1) - 1;
    for (let i = 0; i < old.length; i += 2) {
      if (old[i + 1] === 0) continue;
      let s = old[i]! & mask;
      while (slots[2 * s + 1] !== 0) s = (s + 1) & mask;
      slots[2 * s] = old[i]!;
      slots[2 * s + 1] = old[i + 1]!;
    }
    this.slots = slots;
  }

  private clear(): void {
    this.slots = new Int32Array(2 * 1024);
    this.count = 0;
    this.bytes = [];
    this.words = [];
    this.slabUsed = SLAB;
  }

  /**
   * Answers `req` with the kept record `ref`: its reply made the asking query's (ID, opcode, RD,
   * CD; the question is the same bytes), the SOA's serial brought to `serial`, and the query's OPT.
   */
  send(ref: number, req: Request, w: ResponseWriter, serial: number): void {
    const n = ref >>> OFFSET_BITS;
    const slab = this.words[n]!;
    const at = ref & OFFSET_MASK;
    const sizes = slab[at + H_SIZES]!;
    const len = sizes >>> 16;
    const start = 4 * (at + HEAD);
    const out = replyBuffer(req.edns === null ? len : len + 11);
    out.set(this.bytes[n]!.subarray(start, start + len), 0);
    const serialAt = slab[at + H_SERIAL]!;
    if (serialAt >= 0) out.writeUInt32BE(serial >>> 0, serialAt);
    stampReply(out, len, req);
    w.write(out);
  }
}
