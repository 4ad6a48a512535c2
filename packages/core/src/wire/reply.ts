import type * as DnsPacket from 'dns-packet';
import dnsPacket from './dns-packet.cjs';
import { EDNS_DO, Flag, HEADER_SIZE, MAX_UDP_SIZE, MIN_UDP_SIZE, QClass, QType } from './constants.js';
import { skipName } from './name.js';
import type { Edns, Request } from './request.js';

export type Answer = DnsPacket.Answer;

export interface ReplyOptions {
  readonly rcode?: number;
  /** AA: set by plugins that are the authority for the name (CoreDNS sets it for whoami, kubernetes, file...). */
  readonly authoritative?: boolean;
  readonly recursionAvailable?: boolean;
  readonly answers?: readonly Answer[];
  readonly authorities?: readonly Answer[];
  readonly additionals?: readonly Answer[];
}

/** The OPT record a reply to `edns` carries: the client's size (clamped) and DO mirrored. */
export function replyOpt(edns: Edns): Answer {
  const size = Math.min(Math.max(edns.udpSize, MIN_UDP_SIZE), MAX_UDP_SIZE);
  return { type: 'OPT', name: '.', udpPayloadSize: size, extendedRcode: 0, ednsVersion: 0, flags: edns.do ? EDNS_DO : 0, flag_do: edns.do, options: [] } as unknown as Answer;
}

/**
 * Encodes a reply to `req`: its ID, opcode, RD and CD, the question as the
 * client spelled it (its class too), the records given, and an OPT when the query had one.
 * Hides dns-packet's quirk of ignoring `rcode` (the rcode lives in `flags`).
 */
export function reply(req: Request, options: ReplyOptions = {}): Buffer {
  const rcode = options.rcode ?? 0;
  let flags = (req.flags & (0x7800 | Flag.RD | Flag.CD)) | (rcode & 0x0f);
  if (options.authoritative) flags |= Flag.AA;
  if (options.recursionAvailable) flags |= Flag.RA;
  const additionals = options.additionals ? [...options.additionals] : [];
  if (req.edns) additionals.push(replyOpt(req.edns));
  const out = dnsPacket.encode({
    id: req.id,
    type: 'response',
    flags,
    questions: [{ name: req.qnameRaw, type: req.qtypeName as DnsPacket.RecordType, class: 'IN' }],
    answers: options.answers ? [...options.answers] : [],
    authorities: options.authorities ? [...options.authorities] : [],
    additionals,
  });
  // The question's class as asked (dns-packet names only a few classes): a client drops a reply whose question differs.
  if (req.qclass !== QClass.IN) out.writeUInt16BE(req.qclass, skipName(out, HEADER_SIZE) + 2);
  return out;
}

/**
 * A header-only error reply built from the query bytes, without dns-packet:
 * ID and opcode echoed, RD and CD too for a QUERY (no flag for another
 * opcode, as BIND: they mean nothing there), the question echoed when it was
 * readable (`questionEnd` > 0), and an OPT when the query had one. BADVERS
 * goes into the OPT's extended rcode, as RFC 6891 says.
 */
export function errorReply(msg: Uint8Array, questionEnd: number, rcode: number, edns: Edns | null): Buffer {
  const qEnd = questionEnd > 0 ? questionEnd : HEADER_SIZE;
  const optLen = edns ? 11 : 0;
  const out = Buffer.allocUnsafe(qEnd + optLen);
  out.set(msg.subarray(0, qEnd), 0);
  const opcode = msg[2]! & 0x78;
  const query = opcode === 0;
  out[2] = 0x80 | opcode | (query ? msg[2]! & (Flag.RD >> 8) : 0);
  out[3] = (query ? msg[3]! & Flag.CD : 0) | (rcode & 0x0f);
  out.writeUInt16BE(questionEnd > 0 ? 1 : 0, 4);
  out.writeUInt32BE(0, 6);
  out.writeUInt16BE(edns ? 1 : 0, 10);
  if (edns) writeOpt(out, qEnd, edns, rcode >> 4);
  return out;
}

