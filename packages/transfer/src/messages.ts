/**
 * The messages of a zone transfer (RFC 5936 2.2): the records in batches of
 * up to 63000 bytes (CoreDNS's cut, which leaves room in a 64 KB message for
 * the header, the question and one more record), the SOA first and last.
 */
import { QType, type Request, skipName } from '@chaindns/core';

const BATCH = 63_000;
const QR = 0x8000;
const AA = 0x0400;
const RD = 0x0100;

/** One reply to `req` holding `records` in its answer section. */
export function transferMessage(req: Request, records: readonly Buffer[], size: number): Buffer {
  const question = req.msg.subarray(12, req.questionEnd);
  const msg = Buffer.allocUnsafe(12 + question.length + size);
  msg.writeUInt16BE(req.id, 0);
  msg.writeUInt16BE(QR | (req.opcode << 11) | AA | (req.flags & RD), 2);
  msg.writeUInt16BE(1, 4);
  msg.writeUInt16BE(records.length, 6);
  msg.writeUInt32BE(0, 8);
  question.copy(msg, 12);
  let at = 12 + question.length;
  for (const rr of records) at += rr.copy(msg, at);
  return msg;
}

/** The zone's records, SOA first, cut into messages, with the SOA once more at the end. */
export function* transferMessages(req: Request, records: Iterable<Buffer>): Generator<{ msg: Buffer; count: number }> {
  let batch: Buffer[] = [];
  let size = 0;
  let soa: Buffer | null = null;
  const add = function* (rr: Buffer): Generator<{ msg: Buffer; count: number }> {
    if (batch.length > 0 && size + rr.length > BATCH) {
      yield { msg: transferMessage(req, batch, size), count: batch.length };
      batch = [];
      size = 0;
    }
    batch.push(rr);
    size += rr.length;
  };
  for (const rr of records) {
    soa ??= rr;
    yield* add(rr);
  }
  if (soa) yield* add(soa);
  if (batch.length > 0) yield { msg: transferMessage(req, batch, size), count: batch.length };
}

/** The serial of the SOA an IXFR query carries in its authority section (RFC 1995 3); null when there is not exactly one SOA there. */
export function ixfrSerial(req: Request): number | null {
  const msg = req.msg;
  if (msg.readUInt16BE(6) !== 0 || msg.readUInt16BE(8) !== 1) return null;
  const owner = skipName(msg, req.questionEnd);
  if (owner < 0 || owner + 10 > msg.length || msg.readUInt16BE(owner) !== QType.SOA) return null;
  const rdata = owner + 10;
  const mname = skipName(msg, rdata);
  const rname = mname < 0 ? -1 : skipName(msg, mname);
  if (rname < 0 || rname + 4 > msg.length || rdata + msg.readUInt16BE(owner + 8) > msg.length) return null;
  return msg.readUInt32BE(rname);
}
