/**
 * Builds a Zone record by record. RRsets live in large shared chunks (one
 * Buffer per megabyte, not one per record) so a million records cost little
 * more than their bytes; records of one set are kept back to back, moved to
 * the end when the file interleaves them with others.
 */
import { isSubdomain, QType } from '@chaindns/core';
import { prepareDenial } from './denial.js';
import { NameFilter, textNameHash } from './name-hash.js';
import { NameTable } from './name-table.js';
import { Node, parentName, RRset, Zone } from './zone.js';

const CHUNK = 1 << 20;

export class ZoneBuilder {
  readonly names: NameTable;
  readonly apex: Node;
  private chunk = Buffer.allocUnsafe(CHUNK);
  private used = 0;
  private soa: { node: Node; set: RRset; serial: number } | null = null;
  private signed = false;
  private lastParent: Node | null = null;
  count = 0;

  private readonly filter: NameFilter;

  /** `expected`: about how many names the zone will hold (the loader guesses from the file's size). */
  constructor(
    readonly origin: string,
    expected = 1024,
  ) {
    this.filter = new NameFilter(expected);
    this.names = new NameTable(expected);
    this.apex = new Node(origin, null);
    const hash = textNameHash(origin);
    this.names.add(this.apex, hash);
    this.filter.add(hash);
  }

  /** The node for a lowercased absolute name, with any missing names between it and the apex. */
  node(name: string): Node {
    const hash = textNameHash(name);
    const found = this.names.get(name, hash);
    if (found) return found;
    let parent: Node | null = null;
    if (name !== '.' && isSubdomain(name, this.origin)) {
      const up = parentName(name);
      // Files list siblings one after another: their parent is the last one's, found without a lookup.
      parent = up === this.lastParent?.name ? this.lastParent : this.node(up);
      this.lastParent = parent;
    }
    const node = new Node(name, parent);
    this.names.add(node, hash);
    this.filter.add(hash);
    return node;
  }

  /**
   * Adds one record: `rdata[0, len)` is its RDATA in wire form. Throws an
   * Error for what the file plugin does not serve (NSEC3, as CoreDNS).
   */
  add(owner: string, type: number, klass: number, ttl: number, rdata: Buffer, len: number): void {
    if (type === QType.NSEC3 || type === QType.NSEC3PARAM) throw new Error(`NSEC3 zone is not supported, dropping RR: ${owner} for zone: ${this.origin}`);
    const node = this.node(owner);
    this.count++;
    if (type === QType.SOA) {
      // The zone's SOA is the last one read (CoreDNS's Zone.Insert), a set of its own.
      const set = this.append(null, type, klass, ttl, rdata, len);
      this.soa = { node, set, serial: set.buf.readUInt32BE(set.end - 20) };
      return;
    }
    if (type === QType.NSEC) this.signed = true;
    const existing = node.get(type);
    const set = this.append(existing ?? null, type, klass, ttl, rdata, len);
    if (!existing) node.add(set);
  }

  /** The serial of the SOA read so far, or null. */
  get serial(): number | null {
    return this.soa?.serial ?? null;
  }

  /** The zone, ready to answer (a signed one with its names in canonical order). */
  finish(): Zone {
    const zone = new Zone(this.origin, this.names, this.apex, this.filter);
    zone.soa = this.soa;
    zone.signed = this.signed;
    prepareDenial(zone);
    return zone;
  }

  private append(set: RRset | null, type: number, klass: number, ttl: number, rdata: Buffer, len: number): RRset {
    const size = 10 + len;
    if (set && set.buf === this.chunk && set.end === this.used && this.used + size <= this.chunk.length) {
      this.write(this.used, type, klass, ttl, rdata, len);
      this.used += size;
      set.end += size;
      set.count++;
      return set;
    }
    const old = set ? set.end - set.off : 0;
    if (this.used + old + size > this.chunk.length) {
      this.chunk = Buffer.allocUnsafe(Math.max(CHUNK, 2 * (old + size)));
      this.used = 0;
    }
    const off = this.used;
    if (set) set.buf.copy(this.chunk, off, set.off, set.end);
    this.write(off + old, type, klass, ttl, rdata, len);
    this.used += old + size;
    if (!set) return new RRset(type, this.chunk, off, off + size, 1);
    set.buf = this.chunk;
    set.off = off;
    set.end = off + old + size;
    set.count++;
    return set;
  }

  private write(at: number, type: number, klass: number, ttl: number, rdata: Buffer, len: number): void {
    const b = this.chunk;
    b[at] = type >> 8;
    b[at + 1] = type & 0xff;
    b[at + 2] = klass >> 8;
    b[at + 3] = klass & 0xff;
    b.writeUInt32BE(ttl, at + 4);
    b[at + 8] = len >> 8;
    b[at + 9] = len & 0xff;
    // A loop beats Buffer#copy's argument checks for a record's few bytes.
    if (len > 32) rdata.copy(b, at + 10, 0, len);
    else for (let i = 0; i < len; i++) b[at + 10 + i] = rdata[i]!;
  }
}
