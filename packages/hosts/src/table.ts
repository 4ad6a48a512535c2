import { QType } from '@chaindns/core';
import type { Address } from './address.js';
import type { HostsMap } from './hosts-file.js';

/**
 * Answer records encoded once, at load: `count` records in
 * `arena[off, off + len)`, each owned by a pointer to the question (so a
 * reply is the query's header and question, then these bytes as they are).
 * A count of -1 marks records that fit in no DNS message.
 */
export class RecordSet {
  constructor(
    readonly off: number,
    readonly len: number,
    readonly count: number,
  ) {}
}

/** What a name has: its A and its AAAA records (either may be empty, not both). */
export class NameRecords {
  constructor(
    readonly a: RecordSet,
    readonly aaaa: RecordSet,
  ) {}
}

/** No records: a NODATA answer. */
export const EMPTY = new RecordSet(0, 0, 0);

/** The most answer bytes a message can hold: 64 KiB less the header, the longest question and an OPT. */
const MAX_ANSWER = 65535 - 12 - 259 - 11;

/** A growing byte buffer the records are written into. */
class Arena {
  buf = Buffer.allocUnsafeSlow(64 * 1024);
  used = 0;

  reserve(n: number): number {
    if (this.used + n > this.buf.length) {
      const next = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.used + n));
      this.buf.copy(next, 0, 0, this.used);
      this.buf = next;
    }
    const off = this.used;
    this.used += n;
    return off;
  }

  /** A record's fixed part: owner (pointer to the question), type, class IN, TTL, RDLENGTH. */
  header(type: number, ttl: number, rdlength: number): number {
    const off = this.reserve(12 + rdlength);
    const b = this.buf;
    b[off] = 0xc0;
    b[off + 1] = 0x0c;
    b.writeUInt16BE(type, off + 2);
    b.writeUInt16BE(1, off + 4);
    b.writeUInt32BE(ttl, off + 6);
    b.writeUInt16BE(rdlength, off + 10);
    return off + 12;
  }

  /** Keeps what was written since `start` as one RecordSet, or drops it when no message could carry it. */
  seal(start: number, count: number): RecordSet {
    if (count === 0) return EMPTY;
    if (this.used - start <= MAX_ANSWER) return new RecordSet(start, this.used - start, count);
    this.used = start;
    return new RecordSet(0, 0, -1);
  }

  /** The bytes written, in a buffer of their own size. */
  finish(): Buffer {
    const out = Buffer.allocUnsafeSlow(this.used);
    this.buf.copy(out, 0, 0, this.used);
    return out;
  }
}

/** A name's addresses of one family from one source: its own, else its wildcard's (as CoreDNS, per source and family). */
function addressesOf(names: ReadonlyMap<string, readonly Address[]>, wild: ReadonlyMap<string, readonly Address[]>, name: string): readonly Address[] {
  const own = names.get(name);
  if (own !== undefined) return own;
  const pattern = wildcardOf(name);
  return (pattern !== null && wild.get(pattern)) || [];
}

function sameAddress(a: Address, b: Address): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The file's addresses, then the inline ones it does not already have. */
function joined<T>(file: readonly T[], inline: readonly T[], same: (a: T, b: T) => boolean): readonly T[] {
  if (inline.length === 0) return file;
  if (file.length === 0) return inline;
  return [...file, ...inline.filter((x) => !file.some((y) => same(x, y)))];
}

/**
 * The wildcard owner that would cover `qname`: its leftmost label replaced by
 * `*` (`a.example.org.` → `*.example.org.`), or null for the root and a TLD.
 * An escaped dot (`\.`) does not end a label.
 */
export function wildcardOf(qname: string): string | null {
  for (let i = 0; i < qname.length; i++) {
    const c = qname.charCodeAt(i);
    if (c === 0x5c) i++;
    else if (c === 0x2e) return i + 1 < qname.length ? '*.' + qname.slice(i + 1) : null;
  }
  return null;
}

