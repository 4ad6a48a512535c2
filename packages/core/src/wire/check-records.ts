import { QType } from './constants.js';
import { skipCheckedName } from './name.js';

/** checkRecords found no OPT record. */
const NO_OPT = -1;
/** checkRecords found the message malformed: FORMERR. */
export const MALFORMED = -2;

/**
 * Checks the records after a query's question without decoding them, as
 * miekg/dns (CoreDNS's parser) would fail on them: every owner name (its
 * compression pointers followed, so a loop or a pointer out of the message is
 * caught), every record inside the message, an OPT record only in the
 * additional section and only one (RFC 6891 6.1.1), its RDATA whole options.
 * Other RDATA is skipped unread. Returns where the OPT record's fields start
 * (its TYPE, past the owner name), NO_OPT or MALFORMED.
 *
 * What miekg/dns tolerates passes: bytes after the last record are ignored,
 * and a message that ends at a record boundary before its counts say has the
 * records it has; its counts are corrected in place ("the header counts might
 * have been wrong"), so nothing later reads past its end.
 */
export function checkRecords(msg: Uint8Array, questionEnd: number, an: number, ns: number, ar: number): number {
  let opt = NO_OPT;
  let off = questionEnd;
  for (let i = 0; i < an + ns + ar; i++) {
    if (off === msg.length) {
      correctCounts(msg, i, an, ns);
      break;
    }
    // The root, an OPT's owner, is the usual name here: one byte, nothing to follow.
    off = msg[off] === 0 ? off + 1 : skipCheckedName(msg, off);
    if (off < 0 || off + 10 > msg.length) return MALFORMED;
    const end = off + 10 + ((msg[off + 8]! << 8) | msg[off + 9]!);
    if (end > msg.length) return MALFORMED;
    if (((msg[off]! << 8) | msg[off + 1]!) === QType.OPT) {
      if (i < an + ns || opt !== NO_OPT || !wholeOptions(msg, off + 10, end)) return MALFORMED;
      opt = off;
    }
    off = end;
  }
  return opt;
}

/** True when the OPT RDATA `[off, end)` is a run of whole options: code, length, data. */
function wholeOptions(msg: Uint8Array, off: number, end: number): boolean {
  while (off < end) {
    if (off + 4 > end) return false;
    off += 4 + ((msg[off + 2]! << 8) | msg[off + 3]!);
  }
  return off === end;
}

/** Sets the header counts to the `present` records there are, section by section. */
function correctCounts(msg: Uint8Array, present: number, an: number, ns: number): void {
  const answers = Math.min(present, an);
  const authority = Math.min(present - answers, ns);
  const additional = present - answers - authority;
  for (const [at, count] of [[6, answers], [8, authority], [10, additional]] as const) {
    msg[at] = count >> 8;
    msg[at + 1] = count & 0xff;
  }
}
