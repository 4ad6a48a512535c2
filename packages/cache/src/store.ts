import { LRUCache } from 'lru-cache';
import { type Entry, type Kind, queryBits } from './entry.js';
import { nameHash, sameName } from './name.js';
import type { Request } from '@chaindns/core';

/**
 * The success and denial caches: least recently used eviction, each with its
 * own capacity, keyed by the whole key string. A key lives in one of them at
 * most. Beside them, an index by a hash of the name's wire bytes finds a hit
 * from the query's bytes: no string is built or hashed for a hit (building
 * and hashing the key string costs more than the rest of a hit).
 */
export class EntryStore {
  private readonly success: LRUCache<string, Entry>;
  private readonly denial: LRUCache<string, Entry>;
  private readonly byName = new Map<number, Entry[]>();
  private evicted = 0;

  constructor(capacity: Readonly<Record<Kind, number>>) {
    const dispose = (entry: Entry, _key: string, reason: LRUCache.DisposeReason): void => {
      if (reason === 'evict') this.evicted++;
      this.unindex(entry);
    };
    this.success = new LRUCache<string, Entry>({ max: capacity.success, dispose });
    this.denial = new LRUCache<string, Entry>({ max: capacity.denial, dispose });
  }

  /** The entry answering `req`, if any (see touch). */
  find(req: Request): Entry | undefined {
    const msg = req.msg;
    const end = req.nameEnd;
    const list = this.byName.get(nameHash(msg, end));
    if (list === undefined) return undefined;
    const bits = queryBits(req);
    for (let i = 0; i < list.length; i++) {
      const e = list[i]!;
      if (e.qtype === req.qtype && e.qclass === req.qclass && e.bits === bits && sameName(e.msg, e.nameEnd, msg, end)) return e;
    }
    return undefined;
  }

  /**
   * Marks `entry` as used at `now` (ms). Recency is recorded at most once a
   * second per entry: eviction order is LRU to the second, and lru-cache's
   * bookkeeping stays off almost every hit of a busy name.
   */
  touch(entry: Entry, now: number): void {
    if (now - entry.touched < 1000) return;
    entry.touched = now;
    this.cacheOf(entry.kind).get(entry.key);
  }

  /** Stores `entry` (replacing whatever the key held); returns how many entries were evicted for room. */
  set(entry: Entry): number {
    this.evicted = 0;
    this.cacheOf(entry.kind === 'success' ? 'denial' : 'success').delete(entry.key);
    this.cacheOf(entry.kind).set(entry.key, entry);
    const list = this.byName.get(entry.nameHash);
    if (list) list.push(entry);
    else this.byName.set(entry.nameHash, [entry]);
    return this.evicted;
  }

  size(kind: Kind): number {
    return this.cacheOf(kind).size;
  }

  private cacheOf(kind: Kind): LRUCache<string, Entry> {
    return kind === 'success' ? this.success : this.denial;
  }

  private unindex(entry: Entry): void {
    const list = this.byName.get(entry.nameHash);
    if (!list) return;
    const i = list.indexOf(entry);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.byName.delete(entry.nameHash);
  }
}
