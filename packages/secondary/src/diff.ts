/**
 * The net change of an IXFR answer (RFC 1995): its differences, one serial
 * after the other, folded into the records to delete from the zone held and
 * the records to add. Applied, they make a new zone from the old one's
 * records, in slices that yield to queries between them (a large zone takes
 * a while); a deletion of a record the zone does not hold fails it (the
 * caller then transfers the whole zone).
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { QClass, QType } from '@chaindns/core';
import { type Zone, ZoneBuilder } from '@chaindns/file';
import { TransferError } from './response.js';

/** Names copied between two yields: a few milliseconds' work. */
const SLICE = 2000;

/** A record of the difference, its RDATA its own copy. */
export interface DiffRecord {
  readonly owner: string;
  readonly type: number;
  readonly ttl: number;
  readonly rdata: Buffer;
}

/** Records are the same whatever their TTL (RFC 2181 section 5: a TTL change is a delete and an add). */
const keyOf = (owner: string, type: number, rdata: Buffer): string => `${owner} ${type} ${rdata.toString('latin1')}`;

export class Diff {
  /** Records of the zone held to leave out. */
  private readonly deletions = new Set<string>();
  /** Records to add, by key. */
  private readonly additions = new Map<string, DiffRecord>();
  /** The names the differences touch: the records of any other are copied without a look. */
  private readonly owners = new Set<string>();

  delete(owner: string, type: number, rdata: Buffer): void {
    this.owners.add(owner);
    const key = keyOf(owner, type, rdata);
    // A record an earlier difference added goes again; else one of the zone held.
    if (this.additions.delete(key)) return;
    if (this.deletions.has(key)) throw new TransferError(`the IXFR answer deletes ${owner} type ${type} twice`);
    this.deletions.add(key);
  }

  add(record: DiffRecord): void {
    this.owners.add(record.owner);
    this.additions.set(keyOf(record.owner, record.type, record.rdata), record);
  }

  /** The zone `held` with the differences applied and `soa` (the new serial's SOA record) as its SOA. */
  async apply(held: Zone, soa: DiffRecord): Promise<{ zone: Zone; records: number }> {
    const builder = new ZoneBuilder(held.origin, held.names.size);
    builder.add(soa.owner, QType.SOA, QClass.IN, soa.ttl, soa.rdata, soa.rdata.length);
    let deleted = 0;
    const nodes = held.names.values();
    for (let i = 0; i < nodes.length; i++) {
      if (i % SLICE === SLICE - 1) await nextTurn();
      const node = nodes[i]!;
      const owner = node.name;
      const touched = this.owners.has(owner);
      for (const set of node.sets) {
        // The old SOA, which the new one replaces, is not among them.
        for (const p of set.records()) {
          const len = set.buf.readUInt16BE(p + 8);
          const rdata = set.buf.subarray(p + 10, p + 10 + len);
          if (touched) {
            const key = keyOf(owner, set.type, rdata);
            if (this.deletions.has(key)) {
              deleted++;
              continue;
            }
            // One the differences add again (its TTL changed) is taken from them.
            if (this.additions.has(key)) continue;
          }
          builder.add(owner, set.type, set.buf.readUInt16BE(p + 2), set.buf.readUInt32BE(p + 4), rdata, len);
        }
      }
    }
    if (deleted !== this.deletions.size) throw new TransferError(`the IXFR answer deletes ${this.deletions.size - deleted} record(s) the zone does not hold`);
    for (const r of this.additions.values()) builder.add(r.owner, r.type, QClass.IN, r.ttl, r.rdata, r.rdata.length);
    return { zone: builder.finish(), records: builder.count };
  }
}
