/** One heavy hitter as a sketch reports it. */
export interface TopItem {
  readonly key: string;
  /** Its count: in one sketch never below the true count and at most `error` above it; merged over a window, within `error` of it. */
  readonly count: number;
  /** How far `count` may be from the true count. */
  readonly error: number;
}

/**
 * Space-saving (Metwally, Agrawal, El Abbadi 2005): the heaviest keys of a
 * stream in `capacity` counters, whatever the stream holds. A new key takes
 * the counter of the smallest one and inherits its count as its error, so
 * every key counted more than total/capacity times is kept. The counters are
 * a binary min-heap (the smallest at the root) with each key's place in a
 * map: a hit on a hot key, deep in the heap, moves it down a level or none.
 */
export class SpaceSaving {
  private readonly keys: string[] = [];
  private readonly counts: number[] = [];
  private readonly errors: number[] = [];
  private readonly at = new Map<string, number>();
  /** The weight of everything offered. */
  total = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`space-saving capacity must be a positive integer, got ${capacity}`);
  }

  get size(): number {
    return this.keys.length;
  }

  offer(key: string, weight = 1): void {
    this.total += weight;
    let i = this.at.get(key);
    if (i === undefined) {
      if (this.keys.length < this.capacity) {
        i = this.keys.length;
        this.keys.push(key);
        this.counts.push(0);
        this.errors.push(0);
      } else {
        // The smallest counter goes to the new key, which inherits its count as the error.
        i = 0;
        this.at.delete(this.keys[0]!);
        this.keys[0] = key;
        this.errors[0] = this.counts[0]!;
      }
      this.at.set(key, i);
    }
    this.counts[i] = this.counts[i]! + weight;
    this.down(i);
  }

  /** The `n` heaviest keys, heaviest first. */
  top(n: number): TopItem[] {
    const order = this.keys.map((_, i) => i).sort((a, b) => this.counts[b]! - this.counts[a]! || (this.keys[a]! < this.keys[b]! ? -1 : 1));
    return order.slice(0, n).map((i) => ({ key: this.keys[i]!, count: this.counts[i]!, error: this.errors[i]! }));
  }

  /** Every counter, for merging sketches. */
  *items(): IterableIterator<TopItem> {
    for (let i = 0; i < this.keys.length; i++) yield { key: this.keys[i]!, count: this.counts[i]!, error: this.errors[i]! };
  }

  /** The smallest count held (0 while not full): no key missing from the sketch was seen more often. */
  get floor(): number {
    return this.keys.length < this.capacity ? 0 : this.counts[0]!;
  }

  clear(): void {
    this.keys.length = this.counts.length = this.errors.length = 0;
    this.at.clear();
    this.total = 0;
  }

  /** Moves the counter at `i`, which grew, down past any smaller child. */
  private down(i: number): void {
    const n = this.keys.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) return;
      const r = l + 1;
      const c = r < n && this.counts[r]! < this.counts[l]! ? r : l;
      if (this.counts[c]! >= this.counts[i]!) return;
      this.swap(i, c);
      i = c;
    }
  }

  private swap(a: number, b: number): void {
    const { keys, counts, errors } = this;
    [keys[a], keys[b]] = [keys[b]!, keys[a]!];
    [counts[a], counts[b]] = [counts[b]!, counts[a]!];
    [errors[a], errors[b]] = [errors[b]!, errors[a]!];
    this.at.set(keys[a]!, a);
    this.at.set(keys[b]!, b);
  }
}

/**
 * The heavy hitters of the last `slots` x `slotSeconds` seconds: a ring of
 * sketches, the oldest cleared as time moves on. Memory is slots x capacity
 * counters, however much traffic comes.
 */
export class WindowedTop {
  private readonly ring: SpaceSaving[];
  private current = 0;

  constructor(capacity: number, slots: number) {
    this.ring = Array.from({ length: slots }, () => new SpaceSaving(capacity));
  }

  offer(key: string, weight = 1): void {
    this.ring[this.current]!.offer(key, weight);
  }

  /** Starts a new slot, dropping the oldest. */
  rotate(): void {
    this.current = (this.current + 1) % this.ring.length;
    this.ring[this.current]!.clear();
  }

  /** The weight offered in the window. */
  get total(): number {
    let t = 0;
    for (const s of this.ring) t += s.total;
    return t;
  }

  /**
   * The `n` heaviest keys of the window: counts summed over the slots; a key
   * missing from a full slot may have had up to that slot's floor there,
   * which its error includes.
   */
  top(n: number): TopItem[] {
    const merged = new Map<string, { count: number; error: number }>();
    let floors = 0;
    for (const s of this.ring) floors += s.floor;
    for (const s of this.ring) {
      for (const item of s.items()) {
        const m = merged.get(item.key);
        if (m) (m.count += item.count), (m.error += item.error - s.floor);
        else merged.set(item.key, { count: item.count, error: item.error + floors - s.floor });
      }
    }
    return [...merged]
      .map(([key, m]) => ({ key, count: m.count, error: m.error }))
      .sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : 1))
      .slice(0, n);
  }
}
