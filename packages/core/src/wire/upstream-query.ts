import { Flag, HEADER_SIZE } from './constants.js';
import type { Request } from './request.js';

/**
 * The query a forwarder sends upstream for `req`, built from its bytes:
 * - the header: the client's ID (set your own with `setId`), opcode QUERY,
 *   RD, AD and CD as the client set them, every other bit clear; QDCOUNT 1,
 *   ARCOUNT 1 with an OPT, else 0;
 * - the question as the client sent it (its letter case, type and class);
 * - the client's OPT record, written anew: root owner, then its UDP size,
 *   extended rcode, version, flags (DO) and options as sent.
 * Nothing else of the client's message goes: no other record, no byte after
 * the last one.
 */
export function upstreamQuery(req: Request): Buffer {
  const msg = req.msg;
  const questionEnd = req.questionEnd;
  // From optAt: the OPT's TYPE, CLASS, TTL, RDLENGTH, then its options (checked by parseRequest).
  const optAt = req.optAt;
  const optLen = optAt < 0 ? 0 : 1 + 10 + ((msg[optAt + 8]! << 8) | msg[optAt + 9]!);
  const out = Buffer.allocUnsafe(questionEnd + optLen);
  msg.copy(out, 0, 0, questionEnd);
  out[2] = msg[2]! & (Flag.RD >> 8);
  out[3] = msg[3]! & (Flag.AD | Flag.CD);
  out.fill(0, 4, HEADER_SIZE);
  out[5] = 1;
  if (optAt >= 0) {
    out[11] = 1;
    out[questionEnd] = 0; // the root
    msg.copy(out, questionEnd + 1, optAt, optAt + optLen - 1);
  }
  return out;
}
