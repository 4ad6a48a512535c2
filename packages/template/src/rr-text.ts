import { isIPv4, isIPv6 } from 'node:net';
import { type Answer, QType } from '@chaindns/core';
import { CLASSES } from './query-data.js';

/**
 * One resource record from RFC 1035 presentation text, as miekg/dns's NewRR
 * reads what a template renders: `owner [TTL] [CLASS] TYPE RDATA`, the TTL
 * 3600 and the class IN when left out, names relative to the root, `( )`
 * grouping over lines and `;` comments. Types: A, AAAA, NS, CNAME, DNAME,
 * PTR, MX, TXT, SPF, SRV, SOA, HINFO, CAA, NAPTR, RP, and any type (`TYPE123`
 * too) in RFC 3597's generic form `\# LENGTH HEX`. Throws RRTextError.
 *
 * The template package's own reader: its interface (text in, a record out)
 * is what core's presentation parser offers, so it can take this one's place.
 */
export function parseRecord(text: string): Answer {
  const tokens = tokenize(text);
  const fail = (message: string): never => {
    throw new RRTextError(`dns: ${message} in "${text}"`);
  };
  if (tokens.length === 0) fail('no record');
  let i = 0;
  const owner = tokens[i++]!;
  if (owner.quoted || owner.text === '') fail('bad owner name');
  const name = nameOf(owner.text, fail);
  let ttl = 3600;
  let klass = 'IN';
  let sawTtl = false;
  let sawClass = false;
  let typeText: string | undefined;
  while (i < tokens.length) {
    const t = tokens[i++]!.text;
    const upper = t.toUpperCase();
    const c0 = t.charCodeAt(0);
    if (!sawTtl && c0 >= 48 && c0 <= 57) {
      const v = ttlOf(t);
      if (v === null) fail(`not a TTL: "${t}"`);
      ttl = v!;
      sawTtl = true;
    } else if (!sawClass && (Object.hasOwn(CLASSES, upper) || /^CLASS\d+$/.test(upper))) {
      if (!RECORD_CLASSES.includes(upper)) fail(`class ${upper} is not supported in records`);
      klass = upper;
      sawClass = true;
    } else {
      typeText = upper;
      break;
    }
  }
  if (typeText === undefined) fail(`not a TTL: "${tokens[tokens.length - 1]!.text}"`);
  const rdata = tokens.slice(i);
  const type = typeNumber(typeText!);
  if (type === null) fail(`unknown RR type "${typeText}"`);
  if (rdata[0]?.text === '\\#' && !rdata[0].quoted) return { name, ttl, class: klass, type: `UNKNOWN_${type}`, data: genericRdata(rdata.slice(1), fail) } as unknown as Answer;
  const r = rdataOf(typeText!, rdata, fail);
  return { name, ttl, class: klass, type: r.type, data: r.data } as Answer;
}

/** The classes a record may have here (what dns-packet encodes). */
const RECORD_CLASSES = ['IN', 'CS', 'CH', 'HS', 'ANY'];

export class RRTextError extends Error {
  override readonly name = 'RRTextError';
}

type Fail = (message: string) => never;

interface Token {
  /** As written, escapes kept: a string's bytes are `unescape(text)`, taken only where a string is read. */
  readonly text: string;
  readonly quoted: boolean;
}

const ENDS_WORD = new Set([' ', '\t', '\r', '\n', ';', '(', ')', '"']);

/** Splits one record into tokens; `(` `)` only group lines, a second record is an error. */
function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let depth = 0;
  let ended = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
    } else if (c === '\n') {
      if (depth === 0 && out.length > 0) ended = true;
      i++;
    } else if (c === ';') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '(' || c === ')') {
      depth += c === '(' ? 1 : -1;
      if (depth < 0) throw new RRTextError(`dns: extra closing brace in "${text}"`);
      i++;
    } else {
      if (ended) throw new RRTextError(`dns: more than one record in "${text}"`);
      const quoted = c === '"';
      const start = quoted ? i + 1 : i;
      let j = start;
      for (; j < text.length; j++) {
        const d = text[j]!;
        if (d === '\\') j++;
        else if (quoted ? d === '"' : ENDS_WORD.has(d)) break;
      }
      if (quoted && text[j] !== '"') throw new RRTextError(`dns: unbalanced quotes in "${text}"`);
      // As written, escapes kept (a string's bytes are read with unescape where needed).
      out.push({ text: text.slice(start, Math.min(j, text.length)), quoted });
      i = quoted ? j + 1 : j;
    }
  }
  if (depth !== 0) throw new RRTextError(`dns: unbalanced brace in "${text}"`);
  return out;
}

