import { HEADER_SIZE, PluginError, QClass, QType, Rcode, type Request, skipName } from '@chaindns/core';
import * as dnsPacket from 'dns-packet';
import { equalFold } from './wire-name.js';

/**
 * A reply to a search-domain query made the answer to the client's question,
 * as CoreDNS's cnamer: the client's question (as it sent it), and, when the
 * first answer record is for another name, a CNAME from the client's name to
 * that name before it, with its TTL. The reply is decoded and encoded again
 * (dns-packet writes no compression pointers), so its question can be
 * swapped as bytes, whatever pointed into it before.
 */
export function answerTo(req: Request, msg: Buffer): Buffer {
  let out: Buffer;
  try {
    out = dnsPacket.encode(dnsPacket.decode(msg));
  } catch (err) {
    throw new PluginError('autopath', Rcode.SERVFAIL, `a search-domain reply does not decode: ${(err as Error).message}`, { cause: err });
  }
  const questionEnd = skipName(out, HEADER_SIZE) + 4;
  const question = req.msg.subarray(HEADER_SIZE, req.questionEnd);
  const parts = [out.subarray(0, HEADER_SIZE), question];
  const answers = out.readUInt16BE(6);
  if (answers > 0) {
    const ownerEnd = skipName(out, questionEnd);
    const owner = out.subarray(questionEnd, ownerEnd);
    const nameLength = req.nameEnd - HEADER_SIZE;
    if (owner.length !== nameLength || !equalFold(owner, 0, req.msg, HEADER_SIZE, nameLength)) {
      const cname = Buffer.allocUnsafe(12 + owner.length);
      // The owner: a pointer to the question's name, the client's.
      cname.writeUInt16BE(0xc000 | HEADER_SIZE, 0);
      cname.writeUInt16BE(QType.CNAME, 2);
      cname.writeUInt16BE(QClass.IN, 4);
      cname.writeUInt32BE(out.readUInt32BE(ownerEnd + 4), 6);
      cname.writeUInt16BE(owner.length, 10);
      owner.copy(cname, 12);
      parts.push(cname);
    }
  }
  parts.push(out.subarray(questionEnd));
  const reply = Buffer.concat(parts);
  reply.writeUInt16BE(answers + (parts.length === 4 ? 1 : 0), 6);
  return reply;
}
