/**
 * The records of one AXFR (RFC 5936) or IXFR (RFC 1995) answer, read one at
 * a time as they arrive: a whole zone goes straight into a ZoneBuilder, an
 * incremental answer is kept as the records it deletes and adds.
 */
import { isSubdomain, QClass, QType } from '@chaindns/core';
import { type Zone, ZoneBuilder } from '@chaindns/file';
import { Diff, type DiffRecord } from './diff.js';
import { TransferError } from './response.js';
import { serialBefore, type SoaTimers, soaTimers } from './soa.js';

/** What an answer held, once it ended. */
export type Inbound =
  | { readonly kind: 'current' }
  | { readonly kind: 'zone'; readonly zone: Zone; readonly soa: SoaTimers; readonly records: number }
  | { readonly kind: 'diff'; readonly soa: SoaTimers; readonly soaRecord: DiffRecord; readonly diff: Diff };

type State = 'first' | 'second' | 'zone' | 'deleting' | 'adding' | 'done';

const copy = (owner: string, type: number, ttl: number, rdata: Buffer, len: number): DiffRecord => ({ owner, type, ttl, rdata: Buffer.from(rdata.subarray(0, len)) });

export class InboundTransfer {
  private state: State = 'first';
  private soa: SoaTimers | null = null;
  private soaRecord: DiffRecord | null = null;
  private builder: ZoneBuilder | null = null;
  /** The serial the diff being read starts from (IXFR). */
  private version = 0;
  private readonly diff = new Diff();
  private seen = 0;
  /** Records of names outside the zone, left out (RFC 5936 section 3.1: they are not the zone's). */
  outOfZone = 0;

  /** `since`: the serial an IXFR asked from; null for an AXFR. */
  constructor(
    readonly origin: string,
    private readonly since: number | null,
  ) {}

  /** Takes one record (its RDATA `rdata[0, len)`, names whole). Throws TransferError when the answer is not a transfer. */
  record(owner: string, type: number, klass: number, ttl: number, rdata: Buffer, len: number): void {
    this.seen++;
    if (this.state === 'done') throw new TransferError('records after the closing SOA');
    if (klass !== QClass.IN) throw new TransferError(`a record of class ${klass}: a zone of class IN holds none`);
    const soa = type === QType.SOA;
    if (soa && owner !== this.origin) throw new TransferError(`a SOA record for ${owner} in the transfer of ${this.origin}`);
    if (!isSubdomain(owner, this.origin)) {
      this.outOfZone++;
      return;
    }
    switch (this.state) {
      case 'first': {
        if (!soa) throw new TransferError('the answer does not start with the SOA');
        this.soa = soaTimers(rdata, len);
        this.soaRecord = copy(owner, type, ttl, rdata, len);
        if (this.since === null) return this.startZone();
        this.state = serialBefore(this.since, this.soa.serial) ? 'second' : 'done';
        return;
      }
      case 'second':
        // An IXFR answer: a SOA of the serial asked from starts the differences; anything else is the whole zone.
        if (!soa) {
          this.startZone();
          return this.builder!.add(owner, type, klass, ttl, rdata, len);
        }
        this.version = soaTimers(rdata, len).serial;
        if (this.version !== this.since) throw new TransferError(`the differences start at serial ${this.version}, not at ${this.since}`);
        this.state = 'deleting';
        return;
      case 'zone':
        if (!soa) return this.builder!.add(owner, type, klass, ttl, rdata, len);
        if (soaTimers(rdata, len).serial !== this.soa!.serial) throw new TransferError('the closing SOA differs from the first');
        this.state = 'done';
        return;
      case 'deleting':
        if (!soa) {
          this.diff.delete(owner, type, rdata.subarray(0, len));
          return;
        }
        this.version = soaTimers(rdata, len).serial;
        this.state = 'adding';
        return;
      case 'adding': {
        if (!soa) {
          this.diff.add(copy(owner, type, ttl, rdata, len));
          return;
        }
        const serial = soaTimers(rdata, len).serial;
        if (serial !== this.version) throw new TransferError(`a difference starts at serial ${serial}, not at ${this.version}`);
        // The serial the answer announced, again: the end; any other starts the next difference.
        this.state = serial === this.soa!.serial ? 'done' : 'deleting';
        return;
      }
    }
  }

  /** True once the answer is whole: the closing SOA, or (IXFR) the first message held the SOA alone and it is not newer. */
  get complete(): boolean {
    return this.state === 'done';
  }

  /** Call at the end of each message: an IXFR answer of a single SOA is complete, whatever its serial (RFC 1995 section 2). */
  endOfMessage(): void {
    if (this.seen === 0) throw new TransferError('the answer holds no records');
    if (this.seen === 1 && this.state === 'second') throw new TransferError('the IXFR answer is a SOA alone with a newer serial');
  }

  /** What the answer held; call once complete. */
  result(): Inbound {
    if (this.builder !== null) return { kind: 'zone', zone: this.builder.finish(), soa: this.soa!, records: this.builder.count };
    if (this.since !== null && !serialBefore(this.since, this.soa!.serial)) return { kind: 'current' };
    return { kind: 'diff', soa: this.soa!, soaRecord: this.soaRecord!, diff: this.diff };
  }

  private startZone(): void {
    this.builder = new ZoneBuilder(this.origin);
    const soa = this.soaRecord!;
    this.builder.add(soa.owner, QType.SOA, QClass.IN, soa.ttl, soa.rdata, soa.rdata.length);
    this.state = 'zone';
  }
}
