/**
 * RDATA from presentation text into wire form, for every common type, and
 * RFC 3597's `\# <length> <hex>` for any type. Names in RDATA are written
 * whole (never compressed) and keep their letter case.
 */
import { writeLoc } from './loc-text.js';
import { writeSvcParams } from './svcb-text.js';
import { base32hex, RdataFields, uint } from './text-fields.js';
import { ttlFromText, typeFromText } from './type-text.js';

type Writer = (f: RdataFields) => void;

const name: Writer = (f) => f.name('name');
const prefName: Writer = (f) => {
  f.u16('preference');
  f.name('name');
};
const strings: Writer = (f) => {
  if (f.left === 0) throw new RangeError('missing text');
  while (f.left > 0) f.charString('text');
};
const ttlField = (f: RdataFields, what: string): void => {
  const t = f.take(what);
  const v = ttlFromText(t);
  if (v === undefined) throw new RangeError(`${what}: expected a number or a duration such as 1h, got "${t}"`);
  f.u32(what, v);
};
const keyTagAlgDigest: Writer = (f) => {
  f.u16('key tag');
  f.u8('algorithm');
  f.u8('digest type');
  f.hex('digest');
};
const dnskey: Writer = (f) => {
  f.u16('flags');
  f.u8('protocol');
  f.u8('algorithm');
  f.base64('public key');
};
const rrsig: Writer = (f) => {
  const covered = f.take('type covered');
  const type = typeFromText(covered);
  if (type === undefined) throw new RangeError(`unknown type covered "${covered}"`);
  f.u16('type covered', type);
  f.u8('algorithm');
  f.u8('labels');
  f.u32('original TTL');
  f.time('expiration');
  f.time('inception');
  f.u16('key tag');
  f.name("signer's name");
  f.base64('signature');
};
const salt = (f: RdataFields): void => {
  const s = f.take('salt');
  if (s === '-') return f.u8('salt length', 0);
  if (!/^[0-9a-fA-F]*$/.test(s) || s.length % 2 === 1 || s.length > 510) throw new RangeError(`salt: not hex, got "${s}"`);
  f.u8('salt length', s.length / 2);
  f.hex('salt', s);
};
const tlsa: Writer = (f) => {
  f.u8('usage');
  f.u8('selector');
  f.u8('matching type');
  f.hex('certificate data');
};

const CERT_TYPES: Readonly<Record<string, number>> = { PKIX: 1, SPKI: 2, PGP: 3, IPKIX: 4, ISPKI: 5, IPGP: 6, ACPKIX: 7, IACPKIX: 8, URI: 253, OID: 254 };
const ALGORITHMS: Readonly<Record<string, number>> = {
  RSAMD5: 1,
  DH: 2,
  DSA: 3,
  RSASHA1: 5,
  'DSA-NSEC3-SHA1': 6,
  'RSASHA1-NSEC3-SHA1': 7,
  RSASHA256: 8,
  RSASHA512: 10,
  'ECC-GOST': 12,
  ECDSAP256SHA256: 13,
  ECDSAP384SHA384: 14,
  ED25519: 15,
  ED448: 16,
  INDIRECT: 252,
  PRIVATEDNS: 253,
  PRIVATEOID: 254,
};
const mnemonicOr = (table: Readonly<Record<string, number>>, text: string, max: number, what: string): number => (Object.hasOwn(table, text.toUpperCase()) ? table[text.toUpperCase()]! : uint(text, max, what));

