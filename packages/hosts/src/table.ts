import type { OwnerIndex } from './owner-index.js';
import { hashBytes, STAR_SEED, writeHostName } from './wire-name.js';

/** Where a kind of record starts in an owner's row of `HostsTable.rows`: its records' offset, length and count. */
export const A = 0;
export const AAAA = 3;
export const PTR = 6;
/** Numbers per owner in `rows`. */
export const ROW = 9;

/**
 * Everything the hosts plugin answers, built once per load: owner names
 * (the entries' names, their wildcards, the reverse names of their
 * addresses) and, per owner, its A, AAAA and PTR records encoded. Each
 * record is owned by a pointer to the question, so a reply is the query's
 * header and question, then `arena[off, off + len)` as it is. A count of -1
 * marks records no DNS message can carry.
 */
export class HostsTable {
  constructor(
    private readonly index: OwnerIndex,
    /** Per owner, ROW numbers: offset, length and count of its A, AAAA and PTR records in `arena`. */
    readonly rows: Int32Array,
    /** The records' bytes. */
    readonly arena: Buffer,
    /** True when some entry is a wildcard: a name without records of its own then looks for one. */
    private readonly wildcards: boolean,
  ) {}

  /**
   * The owner whose A and AAAA records answer the question name
   * `msg[12, nameEnd)`: the name's own, else its wildcard's (its leftmost
   * label replaced by `*`); -1 when the hosts data has neither. No string is
   * built: the name is hashed and compared as wire bytes.
   */
  find(msg: Uint8Array, nameEnd: number): number {
    const o = this.index.find(msg, 12, nameEnd, hashBytes(msg, 12, nameEnd), false);
    if (o >= 0 && this.hasAddresses(o)) return o;
    if (!this.wildcards) return -1;
    const rest = 13 + msg[12]!;
    if (rest >= nameEnd - 1) return -1; // the root or a TLD: nothing to replace
    const w = this.index.find(msg, rest, nameEnd, hashBytes(msg, rest, nameEnd, STAR_SEED), true);
    return w >= 0 && this.hasAddresses(w) ? w : -1;
  }

  /** The owner with PTR records for the question name `msg[12, nameEnd)`, or -1. */
  findPtr(msg: Uint8Array, nameEnd: number): number {
    const o = this.index.find(msg, 12, nameEnd, hashBytes(msg, 12, nameEnd), false);
    return o >= 0 && this.rows[o * ROW + PTR + 2] !== 0 ? o : -1;
  }

  /** findPtr for a name in presentation form. */
  findPtrByName(name: string): number {
    const wire = new Uint8Array(268);
    const len = writeHostName(name, 0, name.length, wire, 12);
    return len < 0 ? -1 : this.findPtr(wire, 12 + len);
  }

  private hasAddresses(o: number): boolean {
    return this.rows[o * ROW + A + 2] !== 0 || this.rows[o * ROW + AAAA + 2] !== 0;
  }
}
