import { type Edns, findOpt, skipName, writeOpt } from '@chaindns/core';

/** The EDNS option code of NSID (RFC 5001). */
export const NSID = 3;

/** Where the RDLENGTH and the RDATA's end are of the OPT record whose fields (TYPE on) start at `fields`. */
function optRdata(msg: Uint8Array, fields: number): { rdlen: number; end: number } {
  const rdlen = fields + 8;
  return { rdlen, end: rdlen + 2 + ((msg[rdlen]! << 8) | msg[rdlen + 1]!) };
}

/** Whether the OPT record whose fields start at `fields` (a Request's `optAt`) carries an option with `code`. */
export function hasOption(msg: Uint8Array, fields: number, code: number): boolean {
  const { rdlen, end } = optRdata(msg, fields);
  for (let off = rdlen + 2; off + 4 <= end; off += 4 + ((msg[off + 2]! << 8) | msg[off + 3]!)) {
    if (((msg[off]! << 8) | msg[off + 1]!) === code) return true;
  }
  return false;
}

/**
 * `msg` with the option `code` set to `data` in its OPT record (any earlier
 * one replaced); without an OPT, one answering `edns` is added first.
 * A malformed message comes back unchanged.
 */
export function setOption(msg: Buffer, code: number, data: Buffer, edns: Edns): Buffer {
  let opt = findOpt(msg);
  if (opt === -2) return msg;
  if (opt === -1) {
    const withOpt = Buffer.allocUnsafe(msg.length + 11);
    msg.copy(withOpt);
    writeOpt(withOpt, msg.length, edns);
    withOpt.writeUInt16BE(withOpt.readUInt16BE(10) + 1, 10);
    opt = msg.length;
    msg = withOpt;
  }
  const { rdlen, end } = optRdata(msg, skipName(msg, opt));
  // The options kept, in order, then ours.
  const kept: Buffer[] = [];
  for (let off = rdlen + 2; off + 4 <= end; ) {
    const next = off + 4 + ((msg[off + 2]! << 8) | msg[off + 3]!);
    if (next > end) return msg;
    if (((msg[off]! << 8) | msg[off + 1]!) !== code) kept.push(msg.subarray(off, next));
    off = next;
  }
  const option = Buffer.allocUnsafe(4 + data.length);
  option.writeUInt16BE(code, 0);
  option.writeUInt16BE(data.length, 2);
  data.copy(option, 4);
  const out = Buffer.concat([msg.subarray(0, rdlen + 2), ...kept, option, msg.subarray(end)]);
  out.writeUInt16BE(out.length - (rdlen + 2) - (msg.length - end), rdlen);
  return out;
}
