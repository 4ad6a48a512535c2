import { counts, findOpt, HEADER_SIZE, QType, skipName, skipQuestions } from '@chaindns/core';

/**
 * Puts the client's question back into the reply in place, when the reply's
 * question is the same name in the same number of bytes (a type or class
 * rewrite, or a name that came back in another letter case): no offset
 * moves, so its pointers stay right. False when the reply must be rebuilt.
 */
export function restoreQuestion(msg: Buffer, question: Uint8Array): boolean {
  if (msg.length < HEADER_SIZE + question.length || counts(msg)[0] !== 1) return false;
  const nameEnd = question.length - 4;
  for (let i = 0; i < nameEnd; i++) {
    if (lower(msg[HEADER_SIZE + i]!) !== lower(question[i]!)) return false;
  }
  msg.set(question, HEADER_SIZE);
  return true;
}

/** ASCII lowercasing of one byte (a length byte, at most 63, is never a letter). */
function lower(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
}

/** Clamps every record's TTL (the OPT's is flags, left alone) by each of `ttls` in turn; false when malformed. */
export function clampTtls(msg: Buffer, ttls: readonly { readonly min: number; readonly max: number }[]): boolean {
  const [qd, an, ns, ar] = counts(msg);
  let off = skipQuestions(msg, qd);
  for (let i = an + ns + ar; i > 0 && off >= 0; i--) {
    const t = skipName(msg, off);
    if (t < 0 || t + 10 > msg.length) return false;
    if (msg.readUInt16BE(t) !== QType.OPT) {
      let ttl = msg.readUInt32BE(t + 4);
      for (const c of ttls) ttl = ttl < c.min ? c.min : ttl > c.max ? c.max : ttl;
      msg.writeUInt32BE(ttl, t + 4);
    }
    off = t + 10 + msg.readUInt16BE(t + 8);
  }
  return off >= 0 && off <= msg.length;
}

/**
 * Applies rcode rules once each, in turn, to the reply's rcode: the header's
 * four bits and, when the reply has an OPT, its extended eight (RFC 6891).
 */
export function rewriteRcode(msg: Buffer, rules: readonly { readonly from: number; readonly to: number }[]): void {
  const opt = findOpt(msg);
  let rcode = (msg[3]! & 0x0f) | (opt >= 0 ? msg[opt + 5]! << 4 : 0);
  for (const r of rules) if (rcode === r.from) rcode = r.to;
  msg[3] = (msg[3]! & 0xf0) | (rcode & 0x0f);
  if (opt >= 0) msg[opt + 5] = rcode >> 4;
}