const WRITERS: Readonly<Record<number, Writer>> = {
  1: (f) => f.ipv4('address'), // A
  2: name, // NS
  3: name, // MD
  4: name, // MF
  5: name, // CNAME
  6: (f) => {
    // SOA
    f.name('primary name server');
    f.name('mailbox');
    f.u32('serial');
    for (const what of ['refresh', 'retry', 'expire', 'minimum']) ttlField(f, what);
  },
  7: name, // MB
  8: name, // MG
  9: name, // MR
  12: name, // PTR
  13: (f) => {
    // HINFO
    f.charString('cpu');
    f.charString('os');
  },
  14: (f) => {
    // MINFO
    f.name('responsible mailbox');
    f.name('error mailbox');
  },
  15: prefName, // MX
  16: strings, // TXT
  17: (f) => {
    // RP
    f.name('mailbox');
    f.name('text name');
  },
  18: prefName, // AFSDB
  24: rrsig, // SIG
  25: dnskey, // KEY
  28: (f) => f.ipv6('address'), // AAAA
  29: writeLoc, // LOC
  33: (f) => {
    // SRV
    f.u16('priority');
    f.u16('weight');
    f.u16('port');
    f.name('target');
  },
  35: (f) => {
    // NAPTR
    f.u16('order');
    f.u16('preference');
    f.charString('flags');
    f.charString('services');
    f.charString('regexp');
    f.name('replacement');
  },
  36: prefName, // KX
  37: (f) => {
    // CERT
    f.u16('certificate type', mnemonicOr(CERT_TYPES, f.take('certificate type'), 0xffff, 'certificate type'));
    f.u16('key tag');
    f.u8('algorithm', mnemonicOr(ALGORITHMS, f.take('algorithm'), 0xff, 'algorithm'));
    f.base64('certificate');
  },
  39: name, // DNAME
  43: keyTagAlgDigest, // DS
  44: (f) => {
    // SSHFP
    f.u8('algorithm');
    f.u8('fingerprint type');
    f.hex('fingerprint');
  },
  46: rrsig, // RRSIG
  47: (f) => {
    // NSEC
    f.name('next domain name');
    f.typeBitmap();
  },
  48: dnskey, // DNSKEY
  49: (f) => f.base64('DHCID data'), // DHCID
  50: (f) => {
    // NSEC3
    f.u8('hash algorithm');
    f.u8('flags');
    f.u16('iterations');
    salt(f);
    const next = base32hex(f.take('next hashed owner'), 'next hashed owner');
    f.u8('hash length', next.length);
    f.bytes(next);
    f.typeBitmap();
  },
  51: (f) => {
    // NSEC3PARAM
    f.u8('hash algorithm');
    f.u8('flags');
    f.u16('iterations');
    salt(f);
  },
  52: tlsa, // TLSA
  53: tlsa, // SMIMEA
  59: keyTagAlgDigest, // CDS
  60: dnskey, // CDNSKEY
  61: (f) => f.base64('public key'), // OPENPGPKEY
  62: (f) => {
    // CSYNC
    f.u32('serial');
    f.u16('flags');
    f.typeBitmap();
  },
  63: (f) => {
    // ZONEMD
    f.u32('serial');
    f.u8('scheme');
    f.u8('hash algorithm');
    f.hex('digest');
  },
  64: svcb, // SVCB
  65: svcb, // HTTPS
  99: strings, // SPF
  108: (f) => f.hex('address', eui(f.take('address'), 6)), // EUI48
  109: (f) => f.hex('address', eui(f.take('address'), 8)), // EUI64
  256: (f) => {
    // URI
    f.u16('priority');
    f.u16('weight');
    f.raw('target');
  },
  257: (f) => {
    // CAA
    f.u8('flags');
    const tag = f.take('tag');
    if (!/^[A-Za-z0-9]{1,255}$/.test(tag)) throw new RangeError(`tag: expected letters and digits, got "${tag}"`);
    f.charString('tag', tag);
    f.raw('value');
  },
  32769: keyTagAlgDigest, // DLV
};

function svcb(f: RdataFields): void {
  f.u16('priority');
  f.name('target');
  writeSvcParams(f);
}

function eui(text: string, bytes: number): string {
  const re = bytes === 6 ? /^[0-9a-fA-F]{2}(-[0-9a-fA-F]{2}){5}$/ : /^[0-9a-fA-F]{2}(-[0-9a-fA-F]{2}){7}$/;
  if (!re.test(text)) throw new RangeError(`address: expected ${bytes} hex pairs joined by "-", got "${text}"`);
  return text.replace(/-/g, '');
}

/** True when this module can write the type's RDATA from its presentation form (any type can use `\#`). */
export function knowsRdataText(type: number): boolean {
  return WRITERS[type] !== undefined;
}

/**
 * Writes the RDATA of a record of `type` from `tokens[start..]` at `off` in
 * `out` and returns the offset past it. Relative names are completed with
 * `origin`. Throws a RangeError that says what is wrong.
 */
const reader = new RdataFields([], 0, '.', new Uint8Array(0), 0);

export function writeRdataText(type: number, tokens: readonly string[], start: number, origin: string, out: Uint8Array, off: number): number {
  const f = reader.reset(tokens, start, origin, out, off);
  if (tokens[start] === '\\#') {
    f.take('\\#');
    const len = uint(f.take('RDATA length'), 0xffff, 'RDATA length');
    if (len === 0) return f.end();
    f.hex('RDATA');
    if (f.off - off !== len) throw new RangeError(`\\# says ${len} bytes, the hex holds ${f.off - off}`);
    return f.end();
  }
  const write = WRITERS[type];
  if (!write) throw new RangeError(`type ${type} has no presentation form here: write it as \\# <length> <hex>`);
  write(f);
  return f.end();
}
