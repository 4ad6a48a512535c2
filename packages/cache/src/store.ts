import { type Entry, type Kind, queryBits } from './entry.js';
import { nameHash, sameName } from './name.js';
import type { Request } from '@chaindns/core';

/** One kind's entries from the most recently used (head) to the least (tail). */
class Recency {
  head: Entry | null = null;
  tail: Entry | null = null;
  size = 0;

  constructor(readonly capacity: number) {}

  push(entry: Entry): void {
    entry.older = this.head;
    entry.newer = null;
    if (this.head) this.head.newer = entry;
    else this.tail = entry;
    this.head = entry;
    this.size++;
  }

  remove(entry: Entry): void {
    if (entry.newer) entry.newer.older = entry.older;
    else this.head = entry.older;
    if (entry.older) entry.older.newer = entry.newer;
    else this.tail = entry.newer;
    entry.newer = entry.older = null;
    this.size--;
  }
}

/**
 * The success and denial caches: each evicts its least recently used entry
 * when full. A key lives in one of them at most. Entries are found by a hash
 * of the question's wire bytes and a byte compare (no string is built for a
 * hit), in a table of hash chains that doubles when the entries fill it.
 * The entries carry their own links (recency and chain), so an entry costs
 * the heap one object, its bytes and its TTL offsets: under a flood of new
 * names every miss evicts an entry, and all of it becomes garbage the old
 * generation must collect.
 */
export class EntryStore {
  private readonly kinds: Readonly<Record<Kind, Recency>>;
  private buckets: (Entry | null)[] = new Array<Entry | null>(1024).fill(null);
  private count = 0;
  /** Entries the last makeRoom evicted for room. */
  evicted = 0;

  constructor(capacity: Readonly<Record<Kind, number>>) {
    this.kinds = { success: new Recency(capacity.success), denial: new Recency(capacity.denial) };
  }

  /** The entry answering `req`, if any (see touch). */
  find(req: Request): Entry | undefined {
    const msg = req.msg;
    const end = req.nameEnd;
    const bits = queryBits(req);
    for (let e = this.buckets[nameHash(msg, end) & (this.buckets.length - 1)] ?? null; e !== null; e = e.chain) {
      if (e.qtype === req.qtype && e.qclass === req.qclass && e.bits === bits && sameName(e.msg, e.nameEnd, msg, end)) return e;
    }
    return undefined;
  }

  /**
   * Marks `entry` as used at `now` (ms). Recency is recorded at most once a
   * second per entry: eviction order is LRU to the second, and a busy name's
   * hits touch no links.
   */
  touch(entry: Entry, now: number): void {
    if (now - entry.touched < 1000) return;
    entry.touched = now;
    const kind = this.kinds[entry.kind];
    kind.remove(entry);
    kind.push(entry);
  }

  /**
   * Makes room for a new entry of `kind` answering `req`: removes the entry
   * its key holds, and the kind's least recently used while the kind is full.
   * Returns one of them for the new reply to reuse (see Entry), or null;
   * `evicted` tells how many went for room.
   */
  makeRoom(req: Request, kind: Kind): Entry | null {
    let free: Entry | null = null;
    const old = this.find(req);
    if (old !== undefined) {
      this.delete(old);
      if (old.pins === 0) free = old;
    }
    const recency = this.kinds[kind];
    let evicted = 0;
    for (; recency.size >= recency.capacity; evicted++) {
      const tail = recency.tail!;
      this.delete(tail);
      if (free === null && tail.pins === 0) free = tail;
    }
    this.evicted = evicted;
    return free;
  }

  /** Stores `entry`, once makeRoom made room for it. */
  set(entry: Entry): void {
    if (this.count === this.buckets.length) this.rehash(this.buckets.length * 2);
    const i = entry.nameHash & (this.buckets.length - 1);
    entry.chain = this.buckets[i] ?? null;
    this.buckets[i] = entry;
    this.count++;
    this.kinds[entry.kind].push(entry);
  }

  size(kind: Kind): number {
    return this.kinds[kind].size;
  }

  private delete(entry: Entry): void {
    this.kinds[entry.kind].remove(entry);
    const i = entry.nameHash & (this.buckets.length - 1);
    let e = this.buckets[i]!;
    if (e === entry) this.buckets[i] = entry.chain;
    else {
      while (e.chain !== entry) e = e.chain!;
      e.chain = entry.chain;
    }
    entry.chain = null;
    this.count--;
  }

  private rehash(slots: number): void {
    const old = this.buckets;
    this.buckets = new Array<Entry | null>(slots).fill(null);
    for (let head of old) {
      while (head !== null) {
        const next = head.chain;
        const i = head.nameHash & (slots - 1);
        head.chain = this.buckets[i] ?? null;
        this.buckets[i] = head;
        head = next;
      }
    }
  }
}
