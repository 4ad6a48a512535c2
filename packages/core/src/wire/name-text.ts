/**
 * Domain names as written in presentation text (RFC 1035 5.1): `@` for the
 * origin, names without a final dot relative to it, `\.` and `\DDD` escapes.
 */
import { labelText, lowerName } from './name.js';

const DOT = 0x2e;
const BACKSLASH = 0x5c;

/** True when the name ends with a dot that is not escaped. */
function endsWithDot(text: string): boolean {
  if (text.charCodeAt(text.length - 1) !== DOT) return false;
  let slashes = 0;
  for (let i = text.length - 2; i >= 0 && text.charCodeAt(i) === BACKSLASH; i--) slashes++;
  return slashes % 2 === 0;
}

/**
 * The absolute name `text` stands for, in presentation form with a final
 * dot: `@` is `origin`, a name without a final dot is relative to it.
 * `origin` is an FQDN (`example.org.`, `.`).
 */
export function absoluteName(text: string, origin: string): string {
  if (text === '@') return origin;
  if (endsWithDot(text)) return text;
  return origin === '.' ? `${text}.` : `${text}.${origin}`;
}

/**
 * Writes the wire form of `text` (made absolute against `origin`) at `off`
 * and returns the offset past it. Throws a RangeError on an empty or
 * over-long label, a name over 255 bytes, or a bad escape.
 */
export function writeNameText(text: string, origin: string, out: Uint8Array, off: number): number {
  const name = absoluteName(text, origin);
  if (name === '.') {
    out[off] = 0;
    return off + 1;
  }
  if (name.charCodeAt(0) === DOT) throw new RangeError(`empty label in "${text}"`);
  const start = off;
  let lenAt = off++;
  let len = 0;
  for (let i = 0; i < name.length; i++) {
    let c = name.charCodeAt(i);
    if (c === DOT) {
      if (len === 0) throw new RangeError(`empty label in "${text}"`);
      out[lenAt] = len;
      lenAt = off++;
      len = 0;
      if (off - start > 255) throw new RangeError(`name "${text}" is longer than 255 bytes`);
      continue;
    }
    if (c === BACKSLASH) {
      const d = name.charCodeAt(i + 1);
      if (d >= 0x30 && d <= 0x39) {
        const ddd = name.slice(i + 1, i + 4);
        if (!/^\d{3}$/.test(ddd) || Number(ddd) > 255) throw new RangeError(`bad escape "\\${ddd}" in "${text}"`);
        c = Number(ddd);
        i += 3;
      } else if (i + 1 < name.length) {
        c = d;
        i++;
      } else {
        throw new RangeError(`"${text}" ends in a backslash`);
      }
    }
    if (c > 0xff) throw new RangeError(`"${text}" holds a character that is not one byte`);
    if (++len > 63) throw new RangeError(`a label of "${text}" is longer than 63 bytes`);
    out[off++] = c;
  }
  // The final dot closed the last label: its length slot is the root's zero.
  out[lenAt] = 0;
  if (off - start > 255) throw new RangeError(`name "${text}" is longer than 255 bytes`);
  return off;
}

/**
 * The checks writeNameText makes, for an absolute name without escapes: one
 * scan, no bytes written. True when the name has capitals to lower.
 */
function checkPlainName(name: string, text: string): boolean {
  if (name === '.') return false;
  if (name.length > 254) throw new RangeError(`name "${text}" is longer than 255 bytes`);
  let start = 0;
  let upper = false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c !== DOT) {
      upper ||= c >= 0x41 && c <= 0x5a;
      continue;
    }
    if (i === start) throw new RangeError(`empty label in "${text}"`);
    if (i - start > 63) throw new RangeError(`a label of "${text}" is longer than 63 bytes`);
    start = i + 1;
  }
  return upper;
}

const scratch = new Uint8Array(256);

/**
 * The name as a lookup key: absolute, lowercased, escapes in the one form a
 * query's name takes (`Request.qname`): `a\046b` and `a\.b` are one name.
 */
export function canonicalName(text: string, origin = '.'): string {
  const name = absoluteName(text, origin);
  if (!name.includes('\\')) return checkPlainName(name, text) ? lowerName(name) : name;
  const end = writeNameText(name, '.', scratch, 0);
  let out = '';
  for (let off = 0; off < end - 1; off += scratch[off]! + 1) out += labelText(scratch, off + 1, off + 1 + scratch[off]!) + '.';
  return lowerName(out === '' ? '.' : out);
}
