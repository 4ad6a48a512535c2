/** What a secondary asks its primary, over TCP (CoreDNS asks the SOA over TCP too, to make spoofing harder). */
import { buildQuery, QType } from '@chaindns/core';
import { type Zone, zoneRecords } from '@chaindns/file';
import { type Inbound, InboundTransfer } from './inbound.js';
import type { Primary } from './primary.js';
import { readAnswers, TransferError } from './response.js';
import { soaTimers } from './soa.js';
import { exchangeTcp } from './tcp-exchange.js';

/** A query with a random ID and RD clear: a primary is asked for what it holds. */
function question(origin: string, qtype: number): { id: number; msg: Buffer } {
  const id = (Math.random() * 0x10000) | 0;
  const msg = buildQuery(origin, qtype, { id });
  msg[2] = msg[2]! & ~0x01;
  return { id, msg };
}

/** The serial of the primary's SOA for `origin`. */
export async function askSerial(origin: string, primary: Primary, signal: AbortSignal): Promise<number> {
  const { id, msg } = question(origin, QType.SOA);
  let serial: number | null = null;
  await exchangeTcp(
    primary,
    msg,
    (answer) => {
      readAnswers(answer, id, (owner, type, _klass, _ttl, rdata, len) => {
        if (type === QType.SOA && owner === origin) serial ??= soaTimers(rdata, len).serial;
      });
      return true;
    },
    signal,
  );
  if (serial === null) throw new TransferError(`no SOA for ${origin} in the answer`);
  return serial;
}

/**
 * Transfers `origin` from `primary`: an IXFR from the zone `held` (RFC 1995:
 * its SOA in the authority section), or an AXFR when `held` is null.
 */
export async function transferZone(origin: string, primary: Primary, held: Zone | null, signal: AbortSignal): Promise<{ inbound: Inbound; outOfZone: number }> {
  let { id, msg } = question(origin, held === null ? QType.AXFR : QType.IXFR);
  if (held !== null) {
    const soa = zoneRecords(held).next().value!;
    msg.writeUInt16BE(1, 8);
    msg = Buffer.concat([msg, soa]);
  }
  const inbound = new InboundTransfer(origin, held === null ? null : held.soa!.serial);
  await exchangeTcp(
    primary,
    msg,
    (answer) => {
      readAnswers(answer, id, (owner, type, klass, ttl, rdata, len) => inbound.record(owner, type, klass, ttl, rdata, len));
      inbound.endOfMessage();
      return inbound.complete;
    },
    signal,
  );
  return { inbound: inbound.result(), outOfZone: inbound.outOfZone };
}