/** The bytes of a character string: `\X` is X, `\DDD` the byte DDD. */
function unescape(raw: string): Buffer {
  if (!raw.includes('\\')) return Buffer.from(raw);
  const parts: Buffer[] = [];
  let plain = '';
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] !== '\\') {
      plain += raw[i];
      continue;
    }
    const ddd = /^\d{3}/.exec(raw.slice(i + 1));
    parts.push(Buffer.from(plain));
    plain = '';
    if (ddd) {
      parts.push(Buffer.from([Number(ddd[0]) & 0xff]));
      i += 3;
    } else {
      parts.push(Buffer.from(raw[i + 1] ?? ''));
      i++;
    }
  }
  parts.push(Buffer.from(plain));
  return Buffer.concat(parts);
}

/** A TTL: seconds, or miekg's units (`1h30m`, `1d`, `2w`). */
function ttlOf(t: string): number | null {
  let v: number;
  if (/^\d+$/.test(t)) v = Number(t);
  else {
    if (!/^(?:\d+[smhdwSMHDW])+$/.test(t)) return null;
    const unit: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
    v = 0;
    for (const m of t.matchAll(/(\d+)([a-zA-Z])/g)) v += Number(m[1]) * unit[m[2]!.toLowerCase()]!;
  }
  return v <= 0xffffffff ? v : null;
}

function typeNumber(t: string): number | null {
  if (t in QType) return QType[t as keyof typeof QType];
  const m = /^TYPE(\d+)$/.exec(t);
  return m && Number(m[1]) <= 0xffff ? Number(m[1]) : null;
}

/** A domain name: relative names are under the root (`@` is the root); dns-packet wants it without the final dot. */
function nameOf(text: string, fail: Fail): string {
  if (text === '@' || text === '.') return '.';
  if (text.includes('\\')) fail(`escaped names are not supported: "${text}"`);
  const fqdn = text.endsWith('.') ? text.slice(0, -1) : text;
  // Label lengths in octets: one per UTF-16 unit for ASCII, Buffer.byteLength only for the rest.
  const wire = /^[\x00-\x7f]*$/.test(fqdn) ? fqdn.length + 2 : Buffer.byteLength(fqdn) + 2;
  let label = 0;
  for (let i = 0; i <= fqdn.length; i++) {
    if (i < fqdn.length && fqdn.charCodeAt(i) !== 0x2e) {
      label++;
      continue;
    }
    if (label === 0 || label > 63) fail(`bad name "${text}"`);
    label = 0;
  }
  if (wire > 255) fail(`name too long: "${text}"`);
  if (wire - 2 !== fqdn.length) {
    for (const l of fqdn.split('.')) if (Buffer.byteLength(l) > 63) fail(`bad name "${text}"`);
  }
  return fqdn;
}

function uint(t: Token | undefined, bits: 8 | 16 | 32, what: string, fail: Fail): number {
  if (!t || !/^\d+$/.test(t.text) || Number(t.text) > 2 ** bits - 1) return fail(`bad ${what}: "${t?.text ?? ''}"`);
  return Number(t.text);
}

