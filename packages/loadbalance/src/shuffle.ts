import { QType, Rcode, skipName, skipQuestions } from '@chaindns/core';
import { pointsInto, sameName } from './compression.js';
import { contains, type Subnet } from './subnet.js';

const AUTHORITY = 1;

/**
 * Shuffles A, AAAA and MX RRsets in an encoded reply, in place, without
 * decoding it: CoreDNS's round_robin on the wire bytes, so it works on
 * replies a cache serves from stored bytes.
 *
 * A run of consecutive records of one RRset (same owner, type and class) in
 * one section is permuted at random (uniformly, Fisher-Yates):
 * - A and AAAA: their RDATA (4 or 16 bytes, no names) trade places. Owners,
 *   TTLs and every offset stay put, so compression pointers stay valid.
 * - MX: whole records move, since their lengths differ. That shifts bytes
 *   inside the run, so it is done only when no compression pointer in the
 *   message points into the run (glue in the additional section often points
 *   at an exchange name); else the MX order is left as it was.
 * With `prefer` subnets, A and AAAA records of the answer and additional
 * sections inside them then move to the front, in the subnets' order.
 *
 * Replies other than NOERROR are left alone. One Shuffler serves one handler:
 * its scratch arrays are reused from call to call (calls never interleave).
 */
export class Shuffler {
  // The current run: where its records start and end. Typed arrays reused across calls, `k` entries used.
  private starts: Int32Array = new Int32Array(16);
  private ends: Int32Array = new Int32Array(16);
  private order: Int32Array = new Int32Array(16);
  private k = 0;

  constructor(
    private readonly prefer: readonly Subnet[] = [],
    private readonly random: () => number = Math.random,
  ) {}

  shuffle(msg: Buffer): void {
    if (msg.length < 12 || (msg[3]! & 0x0f) !== Rcode.NOERROR) return;
    // A malformed record ends the walk early; start clean.
    this.k = 0;
    let off = skipQuestions(msg, (msg[4]! << 8) | msg[5]!);
    if (off < 0) return;
    for (let section = 0; section < 3; section++) {
      const n = (msg[6 + 2 * section]! << 8) | msg[7 + 2 * section]!;
      let runType = 0;
      let runClass = 0;
      for (let i = 0; i < n; i++) {
        const head = skipName(msg, off);
        if (head < 0 || head + 10 > msg.length) return;
        const type = (msg[head]! << 8) | msg[head + 1]!;
        const klass = (msg[head + 2]! << 8) | msg[head + 3]!;
        const size = (msg[head + 8]! << 8) | msg[head + 9]!;
        const end = head + 10 + size;
        if (end > msg.length) return;
        const eligible = (type === QType.A && size === 4) || (type === QType.AAAA && size === 16) || (type === QType.MX && size >= 3);
        const continues = eligible && type === runType && klass === runClass && sameName(msg, this.starts[0]!, off);
        if (!continues) {
          this.flush(msg, runType, section);
          runType = eligible ? type : 0;
          runClass = klass;
        }
        if (eligible) this.add(off, end);
        off = end;
      }
      this.flush(msg, runType, section);
    }
  }

  private add(start: number, end: number): void {
    if (this.k === this.starts.length) {
      const grow = (a: Int32Array): Int32Array => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.starts = grow(this.starts);
      this.ends = grow(this.ends);
      this.order = new Int32Array(this.starts.length);
    }
    this.starts[this.k] = start;
    this.ends[this.k++] = end;
  }

  /** Shuffles the run collected in `starts`/`ends`, then empties it. */
  private flush(msg: Buffer, type: number, section: number): void {
    const k = this.k;
    if (k >= 2) {
      if (type === QType.MX) this.moveRecords(msg);
      else {
        const size = type === QType.A ? 4 : 16;
        for (let i = k - 1; i > 0; i--) this.swapRdata(msg, i, Math.floor(this.random() * (i + 1)), size);
        if (this.prefer.length > 0 && section !== AUTHORITY) this.preferSubnets(msg, size);
      }
    }
    this.k = 0;
  }

  /** Swaps the RDATA of records i and j of the run (the last `size` bytes of each). */
  private swapRdata(msg: Buffer, i: number, j: number, size: number): void {
    if (i === j) return;
    const a = this.ends[i]! - size;
    const b = this.ends[j]! - size;
    for (let x = 0; x < size; x++) {
      const t = msg[a + x]!;
      msg[a + x] = msg[b + x]!;
      msg[b + x] = t;
    }
  }

  /** A stable insertion sort of the run's RDATA by the first `prefer` subnet each falls in; the rest keep their shuffled order last. */
  private preferSubnets(msg: Buffer, size: number): void {
    const rank = this.order;
    for (let i = 0; i < this.k; i++) {
      let r = this.prefer.length;
      for (let s = 0; s < this.prefer.length; s++) {
        if (contains(this.prefer[s]!, msg, this.ends[i]! - size, size)) {
          r = s;
          break;
        }
      }
      rank[i] = r;
    }
    for (let i = 1; i < this.k; i++) {
      for (let j = i; j > 0 && rank[j - 1]! > rank[j]!; j--) {
        this.swapRdata(msg, j, j - 1, size);
        const t = rank[j]!;
        rank[j] = rank[j - 1]!;
        rank[j - 1] = t;
      }
    }
  }

  /** Permutes whole MX records within the run's bytes, unless a pointer points into them. */
  private moveRecords(msg: Buffer): void {
    const lo = this.starts[0]!;
    const hi = this.ends[this.k - 1]!;
    if (pointsInto(msg, lo, hi)) return;
    const order = this.order;
    for (let i = 0; i < this.k; i++) order[i] = i;
    for (let i = this.k - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      const t = order[i]!;
      order[i] = order[j]!;
      order[j] = t;
    }
    const copy = Buffer.from(msg.subarray(lo, hi));
    let at = lo;
    for (let n = 0; n < this.k; n++) {
      const i = order[n]!;
      at += copy.copy(msg, at, this.starts[i]! - lo, this.ends[i]! - lo);
    }
  }
}
