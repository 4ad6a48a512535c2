/** Wire-format names: skip, read and decode labels straight from the bytes. */

const MAX_NAME = 255;
/** Pointers followed in one name before it counts as a loop: miekg/dns's limit, (255 + 1) / 2 - 2. */
const MAX_POINTERS = 126;

/** The offset just past the name at `off` (a pointer ends it), or -1 when it is malformed. */
export function skipName(buf: Uint8Array, off: number): number {
  let len = 0;
  for (;;) {
    if (off >= buf.length) return -1;
    const b = buf[off]!;
    if (b === 0) return off + 1;
    if ((b & 0xc0) === 0xc0) return off + 2 <= buf.length ? off + 2 : -1;
    if (b & 0xc0) return -1;
    len += b + 1;
    if (len > MAX_NAME) return -1;
    off += b + 1;
  }
}

/**
 * The offset just past the name at `off`, or -1 when it is malformed, as
 * miekg/dns (CoreDNS's parser) reads names: it follows compression pointers to
 * check where they lead (inside the message, at most 126 of them, so a loop
 * ends), takes labels of the normal type only, and at most 255 octets in all.
 * A name without a pointer costs what skipName costs.
 */
export function skipCheckedName(buf: Uint8Array, off: number): number {
  let len = 0;
  let end = -1;
  let jumps = 0;
  for (;;) {
    if (off >= buf.length) return -1;
    const b = buf[off]!;
    if (b === 0) return end < 0 ? off + 1 : end;
    if (b < 0x40) {
      len += b + 1;
      if (len >= MAX_NAME) return -1; // the root's octet makes 256
      off += b + 1;
    } else if (b >= 0xc0) {
      if (off + 1 >= buf.length || ++jumps > MAX_POINTERS) return -1;
      if (end < 0) end = off + 2;
      off = ((b & 0x3f) << 8) | buf[off + 1]!;
    } else {
      return -1; // 0x40 and 0x80: label types no one uses
    }
  }
}

/** True for a label byte that presentation form writes as it is (printable, not special). */
export function isPlain(c: number): boolean {
  return c > 0x20 && c < 0x7f && c !== 0x2e && c !== 0x5c && c !== 0x22 && c !== 0x28 && c !== 0x29 && c !== 0x3b;
}

/** Presentation form of one label: printable ASCII kept, dots, backslashes and the rest escaped. */
export function labelText(buf: Uint8Array, start: number, end: number): string {
  let plain = true;
  for (let i = start; i < end && plain; i++) plain = isPlain(buf[i]!);
  if (plain) return Buffer.prototype.latin1Slice.call(buf, start, end) as string;
  let s = '';
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    if (c <= 0x20 || c >= 0x7f) s += '\\' + String(c).padStart(3, '0');
    else s += (isPlain(c) ? '' : '\\') + String.fromCharCode(c);
  }
  return s;
}

/**
 * Reads the name at `off`, following compression pointers, as an FQDN in
 * presentation form (`example.org.`, root `.`). Returns null when malformed.
 */
export function readName(buf: Uint8Array, off: number): string | null {
  let name = '';
  let total = 0;
  let jumps = 0;
  for (;;) {
    if (off >= buf.length) return null;
    const b = buf[off]!;
    if (b === 0) return name === '' ? '.' : name;
    if ((b & 0xc0) === 0xc0) {
      if (off + 1 >= buf.length || ++jumps > MAX_POINTERS) return null;
      off = ((b & 0x3f) << 8) | buf[off + 1]!;
      continue;
    }
    if (b & 0xc0) return null;
    total += b + 1;
    if (total > MAX_NAME || off + 1 + b > buf.length) return null;
    name += labelText(buf, off + 1, off + 1 + b) + '.';
    off += b + 1;
  }
}

/** ASCII-only lowercasing, as DNS compares names (RFC 4343); other bytes stay as they are. */
export function lowerName(name: string): string {
  // A scan beats a regular expression's test on a name without capitals (the usual case).
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) return name.replace(/[A-Z]+/g, (s) => s.toLowerCase());
  }
  return name;
}

/** Encodes an FQDN (presentation form, escapes allowed) into wire labels. */
export function encodeName(name: string): Buffer {
  if (name === '.' || name === '') return Buffer.from([0]);
  const labels = splitLabels(name);
  const out: number[] = [];
  for (const label of labels) {
    if (label.length === 0 || label.length > 63) throw new RangeError(`bad label in name ${name}`);
    out.push(label.length, ...label);
  }
  out.push(0);
  if (out.length > MAX_NAME) throw new RangeError(`name too long: ${name}`);
  return Buffer.from(out);
}

function splitLabels(name: string): number[][] {
  const labels: number[][] = [];
  let cur: number[] = [];
  for (let i = 0; i < name.length; i++) {
    const ch = name.charCodeAt(i);
    if (ch === 0x5c) {
      const digits = name.slice(i + 1, i + 4);
      if (/^\d{3}$/.test(digits)) {
        cur.push(Number(digits));
        i += 3;
      } else {
        cur.push(name.charCodeAt(++i));
      }
    } else if (ch === 0x2e) {
      labels.push(cur);
      cur = [];
    } else {
      cur.push(ch);
    }
  }
  if (cur.length) labels.push(cur);
  return labels;
}
