/** Type, class and TTL fields of presentation text. */
import { QClass, QType } from './constants.js';

// Maps, not objects: a token such as `constructor` must not find Object's.
const TYPES: ReadonlyMap<string, number> = new Map(Object.entries({ ...QType, MD: 3, MF: 4, MB: 7, MG: 8, MR: 9, MINFO: 14, KX: 36, SIG: 24, KEY: 25, SMIMEA: 53, EUI48: 108, EUI64: 109, CAA: 257, DLV: 32769 }));

/** The type a mnemonic (any case) or `TYPEnnn` (RFC 3597) names, or undefined. */
export function typeFromText(text: string): number | undefined {
  // Most files write mnemonics in capitals: no new string for those.
  const exact = TYPES.get(text);
  if (exact !== undefined) return exact;
  const upper = text.toUpperCase();
  const known = TYPES.get(upper);
  if (known !== undefined) return known;
  if (!upper.startsWith('TYPE')) return undefined;
  const m = /^TYPE(\d{1,5})$/.exec(upper);
  return m && Number(m[1]) <= 0xffff ? Number(m[1]) : undefined;
}

const CLASSES: ReadonlyMap<string, number> = new Map(Object.entries({ IN: QClass.IN, CS: 2, CH: QClass.CH, HS: 4, NONE: 254, ANY: QClass.ANY }));

/** The class a mnemonic (any case) or `CLASSnnn` names, or undefined. */
export function classFromText(text: string): number | undefined {
  const exact = CLASSES.get(text);
  if (exact !== undefined) return exact;
  // Only class mnemonics are this short or start so; a type mnemonic goes no further.
  if (text.length > 4 && !/^class/i.test(text)) return undefined;
  const upper = text.toUpperCase();
  const known = CLASSES.get(upper);
  if (known !== undefined) return known;
  if (!upper.startsWith('CLASS')) return undefined;
  const m = /^CLASS(\d{1,5})$/.exec(upper);
  return m && Number(m[1]) <= 0xffff ? Number(m[1]) : undefined;
}

const UNIT: ReadonlyMap<string, number> = new Map(Object.entries({ s: 1, m: 60, h: 3600, d: 86400, w: 604800 }));

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
    const unit = UNIT.get(text[i]!.toLowerCase());
    if (unit === undefined || digits === 0) return undefined;
    total += n * unit;
    n = 0;
    digits = 0;
  }
  total += n;
  return total <= 0xffffffff ? total : undefined;
}
