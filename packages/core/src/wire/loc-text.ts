/** LOC (RFC 1876): `d [m [s]] N|S d [m [s]] E|W alt[m] [siz[m] [hp[m] [vp[m]]]]`. */
import type { RdataFields } from './text-fields.js';

const DECIMAL = /^-?\d+(\.\d+)?m?$/;

/** A size or precision in centimetres as RFC 1876's base and power of ten in one byte. */
function precision(text: string, what: string): number {
  if (!DECIMAL.test(text) || text.startsWith('-')) throw new RangeError(`${what}: expected metres, got "${text}"`);
  let cm = Math.round(parseFloat(text) * 100);
  let exp = 0;
  while (cm >= 10 && exp < 9) {
    cm = Math.round(cm / 10);
    exp++;
  }
  if (cm > 9) throw new RangeError(`${what}: "${text}" is too large`);
  return (cm << 4) | exp;
}

/** One coordinate in thousandths of an arc second, offset by 2^31 as the wire wants. */
function coordinate(f: RdataFields, hemispheres: string, maxDegrees: number, what: string): number {
  const parts: string[] = [];
  let hemisphere = '';
  while (parts.length < 4) {
    const t = f.take(what);
    if (hemispheres.includes(t.toUpperCase())) {
      hemisphere = t.toUpperCase();
      break;
    }
    parts.push(t);
  }
  if (!hemisphere || parts.length === 0 || parts.length > 3) throw new RangeError(`${what}: expected degrees [minutes [seconds]] and one of ${hemispheres.split('').join(', ')}`);
  const [d = '0', m = '0', s = '0'] = parts;
  if (!/^\d+$/.test(d) || !/^\d+$/.test(m) || !/^\d+(\.\d+)?$/.test(s) || +d > maxDegrees || +m > 59 || +s >= 60) throw new RangeError(`${what}: bad degrees, minutes or seconds "${parts.join(' ')}"`);
  const thousandths = Math.round((+d * 3600 + +m * 60 + +s) * 1000);
  const signed = hemisphere === hemispheres[0] ? thousandths : -thousandths;
  return 2 ** 31 + signed;
}

export function writeLoc(f: RdataFields): void {
  const lat = coordinate(f, 'NS', 90, 'latitude');
  const lon = coordinate(f, 'EW', 180, 'longitude');
  const altText = f.take('altitude');
  if (!DECIMAL.test(altText)) throw new RangeError(`altitude: expected metres, got "${altText}"`);
  const alt = Math.round(parseFloat(altText) * 100) + 10_000_000;
  if (alt < 0 || alt > 0xffffffff) throw new RangeError(`altitude: "${altText}" is out of range`);
  const size = f.left > 0 ? precision(f.take('size'), 'size') : 0x12;
  const hp = f.left > 0 ? precision(f.take('horizontal precision'), 'horizontal precision') : 0x16;
  const vp = f.left > 0 ? precision(f.take('vertical precision'), 'vertical precision') : 0x13;
  f.u8('version', 0);
  f.u8('size', size);
  f.u8('horizontal precision', hp);
  f.u8('vertical precision', vp);
  f.u32('latitude', lat);
  f.u32('longitude', lon);
  f.u32('altitude', alt);
}
