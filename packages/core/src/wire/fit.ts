import { Flag, HEADER_SIZE } from './constants.js';
import { readName, skipName } from './name.js';
import { errorReply, setId, writeOpt } from './reply.js';
import { Rcode } from './constants.js';
import type { Edns, Request } from './request.js';
import { findOpt, layout, skipRR } from './sections.js';

/**
 * Makes a plugin's reply right for the client, whatever wrote it: the query's
 * ID, an OPT exactly when the query had one, and on UDP no more bytes than
 * the client takes (truncated with TC). A malformed reply becomes SERVFAIL.
 * May return `msg` itself, modified.
 */
export function fitReply(req: Request, msg: Buffer): Buffer {
  if (msg.length < HEADER_SIZE) return errorReply(req.msg, req.questionEnd, Rcode.SERVFAIL, req.edns);
  setId(msg, req.id);
  let out = msg;
  if (req.edns || msg[10] !== 0 || msg[11] !== 0) {
    const opt = findOpt(msg);
    if (opt === -2) return errorReply(req.msg, req.questionEnd, Rcode.SERVFAIL, req.edns);
    if (req.edns && opt === -1) out = appendOpt(msg, req.edns);
    else if (!req.edns && opt >= 0) out = removeRecord(msg, opt);
  }
  const max = req.maxSize;
  return out.length > max ? truncate(out, max, req.edns) : out;
}

function appendOpt(msg: Buffer, edns: Edns): Buffer {
  const out = Buffer.allocUnsafe(msg.length + 11);
  msg.copy(out, 0);
  writeOpt(out, msg.length, edns);
  out.writeUInt16BE(out.readUInt16BE(10) + 1, 10);
  return out;
}

/** Removes the additional-section record at `off` (the OPT). */
function removeRecord(msg: Buffer, off: number): Buffer {
  const end = skipRR(msg, off);
  const out = Buffer.concat([msg.subarray(0, off), msg.subarray(end)]);
  out.writeUInt16BE(out.readUInt16BE(10) - 1, 10);
  return out;
}

/**
 * Cuts a reply to `limit` bytes, keeping whole RRsets in section order.
 * TC is set when answer or authority records had to go; dropping only
 * additional records does not set it (RFC 2181 9). The OPT is kept.
 */
export function truncate(msg: Buffer, limit: number, edns: Edns | null): Buffer {
  const opt = findOpt(msg);
  const body = opt >= 0 ? removeRecord(msg, opt) : msg;
  const optLen = edns ? 11 : 0;
  const lay = layout(body);
  if (!lay || lay.questionEnd + optLen > limit) return headerOnly(body, lay?.questionEnd ?? HEADER_SIZE, edns);
  const { starts, an, ns, ar } = lay;
  const budget = limit - optLen;
  let kept = 0;
  for (let i = 0; i < an + ns + ar; ) {
    let j = i + 1;
    while (j < an + ns + ar && sameSection(i, j, an, ns) && sameRRset(body, starts[i]!, starts[j]!)) j++;
    if (starts[j]! > budget) break;
    kept = j;
    i = j;
  }
  const cut = kept > 0 ? starts[kept]! : lay.questionEnd;
  const out = Buffer.allocUnsafe(cut + optLen);
  body.copy(out, 0, 0, cut);
  const keptAn = Math.min(kept, an);
  const keptNs = Math.min(Math.max(kept - an, 0), ns);
  const keptAr = Math.max(kept - an - ns, 0);
  out.writeUInt16BE(keptAn, 6);
  out.writeUInt16BE(keptNs, 8);
  out.writeUInt16BE(keptAr + (edns ? 1 : 0), 10);
  if (keptAn < an || keptNs < ns) out[2] = out[2]! | (Flag.TC >> 8);
  if (edns) writeOpt(out, cut, edns);
  return out;
}

function sameSection(i: number, j: number, an: number, ns: number): boolean {
  const section = (k: number): number => (k < an ? 0 : k < an + ns ? 1 : 2);
  return section(i) === section(j);
}

function sameRRset(msg: Buffer, a: number, b: number): boolean {
  const ta = skipName(msg, a);
  const tb = skipName(msg, b);
  if (msg.readUInt32BE(ta) !== msg.readUInt32BE(tb)) return false; // type and class
  return readName(msg, a)?.toLowerCase() === readName(msg, b)?.toLowerCase();
}

function headerOnly(msg: Buffer, questionEnd: number, edns: Edns | null): Buffer {
  const out = Buffer.allocUnsafe(questionEnd + (edns ? 11 : 0));
  msg.copy(out, 0, 0, questionEnd);
  out.writeUInt32BE(0, 6);
  out.writeUInt16BE(edns ? 1 : 0, 10);
  out[2] = out[2]! | (Flag.TC >> 8);
  if (edns) writeOpt(out, questionEnd, edns);
  return out;
}
