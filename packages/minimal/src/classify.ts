import { HEADER_SIZE, type Layout, QType, skipName } from '@chaindns/core';

const OPCODE_NOTIFY = 4;
const OPCODE_UPDATE = 5;
/** RFC 1982 serial arithmetic for RRSIG times works in 68-year windows (miekg/dns's ValidityPeriod). */
const YEAR68 = 2 ** 31;

/** Where the TYPE field of record `i` of `l` is. */
const typeAt = (msg: Uint8Array, l: Layout, i: number): number => skipName(msg, l.starts[i]!);
const u16 = (msg: Uint8Array, off: number): number => (msg[off]! << 8) | msg[off + 1]!;
const u32 = (msg: Uint8Array, off: number): number => u16(msg, off) * 0x10000 + u16(msg, off + 2);

/**
 * Whether a reply is what CoreDNS's response.Typify calls NoError: a
 * positive answer (or an empty one that is neither NODATA nor a
 * delegation), not an UPDATE, NOTIFY or zone transfer, and, when the OPT
 * has DO set, with no expired RRSIG. Only such a reply is minimized.
 */
export function isNoError(msg: Uint8Array, l: Layout, nowSeconds: number): boolean {
  const opcode = (msg[2]! >> 3) & 0x0f;
  if (opcode === OPCODE_UPDATE || opcode === OPCODE_NOTIFY) return false;
  if (u16(msg, 4) > 0) {
    const qtype = u16(msg, skipName(msg, HEADER_SIZE));
    if (qtype === QType.AXFR || qtype === QType.IXFR) return false;
  }
  const total = l.an + l.ns + l.ar;
  let rcode = msg[3]! & 0x0f;
  let dnssecOk = false;
  for (let i = l.an + l.ns; i < total; i++) {
    const t = typeAt(msg, l, i);
    if (u16(msg, t) !== QType.OPT) continue;
    rcode |= msg[t + 4]! << 4;
    dnssecOk = (msg[t + 6]! & 0x80) !== 0;
  }
  if (rcode !== 0) return false;
  if (dnssecOk) {
    for (let i = 0; i < total; i++) {
      const t = typeAt(msg, l, i);
      if (u16(msg, t) === QType.RRSIG && !validNow(u32(msg, t + 10 + 8), u32(msg, t + 10 + 12), nowSeconds)) return false;
    }
  }
  if (l.an > 0) return true;
  for (let i = l.an; i < l.an + l.ns; i++) {
    const type = u16(msg, typeAt(msg, l, i));
    if (type === QType.SOA || type === QType.NS) return false;
  }
  return true;
}

/** An RRSIG's validity period (RFC 4034 3.1.5), as miekg/dns's ValidityPeriod computes it. */
function validNow(expiration: number, inception: number, now: number): boolean {
  const ti = inception + Math.trunc((inception - now) / YEAR68) * YEAR68;
  const te = expiration + Math.trunc((expiration - now) / YEAR68) * YEAR68;
  return ti <= now && now <= te;
}
