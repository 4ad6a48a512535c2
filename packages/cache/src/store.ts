import { LRUCache } from 'lru-cache';
import type { Entry, Kind } from './entry.js';

/**
 * The success and denial caches: least recently used eviction, each with its
 * own capacity. A key lives in one of them at most.
 */
export class EntryStore {
  private readonly success: LRUCache<string, Entry>;
  private readonly denial: LRUCache<string, Entry>;
  private evicted = 0;

  constructor(capacity: Readonly<Record<Kind, number>>) {
    const dispose = (_entry: Entry, _key: string, reason: LRUCache.DisposeReason): void => {
      if (reason === 'evict') this.evicted++;
    };
    this.success = new LRUCache<string, Entry>({ max: capacity.success, dispose });
    this.denial = new LRUCache<string, Entry>({ max: capacity.denial, dispose });
  }

  get(key: string): Entry | undefined {
    return this.success.get(key) ?? this.denial.get(key);
  }

  /** Stores `entry` (dropping the other kind's entry for the key); returns how many entries were evicted for room. */
  set(key: string, entry: Entry): number {
    this.evicted = 0;
    (entry.kind === 'success' ? this.denial : this.success).delete(key);
    (entry.kind === 'success' ? this.success : this.denial).set(key, entry);
    return this.evicted;
  }

  delete(key: string): void {
    this.success.delete(key);
    this.denial.delete(key);
  }

  size(kind: Kind): number {
    return kind === 'success' ? this.success.size : this.denial.size;
  }
}