/**
 * Everything the hosts plugin answers, built once per load from the file's
 * map and the inline one: names, wildcard owners and reverse names, each to
 * its pre-encoded records. A lookup is a Map get (two on a wildcard hit).
 */
export class HostsTable {
  private constructor(
    private readonly names: ReadonlyMap<string, NameRecords>,
    private readonly wild: ReadonlyMap<string, NameRecords>,
    private readonly reverse: ReadonlyMap<string, RecordSet>,
    /** The records' bytes. */
    readonly arena: Buffer,
  ) {}

  /** The records of `qname` (lowercased FQDN), its wildcard's when it has none of its own; undefined when the hosts data lacks it. */
  lookup(qname: string): NameRecords | undefined {
    const own = this.names.get(qname);
    if (own !== undefined) return own;
    const pattern = wildcardOf(qname);
    return pattern === null ? undefined : this.wild.get(pattern);
  }

  /** The PTR records of a reverse name. */
  ptr(qname: string): RecordSet | undefined {
    return this.reverse.get(qname);
  }

  /** Encodes the answers of `file` and `inline` (file first, as CoreDNS lists them) with `ttl`. */
  static build(file: HostsMap, inline: HostsMap, ttl: number): HostsTable {
    const arena = new Arena();
    const addresses = (type: number, list: readonly Address[]): RecordSet => {
      const start = arena.used;
      for (const ip of list) {
        const at = arena.header(type, ttl, ip.length);
        arena.buf.set(ip, at);
      }
      return arena.seal(start, list.length);
    };

    const names = new Map<string, NameRecords>();
    for (const source of [file.name4, file.name6, inline.name4, inline.name6]) {
      for (const name of source.keys()) {
        if (names.has(name)) continue;
        const v4 = joined(addressesOf(file.name4, file.wild4, name), addressesOf(inline.name4, inline.wild4, name), sameAddress);
        const v6 = joined(addressesOf(file.name6, file.wild6, name), addressesOf(inline.name6, inline.wild6, name), sameAddress);
        names.set(name, new NameRecords(addresses(QType.A, v4), addresses(QType.AAAA, v6)));
      }
    }
    const wild = new Map<string, NameRecords>();
    for (const source of [file.wild4, file.wild6, inline.wild4, inline.wild6]) {
      for (const pattern of source.keys()) {
        if (wild.has(pattern)) continue;
        const v4 = joined(file.wild4.get(pattern) ?? [], inline.wild4.get(pattern) ?? [], sameAddress);
        const v6 = joined(file.wild6.get(pattern) ?? [], inline.wild6.get(pattern) ?? [], sameAddress);
        wild.set(pattern, new NameRecords(addresses(QType.A, v4), addresses(QType.AAAA, v6)));
      }
    }
    const reverse = new Map<string, RecordSet>();
    for (const source of [file.ptr, inline.ptr]) {
      for (const rev of source.keys()) {
        if (reverse.has(rev)) continue;
        const targets = joined(file.ptr.get(rev) ?? [], inline.ptr.get(rev) ?? [], (a, b) => a === b);
        const start = arena.used;
        for (const target of targets) writeName(arena, arena.header(QType.PTR, ttl, target === '.' ? 1 : target.length + 1), target);
        reverse.set(rev, arena.seal(start, targets.length));
      }
    }
    return new HostsTable(names, wild, reverse, arena.finish());
  }
}

/** Writes a normalized name (plain ASCII labels, FQDN) in wire form at `off`. */
function writeName(arena: Arena, off: number, name: string): void {
  const b = arena.buf;
  if (name === '.') {
    b[off] = 0;
    return;
  }
  let lengthAt = off;
  let len = 0;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c === 0x2e) {
      b[lengthAt] = len;
      lengthAt += len + 1;
      len = 0;
    } else {
      b[lengthAt + 1 + len++] = c;
    }
  }
  b[lengthAt] = 0;
}
