// Names as the table keeps and compares them: lowercased wire bytes, hashed
// with FNV-1a, so a query is looked up from its own bytes without a string.

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** ASCII letters folded, as DNS compares names (RFC 4343). */
export function lower(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
}

/** FNV-1a of `buf[start, end)` with ASCII letters folded, continuing from `h`; cut to 30 bits, a small integer. */
export function hashBytes(buf: Uint8Array, start: number, end: number, h: number = FNV_OFFSET): number {
  for (let i = start; i < end; i++) h = Math.imul(h ^ lower(buf[i]!), FNV_PRIME);
  return h & 0x3fffffff;
}

/** The hash state after a `*` label (`\x01*`), for looking up the wildcard that covers a name. */
export const STAR_SEED = Math.imul(Math.imul(FNV_OFFSET ^ 1, FNV_PRIME) ^ 0x2a, FNV_PRIME);

/** True when `buf[start, end)` is, ASCII case aside, `stored[at, at + end - start)` (stored lowercased). */
export function sameBytes(stored: Uint8Array, at: number, buf: Uint8Array, start: number, end: number): boolean {
  for (let i = start, j = at; i < end; i++, j++) if (stored[j] !== lower(buf[i]!)) return false;
  return true;
}

/**
 * Writes `text[start, end)`, a host name (dots between labels, a final dot or not), as
 * lowercased wire labels at `out[off]`; returns the length written, or -1
 * when it is no name a query could ask for: an empty label, a label over 63
 * bytes, a name over 255, a byte a query's name shows escaped (controls,
 * space, non-ASCII, `\ " ( ) ;`). `out` needs 256 bytes of room at `off`.
 */
export function writeHostName(text: string, start: number, end: number, out: Uint8Array, off: number): number {
  if (end - start === 1 && text.charCodeAt(start) === 0x2e) {
    out[off] = 0;
    return 1;
  }
  let lengthAt = off;
  let label = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2e) {
      if (label === 0) return -1;
      out[lengthAt] = label;
      lengthAt += label + 1;
      label = 0;
    } else {
      if (c <= 0x20 || c >= 0x7f || c === 0x5c || c === 0x22 || c === 0x28 || c === 0x29 || c === 0x3b || ++label > 63 || lengthAt - off + label > 253) return -1;
      out[lengthAt + label] = lower(c);
    }
  }
  if (label > 0) {
    out[lengthAt] = label;
    lengthAt += label + 1;
  }
  out[lengthAt] = 0;
  return lengthAt + 1 - off;
}

/** A normalized name (lowercased FQDN, plain labels) in wire form. */
export function wireName(name: string): Uint8Array {
  const out = new Uint8Array(256);
  const len = writeHostName(name, 0, name.length, out, 0);
  if (len < 0) throw new RangeError(`not a host name: ${name}`);
  return out.slice(0, len);
}

/**
 * True when the name `buf[start, end)` (wire, any case) is one of `zones`
 * (wire, lowercased) or below one: a zone's bytes end the name, on a label
 * boundary.
 */
export function underZones(buf: Uint8Array, start: number, end: number, zones: readonly Uint8Array[]): boolean {
  for (let z = 0; z < zones.length; z++) {
    const zone = zones[z]!;
    const at = end - zone.length;
    if (at < start) continue;
    let off = start;
    while (off < at) off += buf[off]! + 1;
    if (off === at && sameBytes(zone, 0, buf, at, end)) return true;
  }
  return false;
}
