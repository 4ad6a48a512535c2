/**
 * The net change of an IXFR answer (RFC 1995): its differences, one serial
 * after the other, folded into the records to delete from the zone held and
 * the records to add. Applied, they make a new zone from the old one's
 * records; a deletion of a record the zone does not hold fails it (the
 * caller then transfers the whole zone).
 */
import { lowerName, QClass, QType, readName, skipName } from '@chaindns/core';
import { type Zone, ZoneBuilder, zoneRecords } from '@chaindns/file';
import { TransferError } from './response.js';

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

  delete(owner: string, type: number, rdata: Buffer): void {
    const key = keyOf(owner, type, rdata);
    // A record an earlier difference added goes again; else one of the zone held.
    if (this.additions.delete(key)) return;
    if (this.deletions.has(key)) throw new TransferError(`the IXFR answer deletes ${owner} type ${type} twice`);
    this.deletions.add(key);
  }

  add(record: DiffRecord): void {
    this.additions.set(keyOf(record.owner, record.type, record.rdata), record);
  }

  /** The zone `held` with the differences applied and `soa` (the new serial's SOA record) as its SOA. */
  apply(held: Zone, soa: DiffRecord): { zone: Zone; records: number } {
    const builder = new ZoneBuilder(held.origin, held.names.size);
    builder.add(soa.owner, QType.SOA, QClass.IN, soa.ttl, soa.rdata, soa.rdata.length);
    let deleted = 0;
    let first = true;
    for (const rr of zoneRecords(held)) {
      // The first is the old SOA, which the new one replaces.
      if (first) {
        first = false;
        continue;
      }
      const at = skipName(rr, 0);
      const owner = lowerName(readName(rr, 0)!);
      const type = rr.readUInt16BE(at);
      const rdata = rr.subarray(at + 10);
      const key = keyOf(owner, type, rdata);
      if (this.deletions.has(key)) {
        deleted++;
        continue;
      }
      // One the differences add again (its TTL changed) is taken from them.
      if (this.additions.has(key)) continue;
      builder.add(owner, type, rr.readUInt16BE(at + 2), rr.readUInt32BE(at + 4), rdata, rdata.length);
    }
    if (deleted !== this.deletions.size) throw new TransferError(`the IXFR answer deletes ${this.deletions.size - deleted} record(s) the zone does not hold`);
    for (const r of this.additions.values()) builder.add(r.owner, r.type, QClass.IN, r.ttl, r.rdata, r.rdata.length);
    return { zone: builder.finish(), records: builder.count };
  }
}
