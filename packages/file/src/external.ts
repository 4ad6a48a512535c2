/**
 * The answer section of a reply that came through the server (a CNAME
 * target outside our zones), as Parts to append to ours. Names inside the
 * data of the types that may be compressed are written out whole, since the
 * records move to another message.
 */
import { layout, lowerName, QType, rcodeOf, Rcode, readName, skipName, writeNameText } from '@chaindns/core';
import { type Part, recordSet } from './message.js';

/** Where names sit in the RDATA of types whose names may be compressed: a list of fixed byte runs (>0) and names (0). */
const NAMES: Readonly<Record<number, readonly number[]>> = {
  [QType.NS]: [0],
  [QType.CNAME]: [0],
  [QType.PTR]: [0],
  [QType.DNAME]: [0],
  [QType.MX]: [2, 0],
  [QType.SRV]: [6, 0],
  [QType.SOA]: [0, 0, 20],
  [QType.RP]: [0, 0],
  [QType.AFSDB]: [2, 0],
};

const scratch = Buffer.allocUnsafe(65535);

function rdataOf(msg: Buffer, type: number, start: number, end: number): Uint8Array | null {
  const shape = NAMES[type];
  if (!shape) return msg.subarray(start, end);
  let p = start;
  let off = 0;
  for (const run of shape) {
    if (run > 0) {
      if (p + run > end) return null;
      msg.copy(scratch, off, p, p + run);
      off += run;
      p += run;
      continue;
    }
    const name = readName(msg, p);
    const next = skipName(msg, p);
    if (name === null || next < 0 || next > end) return null;
    off = writeNameText(name, '.', scratch, off);
    p = next;
  }
  return scratch.subarray(0, off);
}

/** The reply's rcode and its answer records; SERVFAIL and nothing when it does not parse. */
export function readAnswer(msg: Buffer): { rcode: number; answer: Part[] } {
  const lay = layout(msg);
  if (!lay) return { rcode: Rcode.SERVFAIL, answer: [] };
  const answer: Part[] = [];
  for (let i = 0; i < lay.an; i++) {
    const at = lay.starts[i]!;
    const owner = readName(msg, at);
    const h = skipName(msg, at);
    if (owner === null || h < 0) return { rcode: Rcode.SERVFAIL, answer: [] };
    const type = msg.readUInt16BE(h);
    const rdata = rdataOf(msg, type, h + 10, lay.starts[i + 1]!);
    if (!rdata) return { rcode: Rcode.SERVFAIL, answer: [] };
    answer.push({ owner: lowerName(owner), set: recordSet(type, msg.readUInt16BE(h + 2), msg.readUInt32BE(h + 4), rdata), covered: -1 });
  }
  return { rcode: rcodeOf(msg), answer };
}
