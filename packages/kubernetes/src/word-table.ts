const MIN_CAPACITY = 16;

/**
 * An open-addressing hash table of fixed-width rows of 32-bit words in one
 * typed array: linear probing, and a removal shifts the rows after it back,
 * so no tombstones pile up. Rows are hashed on their first `hashed` words,
 * and several rows may share those (a lookup walks them all). It holds
 * numbers, not objects: a row costs its words and a byte, and the garbage
 * collector has nothing in it to trace. At most 3/4 full, at least 1/8.
 */
export class WordTable {
  private rows: Uint32Array;
  private used: Uint8Array;
  private mask: number;
  size = 0;

  constructor(
    readonly width: number,
    readonly hashed: number,
    /** Rows it is made to hold without growing. */
    expected = 0,
  ) {
    let capacity = MIN_CAPACITY;
    while (expected * 4 > capacity * 3) capacity *= 2;
    this.rows = new Uint32Array(capacity * width);
    this.used = new Uint8Array(capacity);
    this.mask = capacity - 1;
  }

  /** The slot where the probe for rows starting with `key`'s first `hashed` words begins. */
  home(key: ArrayLike<number>): number {
    return this.hashAt(key, 0);
  }

  private hashAt(words: ArrayLike<number>, off: number): number {
    let h = 0x9747b28c;
    for (let i = 0; i < this.hashed; i++) {
      h = Math.imul(h ^ words[off + i]!, 0x85ebca6b);
      h ^= h >>> 13;
    }
    h = Math.imul(h ^ (h >>> 16), 0xc2b2ae35);
    return (h ^ (h >>> 16)) & this.mask;
  }

  /**
   * The first slot from `slot` on (a home, or a previous match + 1) whose row
   * starts with `key`'s first `n` words (n >= hashed); -1 at the empty slot
   * that ends the probe.
   */
  find(key: ArrayLike<number>, n: number, slot: number): number {
    const { rows, used, width, mask } = this;
    for (let s = slot & mask; ; s = (s + 1) & mask) {
      if (used[s] === 0) return -1;
      let i = 0;
      while (i < n && rows[s * width + i] === key[i]) i++;
      if (i === n) return s;
    }
  }

  /** Slots in all (a walk over every row visits those `occupied`). */
  get capacity(): number {
    return this.mask + 1;
  }

  occupied(slot: number): boolean {
    return this.used[slot] === 1;
  }

  /** Word `i` of the row in `slot`. */
  word(slot: number, i: number): number {
    return this.rows[slot * this.width + i]!;
  }

  /** Adds a row (its first `width` words); rows with the same hashed words may already be there. */
  insert(row: ArrayLike<number>): void {
    if ((this.size + 1) * 4 > (this.mask + 1) * 3) this.resize((this.mask + 1) * 2);
    this.place(row, 0);
  }

  /** Puts the row at `words[off]` into the first free slot of its probe. */
  private place(words: ArrayLike<number>, off: number): void {
    let s = this.hashAt(words, off);
    while (this.used[s] === 1) s = (s + 1) & this.mask;
    this.used[s] = 1;
    for (let i = 0; i < this.width; i++) this.rows[s * this.width + i] = words[off + i]!;
    this.size++;
  }

  /** Removes the row in `slot`; the slots of other rows may change. */
  removeAt(slot: number): void {
    const { rows, used, width, mask } = this;
    let hole = slot;
    // Knuth's algorithm R: a row further along moves into the hole unless its home lies cyclically in (hole, row].
    for (let s = (hole + 1) & mask; used[s] === 1; s = (s + 1) & mask) {
      const home = this.hashAt(rows, s * width);
      if (hole <= s ? hole < home && home <= s : hole < home || home <= s) continue;
      rows.copyWithin(hole * width, s * width, (s + 1) * width);
      hole = s;
    }
    used[hole] = 0;
    this.size--;
    if (this.size * 8 < this.mask + 1 && this.mask + 1 > MIN_CAPACITY) this.resize((this.mask + 1) / 2);
  }

  private resize(capacity: number): void {
    const { rows, used, width } = this;
    this.rows = new Uint32Array(capacity * width);
    this.used = new Uint8Array(capacity);
    this.mask = capacity - 1;
    this.size = 0;
    for (let s = 0; s < used.length; s++) if (used[s] === 1) this.place(rows, s * width);
  }
}
