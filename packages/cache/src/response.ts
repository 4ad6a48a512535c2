import { Flag, layout, Opcode, QType, Rcode, type Request, skipName } from '@chaindns/core';
import { sameName } from './name.js';

/**
 * What a reply is, as CoreDNS's response.Typify classifies it: `meta` covers
 * zone transfers, NOTIFY and UPDATE (never cached), `error` every rcode other
 * than NOERROR, NXDOMAIN with an SOA, and SERVFAIL (never cached).
 */
export type ResponseType = 'noerror' | 'nodata' | 'nxdomain' | 'delegation' | 'servfail' | 'error' | 'meta';

/** The TTL CoreDNS falls back to when a reply has nothing to take one from. */
export const MINIMAL_DEFAULT_TTL = 5;
/** The TTL no reply is kept longer than before the cache's own caps apply. */
export const MAXIMUM_DEFAULT_TTL = 3600;

/** A reply looked at from its bytes, once, on a miss. */
export interface Inspection {
  readonly type: ResponseType;
  readonly rcode: number;
  readonly truncated: boolean;
  /** Offsets of the TTL field of every record but the OPT. */
  readonly ttlOffsets: readonly number[];
  /** Where the OPT record starts and ends, or null when there is none. */
  readonly opt: { readonly start: number; readonly end: number } | null;
  /** True when the OPT is the last record, so cutting it moves no name a pointer may target. */
  readonly optLast: boolean;
  /**
   * The reply's own TTL before the cache's caps: CoreDNS's MinimalTTL (the
   * smallest record TTL, at most 3600; 5 for replies without records or of
   * another type), where a denial's SOA counts as min(TTL, MINIMUM) (RFC 2308 5).
   */
  readonly msgTtl: number;
}

/** Looks at a reply's header and records at `now` (ms); null when it is malformed. */
export function inspect(msg: Buffer, now: number): Inspection | null {
  const lay = layout(msg);
  if (!lay) return null;
  const rcode = msg[3]! & 0x0f;
  const opcode = (msg[2]! >> 3) & 0x0f;
  const qd = (msg[4]! << 8) | msg[5]!;
  let qtype = 0;
  if (qd > 0) {
    const t = skipName(msg, 12);
    qtype = (msg[t]! << 8) | msg[t + 1]!;
  }
  const { an, ns, ar, starts } = lay;
  const ttlOffsets: number[] = [];
  let opt: Inspection['opt'] = null;
  let soa = false;
  let nsCount = 0;
  let dnssecOk = false;
  let expiredSig = false;
  for (let i = 0; i < an + ns + ar; i++) {
    const t = skipName(msg, starts[i]!);
    const type = (msg[t]! << 8) | msg[t + 1]!;
    if (i >= an + ns && type === QType.OPT) {
      opt = { start: starts[i]!, end: starts[i + 1]! };
      dnssecOk = (msg[t + 6]! & 0x80) !== 0;
      continue;
    }
    if (type === QType.RRSIG && !expiredSig) expiredSig = !signatureValid(msg, t + 10, now);
    if (i >= an && i < an + ns) {
      if (type === QType.SOA) soa = true;
      else if (type === QType.NS) nsCount++;
    }
    ttlOffsets.push(t + 4);
  }
  // As CoreDNS: a DNSSEC reply carrying a signature outside its validity period is an error.
  const type = dnssecOk && expiredSig ? 'error' : typify(opcode, qtype, rcode, an, soa, nsCount);
  return {
    type,
    rcode,
    truncated: (msg[2]! & (Flag.TC >> 8)) !== 0,
    ttlOffsets,
    opt,
    optLast: opt === null || opt.end === msg.length,
    msgTtl: minimalTtl(msg, type, ttlOffsets),
  };
}

function typify(opcode: number, qtype: number, rcode: number, an: number, soa: boolean, nsCount: number): ResponseType {
  if (opcode === Opcode.UPDATE || opcode === Opcode.NOTIFY) return 'meta';
  if (qtype === QType.AXFR || qtype === QType.IXFR) return 'meta';
  if (an > 0 && rcode === Rcode.NOERROR) return 'noerror';
  if (soa && rcode === Rcode.NOERROR) return 'nodata';
  if (soa && rcode === Rcode.NXDOMAIN) return 'nxdomain';
  if (rcode === Rcode.SERVFAIL) return 'servfail';
  if (nsCount > 0 && rcode === Rcode.NOERROR) return 'delegation';
  if (rcode === Rcode.NOERROR) return 'noerror';
  return 'error';
}

function minimalTtl(msg: Buffer, type: ResponseType, ttlOffsets: readonly number[]): number {
  if (type !== 'noerror' && type !== 'nodata' && type !== 'nxdomain') return MINIMAL_DEFAULT_TTL;
  if (ttlOffsets.length === 0) return MINIMAL_DEFAULT_TTL;
  const denial = type !== 'noerror';
  let min = MAXIMUM_DEFAULT_TTL;
  for (const off of ttlOffsets) {
    let ttl = msg.readUInt32BE(off);
    if (denial && msg.readUInt16BE(off - 4) === QType.SOA) {
      // The SOA's MINIMUM is the last 4 bytes of its RDATA.
      const rdEnd = off + 6 + msg.readUInt16BE(off + 4);
      if (rdEnd - 4 >= off + 6) ttl = Math.min(ttl, msg.readUInt32BE(rdEnd - 4));
    }
    if (ttl < min) min = ttl;
  }
  return min;
}

const YEAR68 = 2 ** 31;

/** RFC 4034 3.1.5: inception <= now <= expiration, in serial number arithmetic (as miekg/dns's ValidityPeriod). */
function signatureValid(msg: Buffer, rdata: number, now: number): boolean {
  if (rdata + 16 > msg.length) return false;
  const utc = Math.floor(now / 1000);
  const inception = msg.readUInt32BE(rdata + 12);
  const expiration = msg.readUInt32BE(rdata + 8);
  const ti = inception + Math.trunc((inception - utc) / YEAR68) * YEAR68;
  const te = expiration + Math.trunc((expiration - utc) / YEAR68) * YEAR68;
  return ti <= utc && utc <= te;
}

/** Writes `ttl` into every TTL field listed. */
export function setTtls(msg: Buffer, ttlOffsets: ArrayLike<number>, ttl: number): void {
  for (let i = 0; i < ttlOffsets.length; i++) msg.writeUInt32BE(ttl, ttlOffsets[i]!);
}

/**
 * True when the reply is a response whose single question is the query's:
 * the same name (ASCII case aside), type and class.
 */
export function questionMatches(msg: Buffer, req: Request): boolean {
  if (!(msg[2]! & 0x80) || msg[4] !== 0 || msg[5] !== 1) return false;
  const end = req.nameEnd;
  if (msg.length < end + 4 || !sameName(msg, end, req.msg, end)) return false;
  return msg.readUInt32BE(end) === req.msg.readUInt32BE(end);
}
