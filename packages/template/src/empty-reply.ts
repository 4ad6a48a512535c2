import { Flag, type Request, writeOpt } from '@chaindns/core';

/**
 * A reply without records (OpenShift's AAAA filter, AKS's NXDOMAIN guard),
 * built from the query's bytes as hosts builds its answers: the header and
 * the question as sent, QR and AA set, opcode, RD and CD echoed, the rcode,
 * and an OPT when the query had one. The same message reply() encodes,
 * without dns-packet.
 */
export function emptyReply(req: Request, rcode: number): Buffer {
  const q = req.msg;
  const qEnd = req.questionEnd;
  const edns = req.edns;
  const out = Buffer.allocUnsafe(qEnd + (edns === null ? 0 : 11));
  // A loop beats Buffer#copy's argument checks for a header and a question's few bytes.
  for (let i = 0; i < qEnd; i++) out[i] = q[i]!;
  out[2] = 0x80 | (Flag.AA >> 8) | (q[2]! & 0x79);
  out[3] = (q[3]! & Flag.CD) | (rcode & 0x0f);
  out[6] = 0;
  out[7] = 0;
  out[8] = 0;
  out[9] = 0;
  out[10] = 0;
  out[11] = edns === null ? 0 : 1;
  if (edns !== null) writeOpt(out, qEnd, edns);
  return out;
}
