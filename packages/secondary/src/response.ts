/**
 * Reads the records of a primary's answers (SOA, AXFR, IXFR) with every name
 * written out whole: the zone stores uncompressed RDATA and compresses its
 * own replies. RFC 3597 section 4 lists the types whose RDATA names a sender
 * may compress; those are expanded, any other RDATA is copied as it is.
 */
import { lowerName, Opcode, QType, Rcode, rcodeName, readName, skipName, skipQuestions } from '@chaindns/core';

/** A transfer that failed: the primary's rcode, a malformed message, the wrong data. */
export class TransferError extends Error {
  constructor(
    message: string,
    /** The primary's rcode, when it answered with an error. */
    readonly rcode: number | null = null,
  ) {
    super(message);
    this.name = 'TransferError';
  }
}

/** Called with each record: its owner (lowercased), type, class, TTL and RDATA `rdata[0, len)`, valid during the call only. */
export type RecordVisitor = (owner: string, type: number, klass: number, ttl: number, rdata: Buffer, len: number) => void;

/** A field of RDATA: fixed bytes, a domain name, three character-strings (NAPTR's), or the rest as it is. */
type Field = number | 'name' | 'strings' | 'rest';

const NAME: readonly Field[] = ['name'];
const LAYOUTS = new Map<number, readonly Field[]>([
  [QType.NS, NAME],
  [3 /* MD */, NAME],
  [4 /* MF */, NAME],
  [QType.CNAME, NAME],
  [7 /* MB */, NAME],
  [8 /* MG */, NAME],
  [9 /* MR */, NAME],
  [QType.PTR, NAME],
  [QType.DNAME, NAME],
  [QType.SOA, ['name', 'name', 20]],
  [14 /* MINFO */, ['name', 'name']],
  [17 /* RP */, ['name', 'name']],
  [QType.MX, [2, 'name']],
  [18 /* AFSDB */, [2, 'name']],
  [21 /* RT */, [2, 'name']],
  [36 /* KX */, [2, 'name']],
  [26 /* PX */, [2, 'name', 'name']],
  [QType.SRV, [6, 'name']],
  [QType.NAPTR, [4, 'strings', 'name']],
  [24 /* SIG */, [18, 'name', 'rest']],
  [QType.RRSIG, [18, 'name', 'rest']],
  [30 /* NXT */, ['name', 'rest']],
  [QType.NSEC, ['name', 'rest']],
]);

/** RDATA is at most 65535 bytes; written out, its names may grow it by a few hundred. */
const rdata = Buffer.allocUnsafe(65535 + 4 * 255);
const MAX_POINTERS = 126;

const malformed = (): never => {
  throw new TransferError('malformed record in the answer');
};

/** Writes the name at `msg[off]` to `rdata[o]` without compression; returns the offset past it in `rdata`. */
function expandName(msg: Buffer, off: number, o: number): number {
  const start = o;
  for (let jumps = 0; ; ) {
    if (off >= msg.length) malformed();
    const b = msg[off]!;
    if (b === 0) {
      rdata[o++] = 0;
      return o;
    }
    if ((b & 0xc0) === 0xc0) {
      if (off + 1 >= msg.length || ++jumps > MAX_POINTERS) malformed();
      off = ((b & 0x3f) << 8) | msg[off + 1]!;
      continue;
    }
    if (b & 0xc0 || off + 1 + b > msg.length || o - start + b + 2 > 255) malformed();
    msg.copy(rdata, o, off, off + b + 1);
    o += b + 1;
    off += b + 1;
  }
}

/** RDATA `msg[off, end)` of `type` into the scratch buffer, its names expanded; returns its length. */
function expandRdata(msg: Buffer, off: number, end: number, type: number): number {
  const layout = LAYOUTS.get(type);
  if (layout === undefined) {
    msg.copy(rdata, 0, off, end);
    return end - off;
  }
  let o = 0;
  for (const field of layout) {
    if (field === 'name') {
      o = expandName(msg, off, o);
      off = skipName(msg, off);
      if (off < 0 || off > end) malformed();
    } else if (field === 'strings') {
      let p = off;
      for (let i = 0; i < 3; i++) p += 1 + (p < end ? msg[p]! : malformed());
      if (p > end) malformed();
      msg.copy(rdata, o, off, p);
      o += p - off;
      off = p;
    } else if (field === 'rest') {
      msg.copy(rdata, o, off, end);
      o += end - off;
      off = end;
    } else {
      if (off + field > end) malformed();
      msg.copy(rdata, o, off, off + field);
      o += field;
      off += field;
    }
  }
  if (off !== end) malformed();
  return o;
}

/**
 * Checks that `msg` answers the query with this ID (a response, NOERROR,
 * not truncated) and visits its answer records. Throws TransferError.
 */
export function readAnswers(msg: Buffer, id: number, visit: RecordVisitor): void {
  if (msg.length < 12 || msg.readUInt16BE(0) !== id || !(msg[2]! & 0x80) || ((msg[2]! >> 3) & 0x0f) !== Opcode.QUERY) {
    throw new TransferError('the answer does not match the query');
  }
  const rcode = msg[3]! & 0x0f;
  if (rcode !== Rcode.NOERROR) throw new TransferError(`the primary answered ${rcodeName(rcode)}`, rcode);
  if (msg[2]! & 0x02) throw new TransferError('the answer is truncated');
  let off = skipQuestions(msg, msg.readUInt16BE(4));
  if (off < 0) malformed();
  for (let i = 0, n = msg.readUInt16BE(6); i < n; i++) {
    const owner = readName(msg, off);
    off = skipName(msg, off);
    if (owner === null || off < 0 || off + 10 > msg.length) malformed();
    const type = msg.readUInt16BE(off);
    const klass = msg.readUInt16BE(off + 2);
    const ttl = msg.readUInt32BE(off + 4);
    const end = off + 10 + msg.readUInt16BE(off + 8);
    if (end > msg.length) malformed();
    const len = expandRdata(msg, off + 10, end, type);
    visit(lowerName(owner!), type, klass, ttl, rdata, len);
    off = end;
  }
}
