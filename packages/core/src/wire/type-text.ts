/** Type, class and TTL fields of presentation text. */
import { QClass, QType } from './constants.js';

const TYPES: Readonly<Record<string, number>> = { ...QType, MD: 3, MF: 4, MB: 7, MG: 8, MR: 9, MINFO: 14, KX: 36, SIG: 24, KEY: 25, SMIMEA: 53, EUI48: 108, EUI64: 109, CAA: 257, DLV: 32769 };

/** The type a mnemonic (any case) or `TYPEnnn` (RFC 3597) names, or undefined. */
export function typeFromText(text: string): number | undefined {
  const upper = text.toUpperCase();
  const known = TYPES[upper];
  if (known !== undefined) return known;
  const m = /^TYPE(\d{1,5})$/.exec(upper);
  return m && Number(m[1]) <= 0xffff ? Number(m[1]) : undefined;
}

const CLASSES: Readonly<Record<string, number>> = { IN: QClass.IN, CS: 2, CH: QClass.CH, HS: 4, NONE: 254, ANY: QClass.ANY };

/** The class a mnemonic (any case) or `CLASSnnn` names, or undefined. */
export function classFromText(text: string): number | undefined {
  const upper = text.toUpperCase();
  const known = CLASSES[upper];
  if (known !== undefined) return known;
  const m = /^CLASS(\d{1,5})$/.exec(upper);
  return m && Number(m[1]) <= 0xffff ? Number(m[1]) : undefined;
}

const UNIT: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/**
 * A TTL: seconds (`3600`), or BIND's units in any case (`1h30m`, `4H`,
 * `7D`, `1w`). Undefined when the text is neither, or over 2^32-1.
 */
export function ttlFromText(text: string): number | undefined {
  const c = text.charCodeAt(0);
  if (!(c >= 0x30 && c <= 0x39)) return undefined;
  let total = 0;
  let n = 0;
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const d = text.charCodeAt(i);
    if (d >= 0x30 && d <= 0x39) {
      n = n * 10 + (d - 0x30);
      digits++;
      continue;
    }
    const unit = UNIT[text[i]!.toLowerCase()];
    if (unit === undefined || digits === 0) return undefined;
    total += n * unit;
    n = 0;
    digits = 0;
  }
  total += n;
  return total <= 0xffffffff ? total : undefined;
}
