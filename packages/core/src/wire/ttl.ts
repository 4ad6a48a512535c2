import { QType } from './constants.js';
import { skipName } from './name.js';
import { counts, skipQuestions } from './sections.js';

/**
 * Lowers every record's TTL by `elapsed` seconds (not below 0), in place,
 * for answers served from stored bytes. The OPT's TTL field holds flags and
 * is left alone. Returns false when the message is malformed.
 */
export function decrementTtls(msg: Uint8Array, elapsed: number): boolean {
  const [qd, an, ns, ar] = counts(msg);
  let off = skipQuestions(msg, qd);
  const view = new DataView(msg.buffer, msg.byteOffset, msg.byteLength);
  for (let i = an + ns + ar; i > 0 && off >= 0; i--) {
    const t = skipName(msg, off);
    if (t < 0 || t + 10 > msg.length) return false;
    if (view.getUint16(t) !== QType.OPT && elapsed > 0) {
      const ttl = view.getUint32(t + 4);
      view.setUint32(t + 4, ttl > elapsed ? ttl - elapsed : 0);
    }
    off = t + 10 + view.getUint16(t + 8);
  }
  return off >= 0 && off <= msg.length;
}

/**
 * The smallest TTL among the records of the given sections (answer,
 * authority, additional; the OPT excluded), or null when there is none.
 */
export function minTtl(msg: Uint8Array, sections: { answer?: boolean; authority?: boolean; additional?: boolean } = { answer: true, authority: true, additional: true }): number | null {
  const [qd, an, ns, ar] = counts(msg);
  let off = skipQuestions(msg, qd);
  const view = new DataView(msg.buffer, msg.byteOffset, msg.byteLength);
  let min: number | null = null;
  for (let i = 0; i < an + ns + ar && off >= 0; i++) {
    const t = skipName(msg, off);
    if (t < 0 || t + 10 > msg.length) return min;
    const wanted = i < an ? sections.answer : i < an + ns ? sections.authority : sections.additional;
    if (wanted && view.getUint16(t) !== QType.OPT) {
      const ttl = view.getUint32(t + 4);
      if (min === null || ttl < min) min = ttl;
    }
    off = t + 10 + view.getUint16(t + 8);
  }
  return min;
}
