/**
 * A zone held for answering: every owner name in a table (lowercased
 * presentation form, as `Request.qname`), each with its RRsets stored as wire
 * bytes. Empty non-terminals are nodes without RRsets, so the closest
 * encloser of any name is found by walking up (RFC 4592).
 */
import { QType } from '@chaindns/core';
import type { NameFilter } from './name-hash.js';
import type { NameTable } from './name-table.js';

/**
 * The records of one type at one name, in wire form back to back in
 * `buf[off, end)`: each is type (2), class (2), TTL (4), RDLENGTH (2), RDATA.
 * The owner is not stored: it is the node's name (or the query's, for a
 * wildcard).
 */
export class RRset {
  constructor(
    readonly type: number,
    public buf: Buffer,
    public off: number,
    public end: number,
    public count: number,
  ) {}

  /** The offset of each record's type field. */
  *records(): Generator<number> {
    for (let p = this.off; p < this.end; p += 10 + ((this.buf[p + 8]! << 8) | this.buf[p + 9]!)) yield p;
  }

  /** The TTL of the first record. */
  get ttl(): number {
    return this.buf.readUInt32BE(this.off + 4);
  }
}

export class Node {
  /** The first RRset (types in the order they first appeared in the file); null for an empty non-terminal. */
  private first: RRset | null = null;
  /** The others: most names have one type, and a million of them need no array each. */
  private more: RRset[] | null = null;
  /** The topmost zone cut or DNAME strictly above this name (undefined until first asked). */
  redirect: Node | null | undefined = undefined;
  /** The wildcard `*.name`, the source of synthesis below this name (undefined until first asked). */
  wildcard: Node | null | undefined = undefined;

  constructor(
    /** Lowercased FQDN in presentation form. */
    readonly name: string,
    /** The next name up inside the zone; null for the apex and names outside the zone. */
    readonly parent: Node | null,
  ) {}

  get(type: number): RRset | undefined {
    if (this.first === null || this.first.type === type) return this.first ?? undefined;
    const more = this.more;
    if (more !== null) for (let i = 0; i < more.length; i++) if (more[i]!.type === type) return more[i];
    return undefined;
  }

  /** Every RRset, in file order. */
  get sets(): RRset[] {
    return this.first === null ? [] : [this.first, ...(this.more ?? [])];
  }

  /** True for an empty non-terminal: a name that exists only because names below it do. */
  get empty(): boolean {
    return this.first === null;
  }

  add(set: RRset): void {
    if (this.first === null) this.first = set;
    else (this.more ??= []).push(set);
  }
}

/** The SOA record a zone answers with, and the name that owns it. */
export interface Soa {
  readonly node: Node;
  readonly set: RRset;
  readonly serial: number;
}

export class Zone {
  /** Set by the builder once the file has its SOA; a zone without one answers SERVFAIL. */
  soa: Soa | null = null;
  /** Any NSEC record was loaded: negative answers to DO queries carry them. */
  signed = false;

  constructor(
    /** Lowercased FQDN. */
    readonly origin: string,
    readonly names: NameTable,
    readonly apex: Node,
    /** Which names the zone may hold, by the hash of their wire form. */
    readonly filter: NameFilter,
  ) {}

  /** True when a node with NS records (not the apex) or a DNAME is here: a query below goes elsewhere. */
  isRedirect(node: Node): boolean {
    return (node !== this.apex && node.get(QType.NS) !== undefined) || node.get(QType.DNAME) !== undefined;
  }

  /** The topmost zone cut or DNAME strictly above `node`, walking up from it; remembered on the node. */
  redirectAbove(node: Node): Node | null {
    if (node.redirect !== undefined) return node.redirect;
    const parent = node.parent;
    const found = parent === null ? null : (this.redirectAbove(parent) ?? (this.isRedirect(parent) ? parent : null));
    node.redirect = found;
    return found;
  }

  /** The wildcard below `node` (`*.node`), remembered on the node. */
  wildcardBelow(node: Node): Node | null {
    if (node.wildcard === undefined) node.wildcard = this.names.get(wildcardOf(node.name)) ?? null;
    return node.wildcard;
  }

  /** The closest existing name at or above `name` (an in-zone, lowercased name): the apex at worst. */
  closestEncloser(name: string): Node {
    for (let n = name; n !== this.origin && n !== '.'; ) {
      n = parentName(n);
      // The apex without a lookup: the usual closest encloser of a name that does not exist.
      if (n === this.origin) return this.apex;
      const node = this.names.get(n);
      if (node) return node;
    }
    return this.apex;
  }
}

/** The name one label up: `www.example.org.` to `example.org.`; `.` stays `.`. Escaped dots do not count. */
export function parentName(name: string): string {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c === 0x5c) i++;
    else if (c === 0x2e) return i + 1 === name.length ? '.' : name.slice(i + 1);
  }
  return '.';
}

/** The source of synthesis below `name` (RFC 4592): `*.name`. */
export function wildcardOf(name: string): string {
  return name === '.' ? '*.' : `*.${name}`;
}
