/**
 * The sixteen bytes of an IPv6 address in text, or null, as Go's net.ParseIP reads one: groups of
 * one to four hex digits, one `::` at most, and a dotted IPv4 address (no part with a leading zero)
 * as the last 32 bits; no zone. Node's isIPv6 takes the same texts, but its first call compiles a
 * regular expression of 1.5 KB, which a server's start paid where it read its first address.
 */
export function parseIPv6(text: string): Uint8Array | null {
  const gap = text.indexOf('::');
  if (gap >= 0 && text.includes('::', gap + 1)) return null;
  const front = groupsOf(gap >= 0 ? text.slice(0, gap) : text, gap < 0);
  const back = gap >= 0 ? groupsOf(text.slice(gap + 2), true) : [];
  if (!front || !back) return null;
  const zeros = 8 - front.length - back.length;
  if (gap >= 0 ? zeros < 1 : zeros !== 0) return null;
  const out = new Uint8Array(16);
  front.forEach((g, i) => writeGroup(out, i, g));
  back.forEach((g, i) => writeGroup(out, 8 - back.length + i, g));
  return out;
}

function writeGroup(out: Uint8Array, i: number, group: number): void {
  out[2 * i] = group >> 8;
  out[2 * i + 1] = group & 0xff;
}

/** The 16-bit groups of the colon-separated `part` (an IPv4 address last when `v4Last`), or null. */
function groupsOf(part: string, v4Last: boolean): number[] | null {
  if (part === '') return [];
  const pieces = part.split(':');
  const groups: number[] = [];
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i]!;
    if (v4Last && i === pieces.length - 1 && piece.includes('.')) {
      if (!IPV4.test(piece)) return null;
      const [a, b, c, d] = piece.split('.').map(Number) as [number, number, number, number];
      if (a > 255 || b > 255 || c > 255 || d > 255) return null;
      groups.push((a << 8) | b, (c << 8) | d);
    } else if (piece.length >= 1 && piece.length <= 4 && HEX.test(piece)) {
      groups.push(parseInt(piece, 16));
    } else {
      return null;
    }
  }
  return groups;
}

const HEX = /^[0-9a-fA-F]+$/;
/** Four decimal parts, none with a leading zero. */
const IPV4 = /^(?:(?:0|[1-9]\d{0,2})\.){3}(?:0|[1-9]\d{0,2})$/;
