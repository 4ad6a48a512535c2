import { readName } from '@chaindns/core';

/**
 * Names between presentation text (what rules match and build) and wire
 * labels, written into the caller's buffer: a rewritten reply turns a few
 * names each way, and neither direction should cost an allocation beyond
 * the string.
 */

const MAX_NAME = 255;

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

/**
 * Encodes `text` (`web.example.com.`, escapes `\.` and `\DDD` allowed, the
 * final dot optional) into `dst` from 0: labels and the root's zero. Its
 * length, or -1 when it is not a legal name (an empty label, a label over 63
 * bytes, over 255 in all), as miekg/dns's IsDomainName refuses.
 */
export function encodeText(text: string, dst: Uint8Array): number {
  if (text === '.') {
    dst[0] = 0;
    return 1;
  }
  let head = 0; // where the current label's length goes
  let out = 1;
  let label = 0;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c === 0x2e) {
      if (label === 0) return -1;
      dst[head] = label;
      head = out++;
      label = 0;
      continue;
    }
    if (c === 0x5c) {
      if (i + 3 < text.length && isDigit(text.charCodeAt(i + 1)) && isDigit(text.charCodeAt(i + 2)) && isDigit(text.charCodeAt(i + 3))) {
        c = Number(text.slice(i + 1, i + 4));
        i += 3;
      } else if (i + 1 < text.length) {
        c = text.charCodeAt(++i);
      } else {
        return -1;
      }
    }
    if (c > 0xff || ++label > 63 || out >= MAX_NAME) return -1;
    dst[out++] = c;
  }
  if (label > 0) {
    dst[head] = label;
    head = out;
  }
  if (head === 0 || head >= MAX_NAME) return -1;
  dst[head] = 0;
  return head + 1;
}

/** True for a label byte that presentation form writes as it is (as core's reader decides). */
const plain = (c: number): boolean => c > 0x20 && c < 0x7f && c !== 0x2e && c !== 0x5c && c !== 0x22 && c !== 0x28 && c !== 0x29 && c !== 0x3b;

const text = Buffer.allocUnsafe(MAX_NAME);

/**
 * The presentation form of the uncompressed name `src[0, len)`, final dot
 * included: one copy and one string when every byte is plain (the usual
 * case), core's reader (escapes) otherwise.
 */
export function wireText(src: Uint8Array, len: number): string {
  if (len <= 1) return '.';
  // Every length byte after the first, and the root's zero, becomes a dot.
  for (let w = 1, next = src[0]! + 1; w < len; w++) {
    const c = src[w]!;
    if (w === next) {
      text[w - 1] = 0x2e;
      next += c + 1;
    } else if (plain(c)) {
      text[w - 1] = c;
    } else {
      return readName(src, 0)!;
    }
  }
  return Buffer.prototype.latin1Slice.call(text, 0, len - 1) as string;
}
