import { HEADER_SIZE, QType } from './constants.js';
import { skipName } from './name.js';

/** Reads the 16-bit counts of the header: question, answer, authority, additional. */
export function counts(buf: Uint8Array): [number, number, number, number] {
  return [
    (buf[4]! << 8) | buf[5]!,
    (buf[6]! << 8) | buf[7]!,
    (buf[8]! << 8) | buf[9]!,
    (buf[10]! << 8) | buf[11]!,
  ];
}

/** The offset just past the question section, or -1 when malformed. */
export function skipQuestions(buf: Uint8Array, qdcount: number): number {
  let off = HEADER_SIZE;
  for (let i = 0; i < qdcount; i++) {
    off = skipName(buf, off);
    if (off < 0 || off + 4 > buf.length) return -1;
    off += 4;
  }
  return off;
}

/** The offset just past the resource record at `off`, or -1 when malformed. */
export function skipRR(buf: Uint8Array, off: number): number {
  off = skipName(buf, off);
  if (off < 0 || off + 10 > buf.length) return -1;
  const end = off + 10 + ((buf[off + 8]! << 8) | buf[off + 9]!);
  return end <= buf.length ? end : -1;
}

/** The RR type at `off` (the start of a record). */
export function rrType(buf: Uint8Array, off: number): number {
  const t = skipName(buf, off);
  return (buf[t]! << 8) | buf[t + 1]!;
}

/**
 * Where each record of a message starts, plus the end: `starts[i]` for
 * record i in answer, authority, additional order; `starts[total]` is the
 * end of the last. Null when malformed.
 */
export interface Layout {
  readonly questionEnd: number;
  readonly an: number;
  readonly ns: number;
  readonly ar: number;
  readonly starts: Uint32Array;
}

export function layout(buf: Uint8Array): Layout | null {
  if (buf.length < HEADER_SIZE) return null;
  const [qd, an, ns, ar] = counts(buf);
  const questionEnd = skipQuestions(buf, qd);
  if (questionEnd < 0) return null;
  const total = an + ns + ar;
  const starts = new Uint32Array(total + 1);
  let off = questionEnd;
  for (let i = 0; i < total; i++) {
    starts[i] = off;
    off = skipRR(buf, off);
    if (off < 0) return null;
  }
  starts[total] = off;
  return { questionEnd, an, ns, ar, starts };
}

/**
 * The offset of the OPT record in the additional section, -1 when there is
 * none, -2 when the message is malformed. Cheap when ARCOUNT is 0.
 */
export function findOpt(buf: Uint8Array): number {
  const [qd, an, ns, ar] = counts(buf);
  if (ar === 0) return -1;
  let off = skipQuestions(buf, qd);
  for (let i = 0; off >= 0 && i < an + ns; i++) off = skipRR(buf, off);
  for (let i = 0; off >= 0 && i < ar; i++) {
    const start = off;
    off = skipRR(buf, off);
    if (off >= 0 && buf[start] === 0 && ((buf[start + 1]! << 8) | buf[start + 2]!) === QType.OPT) return start;
  }
  return off < 0 ? -2 : -1;
}
