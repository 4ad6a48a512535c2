/**
 * Reading the fields of one record's RDATA from presentation tokens and
 * writing their wire form: numbers, addresses, character strings, base64,
 * hex, base32hex, times and type bitmaps. Each reader throws a RangeError
 * that says what was expected.
 */
import { parseIPv6 } from '../ipv6.js';
import { writeNameText } from './name-text.js';
import { typeFromText } from './type-text.js';

const BACKSLASH = 0x5c;
const QUOTE = 0x22;

/** The RDATA tokens of one record, read left to right, written into `out`. */
export class RdataFields {
  off: number;
  private i: number;

  constructor(
    private tokens: readonly string[],
    start: number,
    public origin: string,
    public out: Uint8Array,
    off: number,
  ) {
    this.i = start;
    this.off = off;
  }

  /** Points the reader at another record (one reader serves a whole file). */
  reset(tokens: readonly string[], start: number, origin: string, out: Uint8Array, off: number): this {
    this.tokens = tokens;
    this.i = start;
    this.origin = origin;
    this.out = out;
    this.off = off;
    return this;
  }

  get left(): number {
    return this.tokens.length - this.i;
  }

  /** The next token; `what` names it in the error when there is none. */
  take(what: string): string {
    const t = this.tokens[this.i++];
    if (t === undefined) throw new RangeError(`missing ${what}`);
    return t;
  }

  /** Every token left, joined (base64 and hex may be split by blanks). */
  rest(what: string): string {
    if (this.i >= this.tokens.length) throw new RangeError(`missing ${what}`);
    const s = this.tokens.slice(this.i).join('');
    this.i = this.tokens.length;
    return s;
  }

  /** Fails when tokens are left over. */
  end(): number {
    if (this.i < this.tokens.length) throw new RangeError(`unexpected "${this.tokens[this.i]}" after the record's data`);
    return this.off;
  }

  private room(n: number): void {
    if (this.off + n > this.out.length) throw new RangeError('record data longer than 65535 bytes');
  }

  u8(what: string, value = uint(this.take(what), 0xff, what)): void {
    this.room(1);
    this.out[this.off++] = value;
  }

  u16(what: string, value = uint(this.take(what), 0xffff, what)): void {
    this.room(2);
    this.out[this.off++] = value >>> 8;
    this.out[this.off++] = value & 0xff;
  }

  u32(what: string, value = uint(this.take(what), 0xffffffff, what)): void {
    this.room(4);
    this.out[this.off++] = value >>> 24;
    this.out[this.off++] = (value >>> 16) & 0xff;
    this.out[this.off++] = (value >>> 8) & 0xff;
    this.out[this.off++] = value & 0xff;
  }

  name(what: string): void {
    const text = this.take(what);
    if (text.charCodeAt(0) === QUOTE) throw new RangeError(`${what}: a name cannot be quoted, got ${text}`);
    this.room(Math.min(256, this.out.length - this.off));
    this.off = writeNameText(text, this.origin, this.out, this.off);
  }

  /** One <character-string>: a length byte, then its bytes. */
  charString(what: string, text = this.take(what)): void {
    const start = this.off++;
    this.raw(what, text);
    const len = this.off - start - 1;
    if (len > 255) throw new RangeError(`${what} is longer than 255 bytes`);
    this.out[start] = len;
  }

  /** A token's bytes, quotes removed and escapes resolved, without a length. */
  raw(what: string, text = this.take(what)): void {
    const quoted = text.charCodeAt(0) === QUOTE;
    const end = quoted ? text.length - 1 : text.length;
    for (let i = quoted ? 1 : 0; i < end; i++) {
      let c = text.charCodeAt(i);
      if (c === BACKSLASH) {
        const ddd = text.slice(i + 1, i + 4);
        if (/^\d{3}$/.test(ddd)) {
          c = Number(ddd);
          if (c > 255) throw new RangeError(`${what}: bad escape \\${ddd}`);
          i += 3;
        } else {
          c = text.charCodeAt(++i);
          if (Number.isNaN(c)) throw new RangeError(`${what} ends in a backslash`);
        }
      }
      this.room(1);
      this.out[this.off++] = c & 0xff;
    }
  }

  bytes(data: Uint8Array): void {
    this.room(data.length);
    this.out.set(data, this.off);
    this.off += data.length;
  }

