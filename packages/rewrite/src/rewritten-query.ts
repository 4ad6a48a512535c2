import { counts, findOpt, HEADER_SIZE, QType, type Request, skipRR } from '@chaindns/core';
import { optionsLength, writeOptions } from './edns-options.js';
import type { QueryState } from './query-state.js';

/** The UDP size of an OPT a rule adds to a query that had none (CoreDNS's SetEdns0(4096, false)). */
const ADDED_OPT_SIZE = 4096;

/**
 * The bytes of the query to pass on: the client's header, the question as
 * the rules left it (the client's own name bytes when no rule renamed it),
 * and the client's other records as sent, its OPT holding the rewritten
 * options (or a new OPT at the start of the additional section, when the
 * client sent none). Nothing is decoded.
 */
export function rewrittenQuery(req: Request, q: QueryState): Buffer {
  const msg = req.msg;
  const name = q.nameWire ?? msg.subarray(HEADER_SIZE, req.nameEnd);
  const tail = req.questionEnd;
  let opt: Buffer | null = null;
  let cut = msg.length;
  let cutEnd = msg.length;
  if (q.optionsChanged) {
    const options = q.ednsOptions();
    const length = optionsLength(options);
    opt = Buffer.allocUnsafe(11 + length);
    const at = req.edns ? findOpt(msg) : -1;
    if (at >= 0) {
      msg.copy(opt, 0, at, at + 9);
      cut = at;
      cutEnd = skipRR(msg, at);
    } else {
      opt.fill(0, 0, 9);
      opt.writeUInt16BE(QType.OPT, 1);
      opt.writeUInt16BE(ADDED_OPT_SIZE, 3);
      cut = cutEnd = additionalStart(msg, tail);
    }
    opt.writeUInt16BE(length, 9);
    writeOptions(options, opt, 11);
  }
  const out = Buffer.allocUnsafe(HEADER_SIZE + name.length + 4 + (msg.length - tail) - (cutEnd - cut) + (opt?.length ?? 0));
  msg.copy(out, 0, 0, HEADER_SIZE);
  if (opt && cut === cutEnd) out.writeUInt16BE(counts(msg)[3] + 1, 10);
  let off = HEADER_SIZE + name.copy(out, HEADER_SIZE);
  out.writeUInt16BE(q.qtype, off);
  out.writeUInt16BE(q.qclass, off + 2);
  off += 4;
  off += msg.copy(out, off, tail, cut);
  if (opt) off += opt.copy(out, off);
  msg.copy(out, off, cutEnd);
  return out;
}

/** Where the additional section starts: past the answer and authority records. */
function additionalStart(msg: Buffer, off: number): number {
  const [, an, ns] = counts(msg);
  for (let i = 0; i < an + ns; i++) off = skipRR(msg, off);
  return off;
}
