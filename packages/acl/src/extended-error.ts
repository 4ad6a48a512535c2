import { QType } from '@chaindns/core';

/** The EDNS0 option code of an Extended DNS Error (RFC 8914). */
const EDE = 15;

/**
 * Adds an Extended DNS Error option (INFO-CODE, no EXTRA-TEXT) to the OPT
 * that closes `msg`, as core's errorReply writes it for a query that had
 * EDNS. A message without that OPT (the query had none) is returned as it is.
 */
export function withExtendedError(msg: Buffer, code: number): Buffer {
  const opt = msg.length - 11;
  if (opt < 12 || msg[opt] !== 0 || msg.readUInt16BE(opt + 1) !== QType.OPT || msg.readUInt16BE(opt + 9) !== 0) return msg;
  const out = Buffer.alloc(msg.length + 6);
  msg.copy(out);
  out.writeUInt16BE(6, opt + 9);
  out.writeUInt16BE(EDE, msg.length);
  out.writeUInt16BE(2, msg.length + 2);
  out.writeUInt16BE(code, msg.length + 4);
  return out;
}
