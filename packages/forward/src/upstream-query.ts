import { findOpt, type Request, skipRR } from '@chaindns/core';

/** Of the flags, RD (second byte) and AD, CD (third) go upstream; opcode is 0 (others were answered NOTIMP before any plugin). */
const RD = 0x01;
const AD_CD = 0x30;

/**
 * The query sent upstream for `req`, re-encoded as CoreDNS's forward does:
 * the header (the client's ID and, of its flags, RD, AD and CD), the one
 * question and the client's EDNS0 OPT record, as the client wrote them.
 * Nothing else the client sent goes out: not its other sections (a
 * compression-pointer loop there would reach the upstream), nor bytes past
 * its last record.
 *
 * Core's wire is to provide `upstreamQuery(req)` with this contract; this
 * file is then replaced by it.
 */
export function upstreamQuery(req: Request): Buffer {
  const msg = req.msg;
  const questionEnd = req.questionEnd;
  // The request parsed every record, so the OPT it found is found again, whole.
  const optStart = req.edns === null ? -1 : findOpt(msg);
  const optLength = optStart < 0 ? 0 : skipRR(msg, optStart) - optStart;
  const out = Buffer.allocUnsafe(questionEnd + optLength);
  msg.copy(out, 0, 0, questionEnd);
  out[2] = msg[2]! & RD;
  out[3] = msg[3]! & AD_CD;
  // QDCOUNT 1, ANCOUNT 0, NSCOUNT 0, ARCOUNT 1 with an OPT.
  out.writeUInt32BE(0x00010000, 4);
  out.writeUInt32BE(optLength > 0 ? 1 : 0, 8);
  if (optLength > 0) msg.copy(out, questionEnd, optStart, optStart + optLength);
  return out;
}
