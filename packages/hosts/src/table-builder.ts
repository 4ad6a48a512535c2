import { QType } from '@chaindns/core';
import { type Address, writeReverseName } from './address.js';
import { grown, OwnerIndex } from './owner-index.js';
import { MAX_ANSWER, RecordWriter } from './record-writer.js';
import { A, AAAA, HostsTable, PTR, ROW } from './table.js';
import { hashBytes, STAR_SEED, underZones, wireName } from './wire-name.js';

const FILE = 0;
const INLINE = 1;

/** Past these many of one name's addresses from the file, its records fit in no message: more are not kept. */
const MAX_KEPT: Record<number, number> = { [A]: Math.floor(MAX_ANSWER / 16) + 1, [AAAA]: Math.floor(MAX_ANSWER / 28) + 1, [PTR]: MAX_ANSWER + 1 };

/**
 * Collects the entries of the hosts file, then the inline ones, and encodes
 * them into a HostsTable. Per owner and kind (A, AAAA, PTR) it keeps a list
 * of entries (the file's first), each an address (A, AAAA) or a name's owner
 * (PTR), tagged with its source: CoreDNS answers from the file's entries, or
 * the wildcard's in the file when the name has none there, then likewise
 * from the inline ones. Names outside the zones are left out; a name and
 * address repeated in one source count once.
 */
export class TableBuilder {
  private readonly index: OwnerIndex;
  private readonly zones: readonly Uint8Array[] | null;
  /** Per owner and kind (owner * 3 + kind / 3): first and last entry, and how many (bytes for PTR). */
  private head: Int32Array;
  private tail: Int32Array;
  private kept: Int32Array;
  /** Per entry: the next of its list, its value (address offset, or owner for PTR), its source. */
  private next: Int32Array;
  private value: Int32Array;
  private from: Uint8Array;
  private entries = 0;
  private addrs = Buffer.allocUnsafeSlow(64 * 1024);
  private addrsUsed = 0;
  private source = FILE;
  private wildcards = false;
  /** The line being added: its kind of record, where its address is kept, its reverse name's owner (-1: not yet). */
  private kind = A;
  private address: Address = new Uint8Array(4);
  private at = 0;
  private rev = -1;
  /** Where `name()` finds the name to add, in wire form. */
  readonly scratch = Buffer.alloc(256);
  /** CoreDNS's count for coredns_hosts_entries: addresses by name plus names by address. */
  size = 0;
  /** Names skipped because no query could ask for them. */
  invalid = 0;

  /** `owners`: about how many names to expect (the columns grow past it). */
  constructor(
    zones: readonly string[],
    private readonly reverse: boolean,
    owners = 1024,
  ) {
    const n = Math.max(owners, 1024);
    this.index = new OwnerIndex(n);
    this.zones = zones.includes('.') ? null : zones.map(wireName);
    this.head = new Int32Array(3 * n).fill(-1);
    this.tail = new Int32Array(3 * n);
    this.kept = new Int32Array(3 * n);
    this.next = new Int32Array(2 * n);
    this.value = new Int32Array(2 * n);
    this.from = new Uint8Array(2 * n);
  }

  /** The entries added from now on are the Corefile's (after all of the file's). */
  startInline(): void {
    this.source = INLINE;
  }

  /** Starts a line: the names given to `name()` next have `address`. */
  line(address: Address): void {
    this.kind = address.length === 4 ? A : AAAA;
    this.address = address;
    this.at = this.storeAddress(address);
    this.rev = -1;
  }

  /** Adds the line's address to the name in `scratch[0, len)` (writeHostName's result: -1 when it was no host name). */
  name(len: number): void {
    const scratch = this.scratch;
    if (len < 0) {
      this.invalid++;
      return;
    }
    if (this.zones !== null && !underZones(scratch, 0, len, this.zones)) return;
    const o = this.owner(scratch, len);
    if (this.holds(o, this.kind, this.address)) return;
    this.append(o, this.kind, this.at, 1);
    this.size++;
    if (len > 2 && scratch[0] === 1 && scratch[1] === 0x2a) {
      this.wildcards = true;
      return;
    }
    if (!this.reverse) return;
    if (this.rev < 0) this.rev = this.owner(scratch, writeReverseName(this.address, scratch));
    this.append(this.rev, PTR, o, 12 + len);
    this.size++;
  }