  /** A dotted quad, written as it is read (a zone of a million A records reads a million). */
  ipv4(what: string): void {
    const text = this.take(what);
    this.room(4);
    const out = this.out;
    let part = 0;
    let value = 0;
    let digits = 0;
    for (let i = 0; i <= text.length; i++) {
      const c = i < text.length ? text.charCodeAt(i) : 0x2e;
      if (c >= 0x30 && c <= 0x39 && digits < 3) {
        value = value * 10 + (c - 0x30);
        digits++;
      } else if (c === 0x2e && digits > 0 && value <= 255 && part < 4) {
        out[this.off + part++] = value;
        value = 0;
        digits = 0;
      } else {
        part = -1;
        break;
      }
    }
    if (part !== 4) throw new RangeError(`${what}: "${text}" is not an IPv4 address`);
    this.off += 4;
  }

  ipv6(what: string): void {
    this.bytes(ipv6Field(this.take(what), what));
  }

  base64(what: string, text = this.rest(what)): void {
    this.bytes(base64(text, what));
  }

  hex(what: string, text = this.rest(what)): void {
    this.bytes(hex(text, what));
  }

  /** An RRSIG time: YYYYMMDDHHmmSS (UTC), or seconds as a plain number. */
  time(what: string): void {
    const t = this.take(what);
    if (/^\d{14}$/.test(t)) {
      const ms = Date.UTC(+t.slice(0, 4), +t.slice(4, 6) - 1, +t.slice(6, 8), +t.slice(8, 10), +t.slice(10, 12), +t.slice(12, 14));
      // Serial number arithmetic (RFC 4034 3.1.5): the time modulo 2^32.
      this.u32(what, Math.floor(ms / 1000) % 2 ** 32);
    } else {
      this.u32(what, uint(t, 0xffffffff, what));
    }
  }

  /** The NSEC type bitmap (RFC 4034 4.1.2) of every token left. */
  typeBitmap(): void {
    const types = new Set<number>();
    while (this.left > 0) {
      const t = this.take('type');
      const type = typeFromText(t);
      if (type === undefined) throw new RangeError(`unknown type "${t}" in the type bitmap`);
      types.add(type);
    }
    const sorted = [...types].sort((a, b) => a - b);
    for (let k = 0; k < sorted.length; ) {
      const window = sorted[k]! >> 8;
      const bits = new Uint8Array(32);
      let last = 0;
      for (; k < sorted.length && sorted[k]! >> 8 === window; k++) {
        const low = sorted[k]! & 0xff;
        bits[low >> 3]! |= 0x80 >> (low & 7);
        last = low >> 3;
      }
      this.u8('window', window);
      this.u8('length', last + 1);
      this.bytes(bits.subarray(0, last + 1));
    }
  }
}

/** An unsigned integer no larger than `max`. */
export function uint(text: string, max: number, what: string): number {
  if (!/^\d+$/.test(text) || Number(text) > max) throw new RangeError(`${what}: expected a number from 0 to ${max}, got "${text}"`);
  return Number(text);
}

export function parseIPv4(text: string, what: string): Uint8Array {
  const parts = text.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) throw new RangeError(`${what}: "${text}" is not an IPv4 address`);
  return Uint8Array.from(parts, Number);
}

/** An IPv6 address of a record's text (AAAA, ipv6hint), read as Go reads it (parseIPv6). */
export function ipv6Field(text: string, what: string): Uint8Array {
  const bytes = parseIPv6(text);
  if (!bytes) throw new RangeError(`${what}: "${text}" is not an IPv6 address`);
  return bytes;
}

export function base64(text: string, what: string): Uint8Array {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 === 1) throw new RangeError(`${what}: not base64`);
  return Buffer.from(text, 'base64');
}

export function hex(text: string, what: string): Uint8Array {
  if (!/^[0-9a-fA-F]*$/.test(text) || text.length % 2 === 1) throw new RangeError(`${what}: not hex`);
  return Buffer.from(text, 'hex');
}

const BASE32HEX = '0123456789ABCDEFGHIJKLMNOPQRSTUV';

/** RFC 4648 base32 with the extended hex alphabet, no padding (NSEC3's next hashed owner). */
export function base32hex(text: string, what: string): Uint8Array {
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of text.toUpperCase()) {
    const v = BASE32HEX.indexOf(ch);
    if (v < 0) throw new RangeError(`${what}: not base32hex`);
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >> bits) & 0xff);
    }
  }
  return Uint8Array.from(out);
}
