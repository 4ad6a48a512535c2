/** Type, class and TTL fields of presentation text. */
import { QClass, QType, Rcode } from './constants.js';

// Maps, not objects: a token such as `constructor` must not find Object's.
// Every mnemonic miekg/dns knows (its StringToType), so a Corefile that names one reads as in CoreDNS.
const TYPES: ReadonlyMap<string, number> = new Map(
  Object.entries({
    ...QType,
    NONE: 0, MD: 3, MF: 4, MB: 7, MG: 8, MR: 9, MINFO: 14, X25: 19, ISDN: 20, RT: 21, NSAPPTR: 23, SIG: 24, KEY: 25, PX: 26, GPOS: 27, NXT: 30,
    EID: 31, NIMLOC: 32, ATMA: 34, KX: 36, IPSECKEY: 45, SMIMEA: 53, HIP: 55, NINFO: 56, RKEY: 57, TALINK: 58, UINFO: 100, UID: 101, GID: 102,
    UNSPEC: 103, NID: 104, L32: 105, L64: 106, LP: 107, EUI48: 108, EUI64: 109, AVC: 258, AMTRELAY: 260, TA: 32768, DLV: 32769,
  }),
);

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

const CLASSES: ReadonlyMap<string, number> = new Map(Object.entries(QClass));

// BADSIG shares 16 with BADVERS (RFC 8945 and RFC 6891).
const RCODES: ReadonlyMap<string, number> = new Map(Object.entries({ ...Rcode, BADSIG: 16 }));

/** The rcode a mnemonic (any case: `NXDOMAIN`, `badcookie`) names, or undefined. */
export function rcodeFromText(text: string): number | undefined {
  return RCODES.get(text.toUpperCase());
}

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