  /** Encodes every owner's records with `ttl`. */
  build(ttl: number): HostsTable {
    const count = this.index.count;
    const rows = new Int32Array(count * ROW);
    const out = new RecordWriter(ttl);
    for (let o = 0; o < count; o++) {
      const wild = this.wildcards && !this.isWildcard(o) ? this.wildcardOf(o) : -1;
      for (const kind of [A, AAAA]) {
        if (this.head[o * 3 + kind / 3]! < 0 && wild < 0) continue;
        const start = out.used;
        for (const source of [FILE, INLINE]) {
          const from = wild >= 0 && !this.has(o, kind, source) ? wild : o;
          for (let e = this.head[from * 3 + kind / 3]!; e >= 0; e = this.next[e]!) {
            if (this.from[e] !== source) continue;
            const at = this.value[e]!;
            const len = kind === A ? 4 : 16;
            if (source === FILE || !out.hasAddress(start, this.addrs, at, len)) out.address(kind === A ? QType.A : QType.AAAA, this.addrs, at, len);
          }
        }
        out.seal(rows, o * ROW + kind, start);
      }
      if (this.head[o * 3 + 2]! >= 0) {
        const start = out.used;
        for (let e = this.head[o * 3 + 2]!; e >= 0; e = this.next[e]!) {
          if (this.from[e] === INLINE && this.listed(o, this.value[e]!, e)) continue;
          const target = this.value[e]!;
          out.ptr(this.index.names, this.index.offset(target), this.index.length(target));
        }
        out.seal(rows, o * ROW + PTR, start);
      }
    }
    return new HostsTable(this.index, rows, out.finish(), this.wildcards);
  }

  private storeAddress(address: Address): number {
    if (this.addrsUsed + 16 > this.addrs.length) {
      const addrs = Buffer.allocUnsafeSlow(this.addrs.length * 2);
      this.addrs.copy(addrs, 0, 0, this.addrsUsed);
      this.addrs = addrs;
    }
    this.addrs.set(address, this.addrsUsed);
    this.addrsUsed += address.length;
    return this.addrsUsed - address.length;
  }

  /** The owner of the wire name in `buf[0, len)`, added when new. */
  private owner(buf: Uint8Array, len: number): number {
    const o = this.index.add(buf, 0, len, hashBytes(buf, 0, len));
    if (o * 3 + 3 > this.head.length) {
      const n = this.head.length;
      this.head = grown(this.head, 0).fill(-1, n);
      this.tail = grown(this.tail, 0);
      this.kept = grown(this.kept, 0);
    }
    return o;
  }

  /** Appends `value` to owner `o`'s list of `kind`, `weight` counting towards MAX_KEPT (file entries past it are dropped). */
  private append(o: number, kind: number, value: number, weight: number): void {
    const list = o * 3 + kind / 3;
    if (this.source === FILE && this.kept[list]! > MAX_KEPT[kind]!) return;
    this.kept[list] = this.kept[list]! + weight;
    const e = this.entries++;
    if (e === this.next.length) {
      this.next = grown(this.next, 0);
      this.value = grown(this.value, 0);
      this.from = grown(this.from, 0);
    }
    this.next[e] = -1;
    this.value[e] = value;
    this.from[e] = this.source;
    if (this.head[list]! < 0) this.head[list] = e;
    else this.next[this.tail[list]!] = e;
    this.tail[list] = e;
  }

  /** True when owner `o` has `address` in its `kind` list from the current source. */
  private holds(o: number, kind: number, address: Address): boolean {
    for (let e = this.head[o * 3 + kind / 3]!; e >= 0; e = this.next[e]!) {
      if (this.from[e] !== this.source) continue;
      const at = this.value[e]!;
      let same = true;
      for (let i = 0; i < address.length && same; i++) same = this.addrs[at + i] === address[i];
      if (same) return true;
    }
    return false;
  }

  /** True when owner `o` has `kind` entries from `source` (the file's come first in every list, the inline ones last). */
  private has(o: number, kind: number, source: number): boolean {
    const list = o * 3 + kind / 3;
    return this.head[list]! >= 0 && this.from[source === FILE ? this.head[list]! : this.tail[list]!] === source;
  }

  /** True when the PTR list of `o` names `target` from the file (before entry `before`). */
  private listed(o: number, target: number, before: number): boolean {
    for (let e = this.head[o * 3 + 2]!; e >= 0 && e !== before; e = this.next[e]!) if (this.from[e] === FILE && this.value[e] === target) return true;
    return false;
  }

  private isWildcard(o: number): boolean {
    const at = this.index.offset(o);
    return this.index.names[at] === 1 && this.index.names[at + 1] === 0x2a;
  }

  /** The owner `*.<o's name less its first label>`, or -1. */
  private wildcardOf(o: number): number {
    const names = this.index.names;
    const at = this.index.offset(o);
    const end = at + this.index.length(o);
    const rest = at + 1 + names[at]!;
    if (rest >= end - 1) return -1;
    return this.index.find(names, rest, end, hashBytes(names, rest, end, STAR_SEED), true);
  }
}