/** The `data` of a record of `type` in dns-packet's shape, with `type` itself. */
function rdataOf(type: string, r: readonly Token[], fail: Fail): { type: string; data: unknown } {
  const count = (n: number): readonly Token[] => (r.length === n ? r : fail(`${type} needs ${n} rdata fields, got ${r.length}`));
  const name = (t: Token): string => nameOf(t.text, fail);
  switch (type) {
    case 'A': {
      const ip = count(1)[0]!.text;
      if (!isIPv4(ip)) fail(`bad A: "${ip}"`);
      return { type, data: ip };
    }
    case 'AAAA': {
      const ip = count(1)[0]!.text;
      if (!isIPv6(ip) || ip.includes('%')) fail(`bad AAAA: "${ip}"`);
      return { type, data: ip };
    }
    case 'NS':
    case 'CNAME':
    case 'DNAME':
    case 'PTR':
      return { type, data: name(count(1)[0]!) };
    case 'MX':
      count(2);
      return { type, data: { preference: uint(r[0], 16, 'MX preference', fail), exchange: name(r[1]!) } };
    case 'SRV':
      count(4);
      return { type, data: { priority: uint(r[0], 16, 'SRV priority', fail), weight: uint(r[1], 16, 'SRV weight', fail), port: uint(r[2], 16, 'SRV port', fail), target: name(r[3]!) } };
    case 'SOA': {
      count(7);
      const ttl = (t: Token, what: string): number => ttlOf(t.text) ?? fail(`bad SOA ${what}: "${t.text}"`);
      return {
        type,
        data: { mname: name(r[0]!), rname: name(r[1]!), serial: uint(r[2], 32, 'SOA serial', fail), refresh: ttl(r[3]!, 'refresh'), retry: ttl(r[4]!, 'retry'), expire: ttl(r[5]!, 'expire'), minimum: ttl(r[6]!, 'minimum') },
      };
    }
    case 'TXT':
      return { type, data: characterStrings(r, type, fail) };
    case 'SPF': {
      const parts = characterStrings(r, type, fail);
      return { type: `UNKNOWN_${QType.SPF}`, data: Buffer.concat(parts.flatMap((p) => [Buffer.from([p.length]), p])) };
    }
    case 'HINFO':
      count(2);
      return { type, data: { cpu: unescape(r[0]!.text).toString(), os: unescape(r[1]!.text).toString() } };
    case 'CAA':
      count(3);
      if (!/^[a-zA-Z0-9]+$/.test(r[1]!.text)) fail(`bad CAA tag: "${r[1]!.text}"`);
      return { type, data: { flags: uint(r[0], 8, 'CAA flags', fail), tag: r[1]!.text, value: unescape(r[2]!.text).toString() } };
    case 'NAPTR':
      count(6);
      return {
        type,
        data: { order: uint(r[0], 16, 'NAPTR order', fail), preference: uint(r[1], 16, 'NAPTR preference', fail), flags: r[2]!.text, services: r[3]!.text, regexp: r[4]!.text, replacement: name(r[5]!) },
      };
    case 'RP':
      count(2);
      return { type, data: { mbox: name(r[0]!), txt: name(r[1]!) } };
    default:
      return fail(`type ${type} is not supported in presentation form: write its data in RFC 3597's form (\\# LENGTH HEX)`);
  }
}

/** TXT's strings: each quoted string or word, longer ones cut into 255-octet pieces (as miekg/dns). */
function characterStrings(r: readonly Token[], type: string, fail: Fail): Buffer[] {
  if (r.length === 0) fail(`${type} needs at least one string`);
  const out: Buffer[] = [];
  for (const t of r) {
    const bytes = unescape(t.text);
    if (bytes.length === 0) out.push(bytes);
    for (let at = 0; at < bytes.length; at += 255) out.push(bytes.subarray(at, at + 255));
  }
  return out;
}

/** RFC 3597: `\# LENGTH HEX...`, the hex possibly cut into words. */
function genericRdata(r: readonly Token[], fail: Fail): Buffer {
  const length = r[0] && /^\d+$/.test(r[0].text) ? Number(r[0].text) : fail('bad RFC 3597 length');
  const hex = r
    .slice(1)
    .map((t) => t.text)
    .join('');
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(hex) || hex.length / 2 !== length) fail(`RFC 3597 data is not ${length} octets of hex`);
  return Buffer.from(hex, 'hex');
}