/**
 * Begins an authoritative reply to `req` from its bytes, for a plugin that
 * answers with records it holds as wire bytes (no dns-packet): the header and
 * the question as sent (letter case kept), QR and AA set, opcode, RD and CD
 * echoed, `rcode`, TC when `truncated`; ANCOUNT `answers`, NSCOUNT
 * `authorities`, and the OPT at the end with ARCOUNT 1 when the query had
 * one. The caller writes its `recordBytes` bytes of records after the question.
 */
export function beginReply(req: Request, rcode: number, answers: number, authorities: number, recordBytes: number, truncated = false): Buffer {
  const q = req.msg;
  const qEnd = req.questionEnd;
  const edns = req.edns;
  const out = Buffer.allocUnsafe(qEnd + recordBytes + (edns === null ? 0 : 11));
  // A loop beats Buffer#copy's argument checks for a header and a question's few bytes.
  for (let i = 0; i < qEnd; i++) out[i] = q[i]!;
  out[2] = 0x80 | (Flag.AA >> 8) | (truncated ? Flag.TC >> 8 : 0) | (q[2]! & 0x79);
  out[3] = (q[3]! & Flag.CD) | (rcode & 0x0f);
  out[6] = answers >> 8;
  out[7] = answers & 0xff;
  out[8] = authorities >> 8;
  out[9] = authorities & 0xff;
  out[10] = 0;
  out[11] = edns === null ? 0 : 1;
  if (edns !== null) writeOpt(out, qEnd + recordBytes, edns);
  return out;
}

/** Writes an 11-byte OPT record at `off` (byte stores: a cache hit with EDNS writes one, and writeUInt16BE checks its arguments). */
export function writeOpt(out: Buffer, off: number, edns: Edns, extendedRcode = 0): void {
  if (!(off >= 0 && off + 11 <= out.length)) throw new RangeError(`writeOpt: no room for an OPT at ${off} in ${out.length} bytes`);
  const size = Math.min(Math.max(edns.udpSize, MIN_UDP_SIZE), MAX_UDP_SIZE);
  const flags = edns.do ? EDNS_DO : 0;
  out[off] = 0;
  out[off + 1] = QType.OPT >> 8;
  out[off + 2] = QType.OPT & 0xff;
  out[off + 3] = size >> 8;
  out[off + 4] = size & 0xff;
  out[off + 5] = extendedRcode;
  out[off + 6] = 0;
  out[off + 7] = flags >> 8;
  out[off + 8] = flags & 0xff;
  out[off + 9] = 0;
  out[off + 10] = 0;
}

/**
 * Makes a kept reply the answer to `req`: `out` holds, in its first `len`
 * bytes, a reply without OPT to the same question (and has room for 11 more
 * when the query has one). The query's ID, opcode, RD and CD go in (QR set;
 * AA, TC and the rcode as built), and the query's OPT after the records.
 * Byte stores: it runs on every answer from a kept reply.
 */
export function stampReply(out: Buffer, len: number, req: Request): void {
  const q = req.msg;
  out[0] = q[0]!;
  out[1] = q[1]!;
  out[2] = 0x80 | (q[2]! & 0x79) | (out[2]! & 0x06);
  out[3] = (q[3]! & Flag.CD) | (out[3]! & 0x0f);
  const edns = req.edns;
  if (edns === null) return;
  const ar = ((out[10]! << 8) | out[11]!) + 1;
  out[10] = ar >> 8;
  out[11] = ar & 0xff;
  writeOpt(out, len, edns);
}

/** The reply's rcode from its header (the low four bits; OPT's extension is ignored). */
export function rcodeOf(msg: Uint8Array): number {
  return msg[3]! & 0x0f;
}

/** Sets the rcode in the header of an encoded message. */
export function setRcode(msg: Uint8Array, rcode: number): void {
  msg[3] = (msg[3]! & 0xf0) | (rcode & 0x0f);
}

/** Sets the ID of an encoded message. */
export function setId(msg: Uint8Array, id: number): void {
  msg[0] = id >> 8;
  msg[1] = id & 0xff;
}
