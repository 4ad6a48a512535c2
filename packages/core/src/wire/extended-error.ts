import { QType } from './constants.js';

/** The EDNS0 option code of an Extended DNS Error (RFC 8914). */
const EDE = 15;

/**
 * Adds an Extended DNS Error option (RFC 8914: INFO-CODE, then EXTRA-TEXT in
 * UTF-8) to the option-less OPT record that closes `msg`, as reply() and
 * errorReply() write it for a query that had EDNS. A message without that
 * OPT (the query had none) is returned as it is.
 */
export function withExtendedError(msg: Buffer, code: number, text = ''): Buffer {
  const opt = msg.length - 11;
  if (opt < 12 || msg[opt] !== 0 || msg.readUInt16BE(opt + 1) !== QType.OPT || msg.readUInt16BE(opt + 9) !== 0) return msg;
  const extra = Buffer.from(text, 'utf8');
  const out = Buffer.alloc(msg.length + 6 + extra.length);
  msg.copy(out);
  out.writeUInt16BE(6 + extra.length, opt + 9);
  out.writeUInt16BE(EDE, msg.length);
  out.writeUInt16BE(2 + extra.length, msg.length + 2);
  out.writeUInt16BE(code, msg.length + 4);
  extra.copy(out, msg.length + 6);
  return out;
}
